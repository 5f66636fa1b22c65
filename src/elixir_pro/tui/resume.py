"""Reopening a stored session: its panes are rebuilt from the recorded prompts and events (text
fragments joined, so a long answer renders once instead of streaming again), the recorder
continues into the same session, and the conversation gets each pane's history back.

Used by the App for ``--resume`` and by the sessions screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from elixir_pro.agent.modes import COGNITIVE_MODES
from elixir_pro.events import CoreEvent, TextDelta

if TYPE_CHECKING:
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


async def replay(screen: MainScreen, record: SessionRecord) -> int:
    """Rebuild ``screen``'s panes from ``record``; returns the number of turns shown."""
    shown = 0
    for mode in COGNITIVE_MODES:
        pane_record = record.pane(mode.value)
        pane = screen.pane(mode)
        await pane.clear_turns()
        for turn_id, prompt, events in _turns(pane_record):
            turn = await pane.start_turn(prompt, turn_id=turn_id, label="resumed")
            for event in events:
                await turn.handle(event)
            await turn.stop()
            shown += 1
        if pane_record.history:
            screen.context.conversation.restore_history(mode, pane_record.history)
    return shown
