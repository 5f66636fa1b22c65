"""One turn of a conversation pane: the user's prompt, the answer streamed as markdown, tool calls
as collapsible rows, notices and errors, staged-change announcements and the envelope card.

The answer text is written through Textual's ``MarkdownStream`` (batched appends, not a
re-render per token); a tool call closes the current markdown segment so text after it lands
below the tool row. A long answer is also cut into segments of about :data:`SEGMENT_CHARS` at
a blank line outside code fences, so each append re-parses and lays out one small document and
streaming time stays linear in the answer's length.
Used by :class:`~elixir_pro.tui.widgets.mode_pane.ModePane`.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from elixir_pro.events import (
    ContextCompacted,
    CoreEvent,
    EditProposed,
    Notice,
    TextDelta,
    ToolFinished,
    ToolRequested,
    TurnError,
    TurnFinished,
)
from elixir_pro.tui.widgets.envelope_card import EnvelopeCard, EnvelopeSummary
from elixir_pro.tui.widgets.path_line import PathLine
from elixir_pro.tui.widgets.tool_row import ToolRow

SEGMENT_CHARS = 4000
_FENCES = ("```", "~~~")


class TurnView(Vertical):
    """A turn's widgets, fed one core event at a time with :meth:`handle`."""

    def __init__(self, prompt: str, *, turn_id: str, label: str = "") -> None:
        super().__init__(classes="turn")
        self.prompt = prompt
        self.turn_id = turn_id
        self.label = label
        self.text_parts: list[str] = []
        self.finished = False
        self.interrupted = False
        self.escalation: tuple[str, ...] = ()
        self.staged = 0  # edits staged in this turn
        self._staged_lines: list[tuple[EditProposed, PathLine]] = []
        self._retry_offered = False
        self._segment: Markdown | None = None
        self._stream: MarkdownStream | None = None
        self._tools: dict[str, ToolRow] = {}
        self._segment_chars = 0
        self._pending_line = ""
        self._in_fence = False

    def compose(self) -> ComposeResult:
        head = Text.assemble(("› ", "bold"), self.prompt)
        if self.label:
            head = Text.assemble((f"[{self.label}] ", "italic"), head)
        yield Static(head, classes="turn-prompt")

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    async def _close_segment(self) -> None:
        if self._stream is not None:
            await self._stream.stop()
        self._stream = None
        self._segment = None

    def _split_point(self, fragment: str) -> int | None:
        """Where a new segment may start in ``fragment``: after a blank line, outside a code
        fence, once the current segment is long enough (None: not in this fragment)."""
        for index, char in enumerate(fragment):
            self._segment_chars += 1
            if char != "\n":
                self._pending_line += char
                continue
            line, self._pending_line = self._pending_line.strip(), ""
            if line.startswith(_FENCES):
                self._in_fence = not self._in_fence
            elif not line and not self._in_fence and self._segment_chars >= SEGMENT_CHARS:
                return index + 1
        return None

    async def _write(self, fragment: str) -> None:
        while fragment:
            cut = self._split_point(fragment)
            part, fragment = (fragment, "") if cut is None else (fragment[:cut], fragment[cut:])
            if self._stream is None:
                self._segment = Markdown(classes="answer")
                await self.mount(self._segment)
                self._stream = Markdown.get_stream(self._segment)
            await self._stream.write(part)
            if cut is not None:
                await self._close_segment()
                self._segment_chars = 0

    async def _line(self, text: str | Text, classes: str) -> None:
        await self._close_segment()
        await self.mount(Static(text, classes=classes))

    async def handle(self, event: CoreEvent) -> None:
        if isinstance(event, TextDelta):
            self.text_parts.append(event.text)
            await self._write(event.text)
        elif isinstance(event, Notice):
            await self._line(Text(event.message), f"notice -{event.level}")
        elif isinstance(event, ToolRequested):
            await self._close_segment()
            row = ToolRow(event.call_id, event.name, event.input)
            self._tools[event.call_id] = row
            await self.mount(row)
        elif isinstance(event, ToolFinished):
            found = self._tools.get(event.call_id)
            if found is None:
                found = ToolRow(event.call_id, event.name, {})
                await self._close_segment()
                await self.mount(found)
            found.finish(event.output, event.is_error)
        elif isinstance(event, EditProposed):
            self.staged += 1
            await self.show_staged(event)
        elif isinstance(event, ContextCompacted):
            from elixir_pro.tui.widgets.summary_block import SummaryBlock

            await self._close_segment()
            await self.mount(SummaryBlock(event))
        elif isinstance(event, TurnError):
            retry = event.retryable or event.kind == "interrupted"
            self._retry_offered = self._retry_offered or retry
            hint = "  (f5 to retry)" if retry else ""
            await self._line(Text(f"✗ {event.kind}: {event.message}{hint}"), "turn-error")
        elif isinstance(event, TurnFinished):
            await self._close_segment()
            self.finished = True
            self.interrupted = event.interrupted
            self.escalation = event.escalation
            if not self.text_parts and event.text:
                self.text_parts.append(event.text)
                await self._write(event.text)
                await self._close_segment()
            if event.interrupted and not self._retry_offered:  # said once per turn
                await self.mount(Static("(interrupted; f5 to retry)", classes="notice -warning"))

    async def show_staged(self, event: EditProposed, fate: str = "") -> None:
        """``staged modify lib/x.ex (+3 -1)  ctrl+g to review``, its path shortened to fit; a
        resumed turn's change applied or dropped since says so instead (``fate``)."""
        await self._close_segment()
        prefix = Text.assemble(("staged ", "bold"), f"{event.kind} ")
        counts = f" (+{event.added} -{event.removed})"
        if fate:
            suffix = Text.assemble(counts, (f": {fate}", "italic"))
            await self.mount(PathLine(prefix, event.path, suffix, classes="notice -info"))
            return
        suffix = Text.assemble(counts, ("  ctrl+g to review", "italic"))
        line = PathLine(prefix, event.path, suffix, classes="staged")
        self._staged_lines.append((event, line))
        await self.mount(line)

    def settle_staged(self, changeset_id: str, fate_of: Callable[[str], str | None]) -> None:
        """The changes of ``changeset_id`` were applied, undone or discarded: each of its
        "ctrl+g to review" lines says what became of its file (``fate_of(path)``; None keeps
        the line as it is)."""
        for event, line in self._staged_lines:
            fate = fate_of(event.path) if event.changeset_id == changeset_id else None
            if fate is None:
                continue
            line.suffix = Text.assemble(
                f" (+{event.added} -{event.removed})", (f": {fate}", "italic")
            )
            line.set_classes("notice -info")
            line.refresh()

    async def show_envelope(self, summary: EnvelopeSummary, threshold: float) -> None:
        await self.mount(EnvelopeCard(summary, threshold))

    async def show_escalation(self, reasons: tuple[str, ...], where: str) -> None:
        """The human-gate banner: why this answer escalated and in which pane (``where``);
        never a modal: one asks only when changes of this turn are about to be applied."""
        head = Text.assemble(("⚑ Human gate", "bold"), f" · {where}")
        lines = [head, *(Text(f"• {reason}") for reason in reasons)]
        if self.staged:
            lines.append(Text("Its staged changes wait for your OK when you review them (ctrl+g)."))
        else:
            lines.append(Text("Nothing was staged: read the answer with care."))
        await self.mount(Static(Text("\n").join(lines), classes="escalation"))

    async def stop(self) -> None:
        """Close the stream when the turn is cancelled from outside."""
        await self._close_segment()
