"""A one-line label holding a project path between other text (``staged modify <path> (+3 -1)
ctrl+g to review``, the code view's ``<path>:79``): the path is shortened in its middle to the
room the rest leaves at the widget's current width, so the file name and the text after it stay
visible at 80 columns and nothing is cut at 160. Re-fitted on every resize.

Used by the conversation's staged lines and the code view's title.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from elixir_pro.tui.short_paths import shorten_path

MIN_ROOM = 12  # below this the path keeps 12 cells and the end of the line is cut instead


class PathLine(Static):
    DEFAULT_CSS = """
    PathLine {
        height: 1;
    }
    """

    def __init__(
        self,
        prefix: Text | str,
        path: str,
        suffix: Text | str = "",
        *,
        path_style: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.prefix = Text(prefix) if isinstance(prefix, str) else prefix
        self.path = path
        self.suffix = Text(suffix) if isinstance(suffix, str) else suffix
        self.path_style = path_style

    def shown_path(self, width: int) -> str:
        """The path as it fits beside the rest of the line in ``width`` cells."""
        room = width - self.prefix.cell_len - self.suffix.cell_len
        return shorten_path(self.path, max(room, MIN_ROOM))

    def render(self) -> Text:
        width = self.content_region.width
        path = self.shown_path(width) if width > 0 else self.path
        return Text.assemble(
            self.prefix, (path, self.path_style), self.suffix, no_wrap=True, overflow="ellipsis"
        )
