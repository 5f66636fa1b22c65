"""HunkEditor: the inline editor for a hunk's new text (``e`` in the review screen). ctrl+s
saves (the edited text is what lands), escape cancels; both are messages for the host. Tab
indents inside the editor."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, TextArea


class _EditorArea(TextArea):
    """A TextArea whose escape cancels the edit (TextArea's own escape moves the focus)."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.post_message(HunkEditor.Cancelled())
            return
        await super()._on_key(event)


class HunkEditor(Vertical):
    DEFAULT_CSS = """
    HunkEditor { height: 45%; min-height: 6; border-top: solid $warning; background: $surface; }
    HunkEditor > Label { color: $text-muted; padding: 0 1; }
    HunkEditor > TextArea { height: 1fr; }
    """

    # Not priority bindings: keys stay in the order they were typed (text, then ctrl+s).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save edit"),
        Binding("escape", "cancel", "Cancel edit"),
    ]

    class Saved(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Cancelled(Message):
        pass

    def __init__(self, text: str, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = text
        self._title = title

    def compose(self) -> ComposeResult:
        yield Label(f"Edit {self._title}  (ctrl+s save and accept, esc cancel)")
        yield _EditorArea(
            self._text, soft_wrap=False, tab_behavior="indent", show_line_numbers=True
        )

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        self.post_message(self.Saved(self.text))

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
