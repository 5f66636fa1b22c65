"""Reopening a stored session: its panes are rebuilt from the recorded prompts and events (text
fragments joined, so a long answer renders once instead of streaming again), the recorder
continues into the same session, and the conversation gets each pane's history back.

The session's state comes back with it: the pane, tool mode and context files of its last
prompt, the changes it staged that are still pending (so ``ctrl+g`` reviews them, with their
human gate when the turn that staged them escalated), and a "staged … ctrl+g" line only for
changes still pending; a change applied, undone or thrown away since is shown as such.

Used by the App for ``--resume`` and by the sessions screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.agent.modes import COGNITIVE_MODES
from elixir_pro.errors import UserError
from elixir_pro.events import CoreEvent, EditProposed, TextDelta, TurnFinished

if TYPE_CHECKING:
    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.conversation.store_codec import UserPrompt
    from elixir_pro.conversation.store_model import PaneRecord, SessionRecord
    from elixir_pro.tui.screens.main import MainScreen


def coalesce(events: list[CoreEvent]) -> list[CoreEvent]:
    """Consecutive text fragments joined into one (the rendered result is the same)."""
    out: list[CoreEvent] = []
    for event in events:
        if isinstance(event, TextDelta) and out and isinstance(out[-1], TextDelta):
            out[-1] = TextDelta(out[-1].text + event.text)
        else:
            out.append(event)
    return out


def _turns(pane: PaneRecord) -> list[tuple[str, str, list[CoreEvent]]]:
    from elixir_pro.conversation.store_codec import UserPrompt

    order: list[str] = []
    prompts: dict[str, str] = {}
    events: dict[str, list[CoreEvent]] = {}
    for entry in pane.entries:
        if entry.turn_id not in events:
            order.append(entry.turn_id)
            events[entry.turn_id] = []
        if isinstance(entry.item, UserPrompt):
            prompts.setdefault(entry.turn_id, entry.item.text)
        else:
            events[entry.turn_id].append(entry.item)
    return [(t, prompts.get(t, "(no prompt recorded)"), coalesce(events[t])) for t in order]


@dataclass(slots=True)
class SessionState:
    """What a stored session left behind besides its turns."""

    context_files: tuple[str, ...] = ()
    pane: str = ""  # the pane of the last prompt (shown first)
    tool_mode: str = ""  # the tool mode the last prompt was sent in
    pending: Changeset | None = None
    gate_reasons: tuple[str, ...] = ()
    # changeset id -> "applied" | "undone" | "discarded" for staged changes no longer pending
    settled: dict[str, str] = field(default_factory=dict)


def last_prompt(record: SessionRecord) -> tuple[str, UserPrompt] | None:
    """The session's most recent prompt (any pane) and its pane."""
    from elixir_pro.conversation.store_codec import UserPrompt

    latest: tuple[float, str, UserPrompt] | None = None
    for pane in record.panes.values():
        for entry in pane.entries:
            if isinstance(entry.item, UserPrompt) and (latest is None or entry.ts >= latest[0]):
                latest = (entry.ts, pane.pane, entry.item)
    return (latest[1], latest[2]) if latest is not None else None


def _staged_ids(record: SessionRecord) -> list[str]:
    ids: dict[str, None] = {}
    for pane in record.panes.values():
        for event in pane.events:
            if isinstance(event, EditProposed) and event.changeset_id:
                ids[event.changeset_id] = None
    return list(ids)


def _gate_reasons(record: SessionRecord, changeset_id: str) -> tuple[str, ...]:
    """The escalation reasons of the turns that staged into ``changeset_id``, each naming its
    pane as the human gate does."""
    reasons: dict[str, None] = {}
    for pane in record.panes.values():
        for _turn_id, _prompt, events in _turns(pane):
            staged = any(
                isinstance(e, EditProposed) and e.changeset_id == changeset_id for e in events
            )
            for event in events:
                if staged and isinstance(event, TurnFinished):
                    reasons.update(
                        dict.fromkeys(f"{pane.pane} pane: {r}" for r in event.escalation)
                    )
    return tuple(reasons)


def session_state(root: Path, record: SessionRecord) -> SessionState:
    """Read the session's context files, and the fate of each changeset it staged from the
    pending-changes store and the undo journal (blocking file reads: run it in a thread)."""
    state = SessionState()
    last = last_prompt(record)
    if last is not None:
        pane, prompt = last
        state.context_files, state.pane, state.tool_mode = (
            prompt.context_files,
            pane,
            prompt.tool_mode,
        )
    ids = _staged_ids(record)
    if not ids:
        return state
    from elixir_pro.changes import journal, store

    try:
        pending = {c.id: c for c in store.pending(root) if c.id in ids}
    except UserError:
        pending = {}
    try:
        applies = {e.changeset_id: e for e in journal.entries(root) if e.changeset_id in ids}
    except (OSError, ValueError, KeyError, TypeError):
        applies = {}
    for changeset_id in ids:
        if changeset_id in pending:
            continue
        entry = applies.get(changeset_id)
        if entry is None:
            state.settled[changeset_id] = "discarded"
        else:
            state.settled[changeset_id] = "undone" if entry.closed else "applied"
    if pending:
        latest = max(pending.values(), key=lambda c: (c.created_at, ids.index(c.id)))
        state.pending = latest
        if not latest.gate_acknowledged:
            state.gate_reasons = _gate_reasons(record, latest.id)
    return state


async def replay(screen: MainScreen, record: SessionRecord, state: SessionState) -> int:
    """Rebuild ``screen``'s panes from ``record``; returns the number of turns shown."""
    shown = 0
    for mode in COGNITIVE_MODES:
        pane_record = record.pane(mode.value)
        pane = screen.pane(mode)
        await pane.clear_turns()
        for turn_id, prompt, events in _turns(pane_record):
            turn = await pane.start_turn(prompt, turn_id=turn_id, label="resumed")
            for event in events:
                if isinstance(event, EditProposed) and event.changeset_id in state.settled:
                    await turn.show_staged(event, state.settled[event.changeset_id])
                else:
                    await turn.handle(event)
            await turn.stop()
            shown += 1
        if pane_record.history:
            screen.context.conversation.restore_history(mode, pane_record.history)
    return shown
