"""The conversation workspace as the TUI drives it (the :class:`~elixir_pro.tui.services.TurnSource`
protocol): one session per pane, panel runs, retry, the pending changeset, usage totals.

The workspace (and with it the backend: the anthropic SDK, model resolution) is created on the
first prompt, so opening the app imports nothing heavy and makes no network connection.
The outcome of a review goes back to the agent with the next prompt. Built by
:mod:`elixir_pro.tui.wiring`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.errors import UserError
from elixir_pro.events import CoreEvent, Notice, TurnError, TurnFinished
from elixir_pro.tui import texts
from elixir_pro.tui.services import AgentInfo, PanelEvent

if TYPE_CHECKING:
    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.conversation.workspace import Workspace
    from elixir_pro.pipeline.context import PipelineContext
    from elixir_pro.pipeline.taskmaster import Task
    from elixir_pro.tools.approval import ApproveBash
    from elixir_pro.tools.mcp_hub import ApproveMcp


class WorkspacePort:
    def __init__(
        self,
        root: Path,
        agent: AgentInfo,
        *,
        approve_bash: ApproveBash | None,
        model: str | None,
        offline: bool,
        label: str,
        approve_mcp: ApproveMcp | None = None,
    ) -> None:
        self.root = root
        self.agent = agent
        self.approve_bash = approve_bash
        self.approve_mcp = approve_mcp
        self.model = model
        self.offline = offline
        self._label = label
        self.workspace: Workspace | None = None
        self._histories: dict[CognitiveMode, list[dict[str, Any]]] = {}
        self._review_note = ""
        self._pipeline: PipelineContext | None = None
        self.active_task: Task | None = None
        self._restored: Changeset | None = None

    # -- state -----------------------------------------------------------------------------
    @property
    def label(self) -> str:
        if self.workspace is None:
            return self._label
        backend = self.workspace.backend
        return "offline engine" if backend.is_offline else f"claude {backend.label}"

    @property
    def pending_changeset(self) -> Changeset | None:
        return self.workspace.changeset if self.workspace is not None else self._restored

    @property
    def usage(self) -> tuple[int, float]:
        if self.workspace is None:
            return 0, 0.0
        totals = self.workspace.usage
        tokens = (
            totals.input_tokens
            + totals.output_tokens
            + totals.cache_creation_input_tokens
            + totals.cache_read_input_tokens
        )
        return tokens, totals.cost_usd

    def restore_history(self, mode: CognitiveMode, history: list[dict[str, Any]]) -> None:
        self._histories[mode] = list(history)
        if self.workspace is not None:
            self.workspace.session(mode).restore(history)

    def restore_pending(self, changeset: Changeset) -> None:
        """A resumed session's pending changeset: reviewed with ``ctrl+g`` and staged into by
        the next turns, as before the restart."""
        self._restored = changeset
        if self.workspace is not None:
            self.workspace.reset_changeset(changeset)

    def note_review(self, outcome_text: str) -> None:
        """The review's outcome, sent to the agent with the next prompt (after anything else
        noted since the last prompt)."""
        self._review_note = "\n".join(part for part in (self._review_note, outcome_text) if part)
        self._restored = None
        if self.workspace is not None:
            self.workspace.reset_changeset()

    def tell_agent(self, text: str) -> None:
        """Something the user did outside a turn (an undo from the main screen), sent with the
        next prompt; the pending changes stay as they are."""
        self._review_note = "\n".join(part for part in (self._review_note, text) if part)

    def mark_gate(self) -> None:
        """The last turn escalated: its staged changes need the human gate acknowledged."""
        changeset = self.pending_changeset
        if changeset is not None and len(changeset):
            changeset.gate_required = True
            changeset.gate_acknowledged = False  # an earlier OK did not cover this turn's reasons

    def acknowledge_gate(self) -> None:
        changeset = self.pending_changeset
        if changeset is not None:
            changeset.acknowledge_gate()
            if len(changeset):  # kept, so a resumed session does not ask again
                from elixir_pro.changes import store

                try:
                    store.save_decisions(changeset)
                except (OSError, UserError):
                    return

    def pipeline_context(self) -> PipelineContext:
        """Gates, OpenSpec and TaskMaster context for turns (created on first use)."""
        if self._pipeline is None:
            from elixir_pro.pipeline.context import PipelineContext

            self._pipeline = PipelineContext(self.root)
        return self._pipeline

    def _pipeline_text(self, mode: CognitiveMode, context_files: list[str]) -> str:
        return self.pipeline_context().render(mode, context_files, task=self.active_task)

    async def _save_pending(self) -> None:
        """Staged edits are persisted as soon as a turn ends, so a crash before the review
        loses nothing (``elixir-pro review`` reopens them)."""
        changeset = self.pending_changeset
        if changeset is None or not len(changeset):
            return
        from elixir_pro.changes import store

        try:
            await asyncio.to_thread(store.save, changeset)
        except (OSError, UserError):
            return

    # -- turns -----------------------------------------------------------------------------
    async def _ensure(self) -> tuple[Workspace, tuple[str, ...]]:
        if self.workspace is not None:
            return self.workspace, ()
        from elixir_pro.conversation.workspace import open_workspace

        workspace = await open_workspace(
            self.root,
            agent_name=self.agent.name,
            model=self.model,
            offline=self.offline,
            approve_bash=self.approve_bash,
            approve_mcp=self.approve_mcp,
        )
        for mode, history in self._histories.items():
            workspace.session(mode).restore(history)
        if self._restored is not None:
            workspace.reset_changeset(self._restored)
            self._restored = None
        self.workspace = workspace
        return workspace, workspace.notices

    def _extra(self, extra_context: str) -> str:
        note, self._review_note = self._review_note, ""
        if not note:
            return extra_context
        return texts.REVIEW_OUTCOME_CONTEXT.format(outcome=note) + extra_context

    async def send(
        self,
        mode: CognitiveMode,
        prompt: str,
        *,
        tool_mode: ToolMode,
        context_files: list[str],
        extra_context: str = "",
    ) -> AsyncIterator[CoreEvent]:
        try:
            workspace, notices = await self._ensure()
            for notice in notices:
                yield Notice(notice)
            pipeline = await asyncio.to_thread(self._pipeline_text, mode, list(context_files))
            extra = "\n\n".join(p for p in (self._extra(extra_context), pipeline) if p)
            stream = workspace.session(mode).send(
                prompt, context_files, tool_mode=tool_mode, extra_context=extra
            )
            async for event in stream:
                if isinstance(event, TurnFinished):
                    await self._save_pending()
                yield event
        except UserError as exc:
            yield TurnError("api", exc.one_line())
            yield TurnFinished("", interrupted=True)

    def retry(self, mode: CognitiveMode) -> AsyncIterator[CoreEvent] | None:
        if self.workspace is None:
            return None
        try:
            return self.workspace.session(mode).retry()
        except UserError:
            return None

    async def compact(self, mode: CognitiveMode) -> AsyncIterator[CoreEvent]:
        """Compact ``mode``'s conversation now, shown as a turn that ends with the summary
        block (or a notice saying why not)."""
        try:
            workspace, notices = await self._ensure()
            for notice in notices:
                yield Notice(notice)
            async for event in workspace.session(mode).compact():
                yield event
        except UserError as exc:
            yield Notice(exc.one_line(), "warning")
        yield TurnFinished("", stop_reason="compacted")

    async def panel(
        self, prompt: str, *, tool_mode: ToolMode, context_files: list[str]
    ) -> AsyncIterator[PanelEvent]:
        from elixir_pro.conversation.ensemble import DEFAULT_DECIDER, DEFAULT_MEMBERS, run_panel

        try:
            workspace, notices = await self._ensure()
            first_mode, first_role = DEFAULT_MEMBERS[0]
            for notice in notices:
                yield PanelEvent(first_mode, first_role.value, Notice(notice))
            stream = run_panel(
                workspace, prompt, context_files=context_files, decider_tool_mode=tool_mode
            )
            async for item in stream:
                yield PanelEvent(item.mode, item.role.value, item.event)
        except UserError as exc:
            role = EnsembleRole.DECISION_MAKER.value
            yield PanelEvent(DEFAULT_DECIDER, role, TurnError("api", exc.one_line()))
            yield PanelEvent(DEFAULT_DECIDER, role, TurnFinished("", interrupted=True))
