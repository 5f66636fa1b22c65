"""A tool call in the conversation: a collapsible row titled with what ran, holding its result.

Used by :class:`~elixir_pro.tui.widgets.turn_view.TurnView`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Collapsible, Static

from elixir_pro.tui.ansi import ansi_text, exit_status
from elixir_pro.tui.short_paths import shorten_path

_MAX_SHOWN = 4000
_PATH_KEYS = ("file_path", "path")
_TITLE_EXTRA = 4  # the collapsible's symbol and padding


def describe_call(name: str, tool_input: dict[str, Any], width: int | None = None) -> str:
    """A one-line summary of a tool call: ``Bash: mix test``, ``Read: lib/a.ex``; a path is
    shortened in its middle to fit ``width`` cells in all (None: kept whole)."""
    for key in ("command", "file_path", "path", "pattern", "query", "url"):
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            first = value.splitlines()[0] if value.splitlines() else value
            if key in _PATH_KEYS:
                room = None if width is None else max(12, width - len(name) - 2)
                return f"{name}: {first if room is None else shorten_path(first, room)}"
            return f"{name}: {first[:70]}"
    return name


class ToolRow(Collapsible):
    """Collapsed: ``▶ Bash: mix test · running`` (then ``· exit 1``, or ``· done`` / ``· error``
    for the other tools); expanded: the tool's output."""

    def __init__(self, call_id: str, name: str, tool_input: dict[str, Any]) -> None:
        self.call_id = call_id
        self.tool_name = name
        self.tool_input = tool_input
        self.summary = describe_call(name, tool_input)
        self.state = "running"
        self._body = Static(Text("running…"), classes="tool-output")
        super().__init__(self._body, title=f"{self.summary} · running", collapsed=True)
        self.add_class("tool-row")

    def _fitted_title(self) -> str:
        suffix = f" · {self.state}"
        width = self.size.width - _TITLE_EXTRA - len(suffix) if self.size.width else None
        return describe_call(self.tool_name, self.tool_input, width) + suffix

    def on_resize(self) -> None:
        self.title = self._fitted_title()

    def finish(self, output: str, is_error: bool) -> None:
        """Show the result: colour codes as colours, no other control sequence (see
        :mod:`elixir_pro.tui.ansi`); a Bash row's title gets the command's exit status."""
        shown = output if len(output) <= _MAX_SHOWN else output[:_MAX_SHOWN] + "\n… (truncated)"
        self._body.update(ansi_text(shown) if shown else Text("(no output)"))
        status = exit_status(output) if self.tool_name == "Bash" else None
        self.state = status or ("error" if is_error else "done")
        self.title = self._fitted_title()
        self.set_class(is_error, "-error")
