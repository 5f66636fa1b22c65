"""DiffView: one file's hunks, unified or side by side, with both sides' line numbers and
Pygments highlighting, drawn through Textual's Line API.

It is a single ``ScrollView`` that renders only the visible rows (``render_line``): the rows are a
flat list built once per file (``diff_rows.build_rows``) and each hunk is lexed when first drawn,
so a 2,000-hunk diff opens in time linear in the diff and moving between hunks costs the same at
any size. Colours come from component classes styled with theme variables. Used by the review
screen, which owns the decisions (``changes.review_model.ReviewModel``) and hands over notes to
show under hunk headers (``set_notes``: the check before apply's compiler messages).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from elixir_pro.changes.decisions import DecisionState
from elixir_pro.changes.hunks import FileDiff, Hunk
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.tui.widgets.diff_rows import (
    ADDED,
    CONTEXT,
    EDITED,
    HEADER,
    NOTE,
    REMOVED,
    Row,
    Tokens,
    build_rows,
    edited_lines,
    lex_lines,
    lexer_for,
    plain_lexer,
)

STATUS = {
    DecisionState.UNDECIDED: ("·", "undecided"),
    DecisionState.ACCEPTED: ("✓", "accepted"),
    DecisionState.REJECTED: ("✗", "rejected"),
    DecisionState.EDITED: ("✎", "edited"),
}
NOTE_ICONS = {"error": "✗", "warning": "⚠", "format": "≠"}
NOTE_WIDTH = 100  # wrap width before the view has a size
NOTE_MARKS = {"error": "compile error", "warning": "new warning", "format": "not formatted"}
Notes = Mapping[str, Mapping[int, Sequence[tuple[str, str]]]]  # path -> hunk -> (kind, text)


class DiffView(ScrollView, can_focus=True):
    """The focused file's hunks; ``goto_hunk`` moves the current hunk."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--gutter",
        "diff-view--context",
        "diff-view--added",
        "diff-view--removed",
        "diff-view--edited-line",
        "diff-view--header",
        "diff-view--header-current",
        "diff-view--undecided",
        "diff-view--accepted",
        "diff-view--rejected",
        "diff-view--edited",
        "diff-view--keyword",
        "diff-view--string",
        "diff-view--atom",
        "diff-view--number",
        "diff-view--comment",
        "diff-view--function",
        "diff-view--module",
        "diff-view--attribute",
        "diff-view--note-error",
        "diff-view--note-warning",
        "diff-view--note-format",
    }

    DEFAULT_CSS = """
    DiffView { background: $surface; }
    DiffView > .diff-view--gutter { color: $text-muted; }
    DiffView > .diff-view--context { color: $text; }
    DiffView > .diff-view--added { background: $success 18%; }
    DiffView > .diff-view--removed { background: $error 18%; }
    DiffView > .diff-view--edited-line { background: $warning 18%; }
    DiffView > .diff-view--header { background: $panel; color: $text-muted; }
    DiffView > .diff-view--header-current {
        background: $primary 45%; color: $text; text-style: bold;
    }
    DiffView > .diff-view--undecided { color: $text-muted; }
    DiffView > .diff-view--accepted { color: $success; text-style: bold; }
    DiffView > .diff-view--rejected { color: $error; text-style: bold; }
    DiffView > .diff-view--edited { color: $warning; text-style: bold; }
    DiffView > .diff-view--keyword { color: $text-accent; }
    DiffView > .diff-view--string { color: $text-success; }
    DiffView > .diff-view--atom { color: $text-primary; }
    DiffView > .diff-view--number { color: $text-warning; }
    DiffView > .diff-view--comment { color: $text-muted; text-style: italic; }
    DiffView > .diff-view--function { color: $text-primary; text-style: bold; }
    DiffView > .diff-view--module { color: $text-secondary; text-style: bold; }
    DiffView > .diff-view--attribute { color: $text-accent; text-style: italic; }
    DiffView > .diff-view--note-error { background: $error 30%; color: $text; }
    DiffView > .diff-view--note-warning { background: $warning 25%; color: $text; }
    DiffView > .diff-view--note-format { background: $secondary 25%; color: $text; }
    """

    class HunkFocused(Message):
        """The current hunk changed (by key or click)."""

        def __init__(self, path: str, index: int) -> None:
            super().__init__()
            self.path = path
            self.index = index

    def __init__(self, model: ReviewModel, *, split: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self.split = split
        self.path: str | None = None
        self.current = 0
        self._diff: FileDiff | None = None
        self._rows: list[Row] = []
        self._starts: list[int] = []
        self._tokens: dict[tuple[str, int], list[Tokens]] = {}
        self._styles: dict[str, Style] = {}
        self._lexer = plain_lexer()
        self._number_width = 1
        self._code_width = 0
        self._edited: set[int] = set()
        self._notes: Notes = {}
        self._note_lines: dict[int, list[tuple[str, str]]] = {}  # wrapped to the view's width
        self._wrapped_at = 0

    # ------------------------------------------------------------------ state

    @property
    def hunk_count(self) -> int:
        return len(self._starts)

    def show_file(self, path: str, hunk: int = 0) -> None:
        """Show ``path``'s hunks with ``hunk`` current."""
        self.path = path
        self._diff = self.model.diff(path)
        self._lexer = lexer_for(path)
        self._tokens.clear()
        longest = max(len(self._diff.base_lines), len(self._diff.new_lines), 1)
        self._number_width = len(str(longest))
        lines = self._diff.base_lines + self._diff.new_lines
        self._code_width = max((len(line) for line in lines), default=0)
        self._rebuild()
        self.goto_hunk(min(hunk, max(self.hunk_count - 1, 0)))

    def set_split(self, split: bool) -> None:
        self.split = split
        if self.path is not None:
            self._rebuild()
            self.goto_hunk(self.current)

    def set_notes(self, notes: Notes) -> None:
        """Show ``notes`` (kind ``error``, ``warning`` or ``format``, and text) under the headers
        of the hunks they concern, and a mark on those headers; replaces earlier notes."""
        self._notes = notes
        if self.path is not None:
            self._rebuild()
            self.goto_hunk(self.current, scroll=False)

    def hunk_notes(self, index: int) -> Sequence[tuple[str, str]]:
        if self.path is None:
            return ()
        return self._notes.get(self.path, {}).get(index, ())

    def hunk_changed(self, index: int) -> None:
        """Redraw after a decision on ``index``; only an edit (made or undone) changes the rows,
        so only then are they rebuilt."""
        assert self.path is not None
        edited = self.model.decision(self.path, index).state is DecisionState.EDITED
        if edited or index in self._edited:
            self._tokens.pop(("e", index), None)
            self._rebuild()
        self.refresh()

    def file_changed(self) -> None:
        """Redraw after decisions on the whole file (edits may have been replaced)."""
        self._tokens = {k: v for k, v in self._tokens.items() if k[0] != "e"}
        self._rebuild()

    def _rebuild(self) -> None:
        assert self.path is not None and self._diff is not None
        self._wrap_notes()
        counts = {h: len(lines) for h, lines in self._note_lines.items()}
        self._rows, self._starts = build_rows(self.model, self.path, self.split, counts)
        self._edited = {
            h.index
            for h in self._diff.hunks
            if self.model.decision(self.path, h.index).state is DecisionState.EDITED
        }
        width = 0 if self.split else self._code_width + 2 * self._number_width + 5
        self.virtual_size = Size(width, len(self._rows))
        self.refresh()

    def goto_hunk(self, index: int, *, scroll: bool = True) -> None:
        if not self._starts or self.path is None:
            return
        index = max(0, min(index, len(self._starts) - 1))
        previous, self.current = self.current, index
        for hunk in (previous, index):
            if hunk < len(self._starts):
                self.refresh_line(self._starts[hunk] - int(self.scroll_offset.y))
        if scroll:
            self.scroll_to(y=max(self._starts[index] - 1, 0), animate=False, immediate=True)
        self.post_message(self.HunkFocused(self.path, index))

    def on_click(self, event: Click) -> None:
        row = int(event.y + self.scroll_offset.y)
        if 0 <= row < len(self._rows):
            self.goto_hunk(self._rows[row].hunk, scroll=False)

    # ------------------------------------------------------------------ drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str, partial: bool = False) -> Style:
        key = f"{name}{'~' if partial else ''}"
        style = self._styles.get(key)
        if style is None:
            style = self.get_component_rich_style(f"diff-view--{name}", partial=partial)
            self._styles[key] = style
        return style

    def _hunk_tokens(self, side: str, hunk: Hunk) -> list[Tokens]:
        key = (side, hunk.index)
        cached = self._tokens.get(key)
        if cached is None:
            assert self._diff is not None and self.path is not None
            if side == "a":
                lines = self._diff.base_lines[hunk.ctx_a0 : hunk.ctx_a1]
            elif side == "b":
                lines = self._diff.new_lines[hunk.ctx_b0 : hunk.ctx_b1]
            else:
                lines = tuple(edited_lines(self.model, self.path, hunk.index) or ())
            cached = lex_lines(self._lexer, lines)
            self._tokens[key] = cached
        return cached

    def _code(self, side: str, hunk: Hunk, line: int, base: Style) -> list[Segment]:
        if line < 0:
            return []
        offset = {"a": hunk.ctx_a0, "b": hunk.ctx_b0, "e": 0}[side]
        tokens = self._hunk_tokens(side, hunk)[line - offset]
        return [
            Segment(text, base + self._style(cls, partial=True) if cls else base)
            for cls, text in tokens
        ]

    def _number(self, line: int) -> str:
        return f"{line + 1:>{self._number_width}}" if line >= 0 else " " * self._number_width

    def _header(self, hunk: Hunk, width: int) -> Strip:
        assert self.path is not None
        decision = self.model.decision(self.path, hunk.index)
        icon, label = STATUS[decision.state]
        if decision.state is DecisionState.REJECTED and decision.reason:
            label = f"rejected: {decision.reason}"
        current = hunk.index == self.current
        base = self._style("header-current" if current else "header")
        marker = "▶" if current else " "
        counts = f"+{hunk.added} -{hunk.removed}"
        text = f"{marker} {hunk.index + 1}/{self.hunk_count} {hunk.header} {counts}  "
        segments = [
            Segment(text, base),
            Segment(f"{icon} {label}", base + self._style(decision.state.value, partial=True)),
        ]
        kinds = {kind for kind, _text in self.hunk_notes(hunk.index)}
        worst = next((k for k in NOTE_ICONS if k in kinds), None)
        if worst is not None:
            mark = f"  {NOTE_ICONS[worst]} {NOTE_MARKS[worst]} "
            segments.append(Segment(mark, self._style(f"note-{worst}")))
        return Strip(segments).crop_extend(0, width, base)

    def _wrap_notes(self) -> None:
        """The current file's notes as lines that fit the view (the whole message shows)."""
        width = self.size.width or NOTE_WIDTH
        self._wrapped_at = width
        self._note_lines = {}
        for hunk, notes in self._notes.get(self.path or "", {}).items():
            lines = self._note_lines.setdefault(hunk, [])
            for kind, text in notes:
                first = f"  {NOTE_ICONS.get(kind, '•')} "
                wrapped = textwrap.wrap(
                    text, max(width - 1, 20), initial_indent=first, subsequent_indent="    "
                )
                lines.extend((kind, piece) for piece in wrapped or [first])

    def on_resize(self) -> None:
        if self._notes and self.path is not None and self.size.width != self._wrapped_at:
            self._rebuild()

    def _note(self, row: Row, width: int) -> Strip:
        kind, line = self._note_lines[row.hunk][row.a]
        base = self._style(f"note-{kind}")
        return Strip([Segment(line, base)]).crop_extend(0, width, base)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + int(scroll_y)
        width = self.size.width
        if index >= len(self._rows) or self._diff is None:
            return Strip.blank(width, self.rich_style)
        row = self._rows[index]
        hunk = self._diff.hunks[row.hunk]
        if row.kind == HEADER:
            return self._header(hunk, width)
        if row.kind == NOTE:
            return self._note(row, width)
        if self.split:
            return self._split_line(row, hunk, width)
        return self._unified_line(row, hunk, width, int(scroll_x))

    def _unified_line(self, row: Row, hunk: Hunk, width: int, scroll_x: int) -> Strip:
        kind = row.kind
        if kind == ADDED:
            name, sign, side, line = "added", "+", "b", row.b
        elif kind == REMOVED:
            name, sign, side, line = "removed", "-", "a", row.a
        elif kind == EDITED:
            name, sign, side, line = "edited-line", "+", "e", row.b
        else:
            name, sign, side, line = "context", " ", "a", row.a
        base = self._style(name)
        b_number = row.b if kind in (ADDED, CONTEXT) else -1
        gutter = f"{self._number(row.a)} {self._number(b_number)} {sign} "
        segments = [Segment(gutter, base + self._style("gutter", partial=True))]
        segments += self._code(side, hunk, line, base)
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _half(self, side: str, hunk: Hunk, line: int, kind: int, width: int) -> Strip:
        if line < 0:
            base = self._style("header")
            return Strip.blank(width, base)
        if kind == CONTEXT:
            name, sign = "context", " "
        elif side == "a":
            name, sign = "removed", "-"
        else:
            name, sign = ("edited-line" if side == "e" else "added"), "+"
        base = self._style(name)
        gutter = Segment(
            f"{self._number(line)} {sign} ", base + self._style("gutter", partial=True)
        )
        segments = [gutter, *self._code(side, hunk, line, base)]
        return Strip(segments).crop_extend(0, width, base)

    def _split_line(self, row: Row, hunk: Hunk, width: int) -> Strip:
        half = max((width - 1) // 2, 1)
        right_side = "e" if row.kind == EDITED else "b"
        left = self._half("a", hunk, row.a, row.kind, half)
        right = self._half(right_side, hunk, row.b, row.kind, width - half - 1)
        separator = Strip([Segment("│", self._style("gutter"))])
        return Strip.join([left, separator, right])
