"""Applying a reviewed changeset: only landing hunks, conflict-checked, journalled, atomic.

Order of work: refuse an unacknowledged human gate; confine every path to the project root;
plan each file from its decisions; check every file still has its base hash (any conflict and
nothing is written at all — the outcome lists the conflicts and ``ReviewModel.rediff`` re-bases
a proposal on the current content); encode (utf-8 or the file's latin-1, line endings already
in the text); record everything in the undo journal; write each file atomically (mode kept,
parents created) or delete it; mark the journal done; drop the changeset from the pending store;
optionally commit exactly the applied files. Used by the review screen and the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from elixir_pro.changes import journal, store
from elixir_pro.changes.changeset import Changeset, ProposalKind, sha256_bytes
from elixir_pro.changes.decisions import DecisionState
from elixir_pro.changes.fsutil import (
    atomic_write,
    confine,
    default_mode,
    file_mode,
    read_bytes_or_none,
    remove_file,
)
from elixir_pro.changes.outcome import AppliedFile, ApplyOutcome, Conflict, RejectedHunk
from elixir_pro.changes.review_model import FilePlan, ReviewModel
from elixir_pro.changes.textio import encode
from elixir_pro.errors import UserError

# Called with the number of files written so far, after each one; only tests set it (the crash
# test pauses a child process here and kills it).
AFTER_FILE_WRITTEN: Callable[[int], None] | None = None


class GateNotAcknowledged(UserError):
    """The turn escalated to a person; its changes wait for the gate to be acknowledged."""


def _summaries(model: ReviewModel) -> tuple[list[RejectedHunk], int]:
    rejected: list[RejectedHunk] = []
    undecided = 0
    for rel in model.paths:
        for hunk in model.diff(rel).hunks:
            decision = model.decision(rel, hunk.index)
            if decision.state is DecisionState.REJECTED:
                rejected.append(RejectedHunk(rel, hunk.index, hunk.header, decision.reason))
            elif decision.state is DecisionState.UNDECIDED:
                undecided += 1
    return rejected, undecided


def _conflict(root: Path, plan: FilePlan, base_hash: str | None, kind: ProposalKind) -> str | None:
    current = read_bytes_or_none(confine(root, plan.path))
    current_hash = None if current is None else sha256_bytes(current)
    if current_hash == base_hash:
        return None
    if base_hash is None:
        return "the file was created on disk after the proposal"
    if current_hash is None:
        return "the file was deleted on disk after the proposal"
    return "the file changed on disk after the proposal"


def apply_changeset(
    changeset: Changeset,
    model: ReviewModel | None = None,
    *,
    commit: bool = False,
    commit_message: str | None = None,
) -> ApplyOutcome:
    """Write the landing hunks of ``changeset`` to disk; see the module docstring."""
    if changeset.gate_required and not changeset.gate_acknowledged:
        raise GateNotAcknowledged(
            f"changeset {changeset.id} escalated to the human gate; acknowledge it before applying"
        )
    root = changeset.root
    model = model or ReviewModel(changeset)
    for rel in model.paths:
        confine(root, rel)
    rejected, undecided = _summaries(model)
    outcome = ApplyOutcome(changeset.id, rejected=tuple(rejected), undecided=undecided)
    plans = [p for p in (model.plan(rel) for rel in model.paths) if p.action != "skip"]
    conflicts = []
    for plan in plans:
        proposal = model.proposal(plan.path)
        reason = _conflict(root, plan, proposal.base_hash, proposal.kind)
        if reason is not None:
            conflicts.append(Conflict(plan.path, reason))
    if conflicts:
        outcome.conflicts = tuple(conflicts)
        return outcome
    writes: list[journal.PlannedWrite] = []
    for plan in plans:
        target = confine(root, plan.path)
        old = read_bytes_or_none(target)
        old_mode = file_mode(target) if old is not None else None
        new: bytes | None = None
        if plan.action == "write":
            encoding = model.proposal(plan.path).encoding
            try:
                new = encode(plan.text or "", encoding)
            except UnicodeEncodeError as exc:
                raise UserError(
                    f"the new text has characters {encoding} cannot hold ({exc.reason})",
                    path=plan.path,
                ) from None
        new_mode = None if new is None else (old_mode if old_mode is not None else default_mode())
        writes.append(journal.PlannedWrite(plan.path, old, old_mode, new, new_mode))
    if writes:
        entry = journal.begin(root, changeset.id, changeset.description, writes)
        for i, w in enumerate(writes):
            target = confine(root, w.path)
            if w.new is None:
                remove_file(target)
            else:
                atomic_write(target, w.new, w.new_mode)
            entry.mark_written(i)
            if AFTER_FILE_WRITTEN is not None:
                AFTER_FILE_WRITTEN(i + 1)
        entry.mark("done")
        outcome.journal_id = entry.id
        journal.prune(root)
    applied = []
    for plan, w in zip(plans, writes, strict=True):
        hunks = model.diff(plan.path).hunks
        landed = sum(1 for h in hunks if model.decision(plan.path, h.index).lands)
        action = "deleted" if w.new is None else ("created" if w.old is None else "modified")
        applied.append(AppliedFile(plan.path, action, landed, len(hunks)))
    outcome.applied = tuple(applied)
    store.discard(root, changeset.id)
    if commit and applied:
        from elixir_pro.changes import gitops

        message = commit_message or changeset.description or f"Apply changeset {changeset.id}"
        try:
            outcome.commit = gitops.commit_paths(root, [a.path for a in applied], message)
        except gitops.GitUnavailable as exc:
            outcome.notes.append(f"Not committed: {exc.message}")
    return outcome
