"""What the session store hands back: session summaries and loaded sessions with their
panes (one per cognitive mode), ordered records and conversation history.

Used by ``conversation.store``, the resume path of the sessions and the TUI sessions screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elixir_pro.conversation.store_codec import Record, UserPrompt
from elixir_pro.events import CoreEvent


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One row of the sessions list. Times are Unix timestamps; ``panes`` are the cognitive
    modes with records; ``event_count`` counts prompts and events (not history)."""

    id: str
    project: str
    created: float
    updated: float
    title: str
    agent: str
    panes: tuple[str, ...] = ()
    event_count: int = 0


@dataclass(frozen=True, slots=True)
class PaneSummary:
    """One pane of one session: its last activity (Unix time) and the first prompt sent in
    it (empty when none was recorded)."""

    session_id: str
    pane: str
    updated: float
    first_prompt: str


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """A record as stored: its place in the pane (``seq``, from 1), its turn and time."""

    seq: int
    turn_id: str
    ts: float
    item: Record


@dataclass(slots=True)
class PaneRecord:
    """One pane of a loaded session: its records in order and its history message params."""

    pane: str
    entries: list[StoredEntry] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def events(self) -> list[CoreEvent]:
        """The core events in order (prompts left out)."""
        return [e.item for e in self.entries if not isinstance(e.item, UserPrompt)]

    @property
    def prompts(self) -> list[UserPrompt]:
        return [e.item for e in self.entries if isinstance(e.item, UserPrompt)]

    @property
    def turn_ids(self) -> list[str]:
        """Turn ids in the order the turns started."""
        return list(dict.fromkeys(e.turn_id for e in self.entries))


@dataclass(slots=True)
class SessionRecord:
    """A loaded session. ``skipped`` counts stored records this build could not decode."""

    info: SessionInfo
    panes: dict[str, PaneRecord]
    skipped: int = 0

    def pane(self, name: str) -> PaneRecord:
        """The pane's record (empty when the pane was never used)."""
        return self.panes.get(str(name)) or PaneRecord(str(name))
