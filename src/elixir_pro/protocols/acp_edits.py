"""Staged changes under ACP: when a turn ends, each file of the pending changeset is announced as
an ``edit`` tool call carrying a ``diff`` (old and new text) and the client is asked
``session/request_permission`` for it. The files allowed land together through our apply
(conflict-checked, atomic, journalled: ``elixir-pro undo`` reverts them); the files rejected
stay staged, saved for ``elixir-pro review``. An escalated turn's changes need that permission
as their human gate. When the client offers ``fs/write_text_file``, each written file is then
handed to it, so an open editor buffer shows the new text.

Used by :mod:`elixir_pro.protocols.acp_agent`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acp import start_tool_call, tool_diff_content, update_tool_call
from acp.schema import PermissionOption, ToolCallLocation, ToolCallStatus, ToolCallUpdate, ToolKind

from elixir_pro.changes import store
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import Changeset, ProposalKind
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.errors import UserError

ALLOW = "apply"
REJECT = "keep-staged"
OPTIONS = [
    PermissionOption(option_id=ALLOW, name="Apply this change", kind="allow_once"),
    PermissionOption(option_id=REJECT, name="Keep it staged for review", kind="reject_once"),
]

SendUpdate = Callable[[Any], Awaitable[None]]
AskPermission = Callable[[ToolCallUpdate], Awaitable[bool]]
WriteThrough = Callable[[str, str], Awaitable[None]]


@dataclass(slots=True)
class ReviewResult:
    applied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    journal_id: str | None = None
    summary: str = ""


async def review_changes(
    changeset: Changeset,
    *,
    send: SendUpdate,
    ask: AskPermission,
    write_through: WriteThrough | None,
) -> ReviewResult:
    """Ask for each staged file, apply the allowed ones, keep the others staged."""
    root = changeset.root
    result = ReviewResult()
    await asyncio.to_thread(store.save, changeset)  # nothing is lost if the client goes away
    model = ReviewModel(changeset)
    for index, rel in enumerate(model.paths):
        proposal = model.proposal(rel)
        call_id = f"review-{changeset.id}-{index}"
        path = str(root / rel)
        diff = tool_diff_content(path, proposal.new_text or "", proposal.base_text)
        kind: ToolKind = "delete" if proposal.kind is ProposalKind.DELETE else "edit"
        added, removed = model.counts(rel)
        title = f"{proposal.kind.value.capitalize()} {rel} (+{added} -{removed})"
        where = [ToolCallLocation(path=path)]
        await send(
            start_tool_call(
                call_id, title, kind=kind, status="pending", content=[diff], locations=where
            )
        )
        request = ToolCallUpdate(
            tool_call_id=call_id, title=title, kind=kind, status="pending", content=[diff],
            locations=where,
        )  # fmt: skip
        if await ask(request):
            model.decide_file(rel, accept=True)
            result.applied.append(rel)
        else:
            result.kept.append(rel)
            await send(update_tool_call(call_id, status="failed", title=f"{title}: kept staged"))
    if result.applied:
        await _apply(changeset, model, result, send)
        if write_through is not None:
            await _write_through(root, result.applied, write_through)
    if result.kept or result.conflicts:
        await asyncio.to_thread(_keep_staged, changeset, [*result.conflicts, *result.kept])
    result.summary = _summary(result)
    return result


async def _apply(
    changeset: Changeset, model: ReviewModel, result: ReviewResult, send: SendUpdate
) -> None:
    if changeset.gate_required:
        changeset.acknowledge_gate()  # the person allowed it, seeing the escalation
    try:
        outcome = await asyncio.to_thread(apply_changeset, changeset, model)
    except UserError as exc:
        result.conflicts, result.applied = list(result.applied), []
        result.summary = exc.one_line()
        return
    result.journal_id = outcome.journal_id
    if outcome.conflicts:
        result.conflicts = [c.path for c in outcome.conflicts]
        result.applied = []
    status: ToolCallStatus
    for index, rel in enumerate(model.paths):
        if rel in result.conflicts:
            reason = next(c.reason for c in outcome.conflicts if c.path == rel)
            status, note = "failed", f"not applied: {reason}"
        elif rel in result.applied:
            status, note = "completed", "applied"
        else:
            continue
        await send(
            update_tool_call(f"review-{changeset.id}-{index}", status=status, raw_output=note)
        )


def _keep_staged(changeset: Changeset, kept: list[str]) -> None:
    """The files not applied, as their own pending changeset for ``elixir-pro review`` (in
    place of the turn's whole changeset)."""
    remaining = Changeset(
        changeset.root,
        source=changeset.source,
        description=changeset.description or "Kept staged from an editor session",
        gate_required=changeset.gate_required and not changeset.gate_acknowledged,
    )
    for rel in kept:
        proposal = changeset.proposals[rel]
        proposal.decisions.clear()
        remaining.proposals[rel] = proposal
    store.save(remaining)
    store.discard(changeset.root, changeset.id)


async def _write_through(root: Path, applied: list[str], write: WriteThrough) -> None:
    for rel in applied:
        target = root / rel
        if not target.is_file():
            continue
        text = await asyncio.to_thread(target.read_text, encoding="utf-8", errors="replace")
        await write(str(target), text)


def _summary(result: ReviewResult) -> str:
    lines = []
    if result.applied:
        lines.append(f"Applied: {', '.join(result.applied)} (undo with `elixir-pro undo`).")
    if result.conflicts:
        lines.append(f"Not applied, changed on disk since: {', '.join(result.conflicts)}.")
    if result.kept:
        lines.append(
            f"Kept staged: {', '.join(result.kept)} (review them with `elixir-pro review`)."
        )
    return "\n".join(lines)
