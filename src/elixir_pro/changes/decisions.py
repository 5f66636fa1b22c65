"""Per-hunk review decisions: undecided, accepted, rejected (with an optional reason that goes
back to the conversation) or edited (the user's replacement for the hunk's new side).

Stored on each ``FileProposal`` keyed by hunk index; set by the review screen, read by apply,
persisted by ``changes.store``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class DecisionState(StrEnum):
    UNDECIDED = "undecided"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EDITED = "edited"


@dataclass(frozen=True, slots=True)
class HunkDecision:
    state: DecisionState = DecisionState.UNDECIDED
    reason: str = ""  # for REJECTED
    text: str | None = None  # for EDITED: the text that replaces the hunk's new side

    @property
    def lands(self) -> bool:
        """True when the hunk's (possibly edited) new side is written by apply."""
        return self.state in (DecisionState.ACCEPTED, DecisionState.EDITED)

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state.value, "reason": self.reason, "text": self.text}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HunkDecision:
        return cls(DecisionState(data["state"]), str(data.get("reason", "")), data.get("text"))


UNDECIDED = HunkDecision()
ACCEPTED = HunkDecision(DecisionState.ACCEPTED)


def rejected(reason: str = "") -> HunkDecision:
    return HunkDecision(DecisionState.REJECTED, reason=reason)


def edited(text: str) -> HunkDecision:
    return HunkDecision(DecisionState.EDITED, text=text)
