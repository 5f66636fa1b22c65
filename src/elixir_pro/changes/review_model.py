"""The review state of one changeset: each file's hunks (computed once), the per-hunk
decisions (kept on the proposals so the store persists them), +/- counts, the text each file
would get, and re-diffing a proposal against the file's current content after a conflict.

No Textual here: the review screen drives it from keys, apply and the CLI read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from elixir_pro.changes.changeset import Changeset, FileProposal, ProposalKind
from elixir_pro.changes.decisions import (
    ACCEPTED,
    UNDECIDED,
    DecisionState,
    HunkDecision,
    edited,
    rejected,
)
from elixir_pro.changes.hunks import FileDiff, build_text, compute_diff
from elixir_pro.changes.textio import adapt_newlines, dominant_newline


def proposal_diff(proposal: FileProposal, context: int = 3) -> FileDiff:
    """The hunks of one proposal; create and delete are one whole-file hunk."""
    whole = proposal.kind is not ProposalKind.MODIFY
    return compute_diff(proposal.base_text, proposal.new_text, context=context, whole_file=whole)


@dataclass(frozen=True, slots=True)
class FilePlan:
    """What apply does to one file: ``write`` (text), ``delete`` or ``skip``."""

    path: str
    action: str
    text: str | None = None


def plan_file(proposal: FileProposal, diff: FileDiff) -> FilePlan:
    decisions = proposal.decisions
    if proposal.kind is ProposalKind.MODIFY:
        text = build_text(diff, decisions)
        if text == proposal.base_text:
            return FilePlan(proposal.path, "skip")
        return FilePlan(proposal.path, "write", text)
    decision = decisions.get(0, UNDECIDED)
    if not decision.lands:
        return FilePlan(proposal.path, "skip")
    if proposal.kind is ProposalKind.CREATE:
        return FilePlan(proposal.path, "write", build_text(diff, decisions))
    # delete: accepted removes the file; an edit keeps it with the edited text
    if proposal.base_hash is None:
        return FilePlan(proposal.path, "skip")
    if decision.state is DecisionState.EDITED:
        return FilePlan(proposal.path, "write", decision.text or "")
    return FilePlan(proposal.path, "delete")


class ReviewModel:
    """Decisions over one changeset, file by file, hunk by hunk."""

    def __init__(self, changeset: Changeset) -> None:
        self.changeset = changeset
        self.context = changeset.context_lines
        self.paths: list[str] = sorted(changeset.proposals)
        self._diffs: dict[str, FileDiff] = {}

    def proposal(self, rel: str) -> FileProposal:
        return self.changeset.proposals[rel]

    def diff(self, rel: str) -> FileDiff:
        cached = self._diffs.get(rel)
        if cached is None:
            cached = proposal_diff(self.proposal(rel), self.context)
            self._diffs[rel] = cached
        return cached

    def counts(self, rel: str) -> tuple[int, int]:
        diff = self.diff(rel)
        return diff.added, diff.removed

    def decision(self, rel: str, index: int) -> HunkDecision:
        return self.proposal(rel).decisions.get(index, UNDECIDED)

    def decide(self, rel: str, index: int, decision: HunkDecision) -> None:
        if not 0 <= index < len(self.diff(rel).hunks):
            raise IndexError(f"{rel} has no hunk {index}")
        decisions = self.proposal(rel).decisions
        if decision.state is DecisionState.UNDECIDED:
            decisions.pop(index, None)
        else:
            decisions[index] = decision

    def accept(self, rel: str, index: int) -> None:
        self.decide(rel, index, ACCEPTED)

    def reject(self, rel: str, index: int, reason: str = "") -> None:
        self.decide(rel, index, rejected(reason))

    def edit(self, rel: str, index: int, text: str) -> None:
        """Accept the hunk with ``text`` as its new side (line endings adapted to the file)."""
        proposal = self.proposal(rel)
        if proposal.base_text is not None:
            text = adapt_newlines(text, dominant_newline(proposal.base_text))
        self.decide(rel, index, edited(text))

    def toggle(self, rel: str, index: int) -> HunkDecision:
        """Undecided or rejected becomes accepted; accepted or edited becomes rejected."""
        current = self.decision(rel, index)
        new = rejected() if current.lands else ACCEPTED
        self.decide(rel, index, new)
        return new

    def decide_file(self, rel: str, accept: bool) -> None:
        for hunk in self.diff(rel).hunks:
            self.decide(rel, hunk.index, ACCEPTED if accept else rejected())

    def decide_all(self, accept: bool) -> None:
        for rel in self.paths:
            self.decide_file(rel, accept)

    def hunk_new_text(self, rel: str, index: int) -> str:
        """The text the hunk would land: the edit if there is one, else the proposal's."""
        decision = self.decision(rel, index)
        if decision.state is DecisionState.EDITED and decision.text is not None:
            return decision.text
        diff = self.diff(rel)
        return diff.new_side(diff.hunks[index])

    def plan(self, rel: str) -> FilePlan:
        return plan_file(self.proposal(rel), self.diff(rel))

    def tally(self) -> dict[DecisionState, int]:
        counts = dict.fromkeys(DecisionState, 0)
        for rel in self.paths:
            for hunk in self.diff(rel).hunks:
                counts[self.decision(rel, hunk.index).state] += 1
        return counts

    def rediff(self, rel: str) -> FileProposal:
        """Re-base the proposal on the file's current content (after a conflict): the proposed
        text stays, the hunks are recomputed and the decisions start over."""
        proposal = self.proposal(rel)
        base_text, base_hash, encoding = self.changeset._disk_full(rel)
        proposal.base_text, proposal.base_hash, proposal.encoding = base_text, base_hash, encoding
        if proposal.new_text is None:
            proposal.kind = ProposalKind.DELETE
        else:
            proposal.kind = ProposalKind.CREATE if base_text is None else ProposalKind.MODIFY
        proposal.decisions.clear()
        self._diffs.pop(rel, None)
        return proposal
