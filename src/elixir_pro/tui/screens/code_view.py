"""The code view: a project file highlighted with Pygments, line numbers, the finding's line
marked and scrolled into view, the finding itself above the code. Escape closes it; ``a`` adds
the file to the context. Pushed by the main screen when a finding is chosen (and by the gates
view for a piece of evidence)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from elixir_pro.engine.findings import Finding
from elixir_pro.tui.widgets.key_bar import KeyBar
from elixir_pro.tui.widgets.path_line import PathLine

MAX_BYTES = 2_000_000


class CodeViewScreen(ModalScreen[str | None]):
    CSS_PATH = "code_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "close"),
        Binding("a", "add_context", "add to context"),
    ]

    def __init__(
        self,
        root: Path,
        rel_path: str,
        finding: Finding | None = None,
        *,
        line: int | None = None,
    ) -> None:
        super().__init__()
        self.root = root
        self.rel_path = rel_path
        self.finding = finding
        self.line = finding.line if finding is not None else (line or 1)

    def _source(self) -> str:
        path = (self.root / self.rel_path).resolve()
        if not path.is_relative_to(self.root.resolve()):
            return "(outside the project)"
        try:
            data = path.read_bytes()[:MAX_BYTES]
        except OSError as exc:
            return f"(cannot read {self.rel_path}: {exc.strerror})"
        return data.decode("utf-8", errors="replace")

    def compose(self) -> ComposeResult:
        line = self.line
        yield PathLine("", self.rel_path, f":{line}", path_style="bold", id="code-title")
        if self.finding is not None:
            f = self.finding
            yield Static(Text(f"[{f.severity.value}] {f.rule}: {f.message}"), id="code-finding")
        dark = self.app.current_theme.dark
        syntax = Syntax(
            self._source(),
            Syntax.guess_lexer(self.rel_path),
            theme="monokai" if dark else "default",
            line_numbers=True,
            highlight_lines={line},
            word_wrap=False,
        )
        with VerticalScroll(id="code-scroll"):
            yield Static(syntax, id="code")
        yield KeyBar()

    def on_mount(self) -> None:
        line = self.line
        scroll = self.query_one("#code-scroll", VerticalScroll)
        self.call_after_refresh(scroll.scroll_to, y=max(0, line - 5), animate=False)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_add_context(self) -> None:
        self.dismiss(self.rel_path)
