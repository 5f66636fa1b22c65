"""The outcome of an apply: what landed, which hunks were rejected (with the person's reasons),
what was left undecided, conflicts, the git commit and the verification. ``render_text`` is the
message the conversation sends back to Claude so it knows exactly what landed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AppliedFile:
    path: str
    action: str  # modified | created | deleted
    hunks_landed: int
    hunks_total: int


@dataclass(frozen=True, slots=True)
class RejectedHunk:
    path: str
    index: int
    header: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Verification:
    """What ``mix`` said after the apply (see ``changes.verify``)."""

    ran: bool
    ok: bool
    steps: tuple[str, ...] = ()  # one line per step: "mix compile: ok"
    failures: tuple[str, ...] = ()  # "test/x_test.exs:12: message"
    next_prompt: str = ""

    def render_text(self) -> str:
        if not self.ran:
            return "Verification: skipped (" + "; ".join(self.steps) + ")"
        lines = ["Verification: " + ("passed" if self.ok else "FAILED")]
        lines += [f"  {s}" for s in self.steps]
        lines += [f"  - {f}" for f in self.failures]
        return "\n".join(lines)


@dataclass(slots=True)
class ApplyOutcome:
    changeset_id: str
    applied: tuple[AppliedFile, ...] = ()
    rejected: tuple[RejectedHunk, ...] = ()
    undecided: int = 0
    conflicts: tuple[Conflict, ...] = ()
    journal_id: str | None = None
    commit: str | None = None
    verification: Verification | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts

    def render_text(self) -> str:
        lines: list[str] = []
        if self.conflicts:
            lines.append("Nothing was applied: files changed on disk since the proposal.")
            lines += [f"- conflict {c.path}: {c.reason}" for c in self.conflicts]
        elif self.applied:
            lines.append("Applied:")
            for f in self.applied:
                lines.append(f"- {f.action} {f.path} ({f.hunks_landed}/{f.hunks_total} hunks)")
        else:
            lines.append("Nothing was applied (no hunk was accepted).")
        if self.rejected:
            lines.append("Rejected by the user:")
            for r in self.rejected:
                why = f": {r.reason}" if r.reason else ""
                lines.append(f"- {r.path} {r.header}{why}")
        if self.undecided:
            lines.append(f"Left undecided (not applied): {self.undecided} hunk(s).")
        if self.commit:
            lines.append(f"Committed as {self.commit[:12]}.")
        lines += self.notes
        if self.verification is not None:
            lines.append(self.verification.render_text())
            if self.verification.next_prompt:
                lines.append(f"Suggested next prompt: {self.verification.next_prompt}")
        return "\n".join(lines)
