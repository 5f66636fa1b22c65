"""Ensemble panel runs: one request to several cognitive modes at once, then to a decision
maker that receives their answers and decides.

Members run concurrently, each in its own session (pane) with its ensemble role
(``panel_member`` or ``auditor``), by default in the read-only audit tool mode so that only
the decision maker stages edits. Every event comes out tagged with its mode and role as a
:class:`PanelEvent`, in arrival order. Used by the TUI's panel key and tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.conversation import prompts
from elixir_pro.conversation.workspace import Workspace
from elixir_pro.errors import UserError
from elixir_pro.events import CoreEvent, TurnFinished

DEFAULT_MEMBERS: tuple[tuple[CognitiveMode, EnsembleRole], ...] = (
    (CognitiveMode.GENERATIVE, EnsembleRole.PANEL_MEMBER),
    (CognitiveMode.CRITICAL, EnsembleRole.AUDITOR),
    (CognitiveMode.INFORMATIVE, EnsembleRole.PANEL_MEMBER),
)
DEFAULT_DECIDER = CognitiveMode.EVALUATIVE


@dataclass(frozen=True, slots=True)
class PanelEvent:
    mode: CognitiveMode
    role: EnsembleRole
    event: CoreEvent


@dataclass(frozen=True, slots=True)
class _Done:
    mode: CognitiveMode


def handover_prompt(
    prompt: str, answers: Sequence[tuple[CognitiveMode, EnsembleRole, str, bool]]
) -> str:
    """The decision maker's request: the original one and every member's answer
    (``(mode, role, text, interrupted)``); a broken-off answer is marked as such."""
    parts = [prompts.PANEL_HANDOVER_INTRO.format(prompt=prompt)]
    for mode, role, text, interrupted in answers:
        values = {"mode": mode.value, "role": role.value, "text": text}
        if not text.strip():
            why = "interrupted" if interrupted else "empty"
            parts.append(prompts.PANEL_ANSWER_MISSING.format(**values, why=why))
        elif interrupted:
            parts.append(prompts.PANEL_ANSWER_PARTIAL.format(**values))
        else:
            parts.append(prompts.PANEL_ANSWER.format(**values))
    return "\n\n".join(parts)


async def run_panel(
    workspace: Workspace,
    prompt: str,
    *,
    members: Sequence[tuple[CognitiveMode, EnsembleRole]] = DEFAULT_MEMBERS,
    decider: CognitiveMode = DEFAULT_DECIDER,
    context_files: Sequence[str] = (),
    member_tool_mode: ToolMode = ToolMode.AUDIT,
    decider_tool_mode: ToolMode | None = None,
) -> AsyncIterator[PanelEvent]:
    modes = [mode for mode, _ in members]
    if decider in modes or len(set(modes)) != len(modes):
        raise UserError("each panel mode may appear once, and not as the decision maker too")
    for mode in (*modes, decider):
        if workspace.session(mode).busy:
            raise UserError(f"a turn is already running in the {mode.value} pane")
    queue: asyncio.Queue[PanelEvent | _Done] = asyncio.Queue()
    finals: dict[CognitiveMode, TurnFinished] = {}

    async def member(mode: CognitiveMode, role: EnsembleRole) -> None:
        try:
            stream = workspace.session(mode).send(
                prompt, context_files, tool_mode=member_tool_mode, role=role
            )
            async for event in stream:
                if isinstance(event, TurnFinished):
                    finals[mode] = event
                await queue.put(PanelEvent(mode, role, event))
        finally:
            await queue.put(_Done(mode))

    tasks = [asyncio.create_task(member(mode, role)) for mode, role in members]
    try:
        remaining = len(tasks)
        while remaining:
            item = await queue.get()
            if isinstance(item, _Done):
                remaining -= 1
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    answers = []
    for mode, role in members:
        final = finals.get(mode)
        text = final.text if final is not None else ""
        answers.append((mode, role, text, final is None or final.interrupted))
    role = EnsembleRole.DECISION_MAKER
    async for event in workspace.session(decider).send(
        handover_prompt(prompt, answers), context_files, tool_mode=decider_tool_mode, role=role
    ):
        yield PanelEvent(decider, role, event)
