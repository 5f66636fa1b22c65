"""Headless rendering of a turn for ``elixir-pro ask``: the answer streamed as text (tool
activity and notices on stderr) or as JSON lines (one event per line), then the staged
changes as a unified diff (never applied) and a closing ``escalated: <reasons>`` line.

Kept apart from the command module so ``ask``'s imports stay light; used only by ``ask``.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from enum import Enum
from typing import IO, Any

from elixir_pro.changes.changeset import Changeset
from elixir_pro.events import (
    ContextCompacted,
    ContextMeasured,
    CoreEvent,
    EditProposed,
    Notice,
    TextDelta,
    ThinkingDelta,
    ToolFinished,
    ToolRequested,
    TurnError,
    TurnFinished,
    UsageReported,
)

PROG = "elixir-pro"
TOOL_PREVIEW = 120
EXIT_OK, EXIT_ERROR, EXIT_TRUNCATED = 0, 1, 4
TRUNCATED_STOPS = frozenset({"max_tokens", "pause_turn"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def event_json(event: CoreEvent) -> str:
    payload = {"type": type(event).__name__, **_jsonable(event)}
    return json.dumps(payload, ensure_ascii=False)


def changeset_diff(changeset: Changeset) -> str:
    """Every staged proposal as one unified diff (a/ and b/ prefixes, like git)."""
    chunks: list[str] = []
    for rel, proposal in sorted(changeset.proposals.items()):
        if proposal.is_noop:
            continue
        before = (proposal.base_text or "").splitlines(keepends=True)
        after = (proposal.new_text or "").splitlines(keepends=True)
        old = "/dev/null" if proposal.base_text is None else f"a/{rel}"
        new = "/dev/null" if proposal.new_text is None else f"b/{rel}"
        lines = list(difflib.unified_diff(before, after, old, new))
        chunks.append("".join(line if line.endswith("\n") else line + "\n" for line in lines))
    return "".join(chunks)


def _first_line(output: str) -> str:
    """The first line of a tool error, without the ``<tool_use_error>`` wrapper."""
    plain = re.sub(r"</?tool_use_error>", "", output).strip()
    return plain.splitlines()[0] if plain else ""


class Renderer:
    """Writes one turn's events; remembers what decides the exit status."""

    def __init__(self, out: IO[str], err: IO[str], *, as_json: bool) -> None:
        self.out = out
        self.err = err
        self.as_json = as_json
        self.error: TurnError | None = None
        self.finished: TurnFinished | None = None
        self._at_line_start = True
        self._session: dict[str, Any] = {}

    def notice(self, message: str) -> None:
        self.event(Notice(message))

    def session(self, session_id: str, *, continued: bool) -> None:
        """Which stored session the turn is saved in (so a script can continue it): a line
        on stderr, and in JSON ``extra.session`` / ``extra.continued`` of ``TurnFinished``."""
        self._session = {"session": session_id, "continued": continued}
        if not self.as_json:
            self._say(f"session {session_id}{' (continued)' if continued else ''}")

    @property
    def exit_status(self) -> int:
        """0: answered; 1: the turn failed or was interrupted (an API error, a broken
        stream); 4: the answer was cut off at the continuation cap (see docs/claude.md)."""
        if self.error is not None or (self.finished is not None and self.finished.interrupted):
            return EXIT_ERROR
        if self.finished is not None and self.finished.stop_reason in TRUNCATED_STOPS:
            return EXIT_TRUNCATED
        return EXIT_OK

    def event(self, event: CoreEvent) -> None:
        if isinstance(event, TurnError):
            self.error = event
        elif isinstance(event, TurnFinished):
            self.finished = event
        if self.as_json:
            if isinstance(event, TurnFinished) and self._session:
                event = dataclasses.replace(event, extra={**event.extra, **self._session})
            self.out.write(event_json(event) + "\n")
            self.out.flush()
            return
        if isinstance(event, TextDelta):
            self.out.write(event.text)
            self.out.flush()
            self._at_line_start = event.text.endswith("\n")
        elif isinstance(event, Notice):
            self._say(f"{event.level}: {event.message}")
        elif isinstance(event, ToolRequested):
            args = json.dumps(event.input, ensure_ascii=False)
            if len(args) > TOOL_PREVIEW:
                args = args[: TOOL_PREVIEW - 1] + "…"
            self._say(f"tool: {event.name} {args}")
        elif isinstance(event, ToolFinished) and event.is_error:
            self._say(f"tool {event.name} refused: {_first_line(event.output)}")
        elif isinstance(event, EditProposed):
            self._say(f"staged: {event.kind} {event.path} (+{event.added} -{event.removed})")
        elif isinstance(event, TurnError):
            self._say(f"error: {event.message}")
        elif isinstance(event, TurnFinished) and not self._at_line_start:
            self.out.write("\n")
            self._at_line_start = True
        elif isinstance(event, ContextCompacted):
            self._say(
                f"compacted {event.turns} earlier turn{'s' if event.turns != 1 else ''} into a "
                f"summary (~{event.tokens_before:,} -> ~{event.tokens_after:,} tokens)"
            )
        elif isinstance(event, ThinkingDelta | UsageReported | ContextMeasured):
            return

    def closing(self, changeset: Changeset, usage_line: str) -> None:
        diff = changeset_diff(changeset)
        reasons = self.finished.escalation if self.finished is not None else ()
        if self.as_json:
            if diff:
                self.out.write(json.dumps({"type": "StagedDiff", "diff": diff}) + "\n")
            if reasons:
                self.out.write(json.dumps({"type": "Escalated", "reasons": list(reasons)}) + "\n")
            self.out.flush()
            return
        if diff:
            self.out.write(
                "\nStaged changes (not applied; review them in the TUI or apply with git apply):\n"
            )
            self.out.write(diff)
        if reasons:
            self.out.write(f"escalated: {'; '.join(reasons)}\n")
        self.out.flush()
        self._say(usage_line)

    def _say(self, line: str) -> None:
        self.err.write(f"{PROG}: {line}\n")
        self.err.flush()
