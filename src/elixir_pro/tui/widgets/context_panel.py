"""The context-files side panel: files added with ``@path`` (or from a finding) that go with
every prompt of the session; delete removes the highlighted one. Below them, the project
instructions that join the system prompt (AGENTS.md, CLAUDE.md, usage rules) with the budget
used and what did not fit (``conversation.instructions``).

Used by the main screen; posts :class:`ContextPanel.Removed`.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from elixir_pro.tui.short_paths import shorten_path


class ContextPanel(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("delete,backspace", "remove", "remove file")]

    class Removed(Message):
        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, root: Path | None = None) -> None:
        super().__init__(id="context-panel", classes="side-panel")
        self.root = root
        self.paths: list[str] = []
        self._width = 0  # the width the list was drawn for

    def compose(self) -> ComposeResult:
        yield Static("Context · none", id="context-title", classes="panel-title")
        yield OptionList(id="context-list")
        instructions = Static("", id="context-instructions")
        instructions.display = False  # shown once instruction files are found
        yield instructions

    def on_mount(self) -> None:
        self.call_after_refresh(self.set_paths, self.paths)

    def set_paths(self, paths: list[str]) -> None:
        self.paths = list(paths)
        if not self.is_mounted:
            return
        title = f"Context · {len(paths)} file{'s' if len(paths) != 1 else ''}"
        self.query_one("#context-title", Static).update(title if paths else "Context · none")
        options = self.query_one("#context-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        self._width = self.size.width
        room = max(12, self._width - 4) if self._width else 1000  # padding and scroll bar
        if paths:
            options.add_options([Option(shorten_path(p, room), id=p) for p in paths])
            if highlighted is not None:
                options.highlighted = min(highlighted, len(paths) - 1)
        else:
            options.add_option(Option("Type @path in the prompt to add a file.", disabled=True))
        self._show_instructions()

    def _show_instructions(self) -> None:
        box = self.query_one("#context-instructions", Static)
        from elixir_pro.conversation.instructions import for_project

        found = for_project(self.root, self.paths) if self.root is not None else None
        box.display = found is not None and bool(found.sources)
        if found is not None and found.sources:
            box.update(Text("\n".join([found.title(), *found.listing()])))

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self.set_paths(self.paths)

    def action_remove(self) -> None:
        options = self.query_one("#context-list", OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        if option.id is not None:
            self.post_message(self.Removed(option.id))
