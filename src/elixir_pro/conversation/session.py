"""One conversation in one cognitive mode (a pane): its history, tool mode, role and turns.

``async for event in session.send(prompt, context_files=[...])`` runs one turn on the
workspace's backend with the system prompt composed for the mode/tool mode/role and the
tools of the tool mode; after the answer the output envelope is parsed and escalation
assessed (``TurnFinished.escalation`` holds the reasons). An interrupted turn keeps its
partial answer and ``retry()`` continues it. Stopping the iteration early (the user pressed
stop) marks the turn interrupted. Used by the workspace, the ensemble, ``ask`` and the TUI.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from elixir_pro.agent import AgentDefinition, compose_system_prompt
from elixir_pro.agent.envelope import parse_envelope
from elixir_pro.agent.escalation import assess_escalation
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.changes.changeset import Changeset
from elixir_pro.config import Config
from elixir_pro.conversation import prompts
from elixir_pro.conversation.compaction import ContextKeeper, estimate_tokens
from elixir_pro.conversation.instructions import (
    ProjectInstructions,
    project_instructions,
    with_instructions,
)
from elixir_pro.conversation.session_context import ContextMixin
from elixir_pro.conversation.store_codec import UserPrompt
from elixir_pro.conversation.turns import Turn, TurnState
from elixir_pro.errors import UserError
from elixir_pro.events import (
    CoreEvent,
    Notice,
    TextDelta,
    TurnError,
    TurnFinished,
    UsageReported,
)
from elixir_pro.llm.base import Backend, TurnRequest
from elixir_pro.llm.context import relative_context
from elixir_pro.llm.usage import UsageTotals
from elixir_pro.pipeline.openspec import has_openspec_files
from elixir_pro.tools import ApproveBash, BashDecision, BashRequest, ToolContext, build_toolset
from elixir_pro.tools.toolset import ALWAYS_OFFERED

if TYPE_CHECKING:
    from elixir_pro.tools.mcp_hub import ApproveMcp, McpHub, McpToolRequest

Record = CoreEvent | UserPrompt
TurnListener = Callable[[Turn, Record], None]


class _Approval:
    """The session's Bash approver: moves the turn to awaiting-approval while the user
    decides and delegates to the session's current ``approve_bash``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    async def __call__(self, request: BashRequest) -> BashDecision:
        inner = self.session.approve_bash
        if inner is None:
            return BashDecision.DENY
        turn = self.session.current
        waiting = turn is not None and turn.state is TurnState.STREAMING
        if waiting and turn is not None:
            turn.move(TurnState.AWAITING_APPROVAL)
        try:
            return await inner(request)
        finally:
            if turn is not None and turn.state is TurnState.AWAITING_APPROVAL:
                turn.move(TurnState.STREAMING)

    def denial_message(self, request: BashRequest) -> str:
        explain = getattr(self.session.approve_bash, "denial_message", None)
        if callable(explain):
            return str(explain(request))
        if self.session.approve_bash is None:
            return prompts.BASH_NO_APPROVER
        return prompts.BASH_DENIED


def _awaiting(session: Session, approve: ApproveMcp) -> ApproveMcp:
    """``approve`` with the turn in awaiting-approval while the user decides."""

    async def ask(request: McpToolRequest) -> BashDecision:
        turn = session.current
        if turn is not None and turn.state is TurnState.STREAMING:
            turn.move(TurnState.AWAITING_APPROVAL)
        try:
            return await approve(request)
        finally:
            if turn is not None and turn.state is TurnState.AWAITING_APPROVAL:
                turn.move(TurnState.STREAMING)

    return ask


class Session(ContextMixin):
    def __init__(
        self,
        *,
        mode: CognitiveMode,
        agent: AgentDefinition,
        backend: Backend,
        root: Path,
        changeset: Changeset,
        config: Config | None = None,
        tool_mode: ToolMode | None = None,
        role: EnsembleRole | None = None,
        approve_bash: ApproveBash | None = None,
        listener: TurnListener | None = None,
        mcp: McpHub | None = None,
        approve_mcp: ApproveMcp | None = None,
    ) -> None:
        self.mode = mode
        self.agent = agent
        self.backend = backend
        self.root = root.resolve()
        self.changeset = changeset
        self.config = config or Config()
        self.tool_mode = tool_mode or agent.tools.default_mode
        self.role = role or agent.ensemble_roles.default
        self.approve_bash = approve_bash
        self.listener = listener
        self.history: list[dict[str, Any]] = []
        self.turns: list[Turn] = []
        self.usage = UsageTotals()
        self.meter = ContextKeeper(self.config.llm)
        self.current: Turn | None = None
        self._sink_error = ""
        self._sink_reported = False
        self.tool_context = ToolContext(
            self.root,
            changeset,
            _Approval(self),
            allow_secrets=self.config.tools.allow_secrets,
            bash_timeout=self.config.tools.bash_timeout,
            bash_network=self.config.tools.bash_network,
            mcp=mcp,
        )
        self.set_approve_mcp(approve_mcp)

    @property
    def state(self) -> TurnState:
        """The running turn's state, or idle."""
        if self.current is not None and not self.current.done:
            return self.current.state
        return TurnState.IDLE

    @property
    def busy(self) -> bool:
        return self.state is not TurnState.IDLE

    def set_approve_mcp(self, approve: ApproveMcp | None) -> None:
        """Who decides on MCP tools that are not read-only (None: they are refused)."""
        self.approve_mcp = approve
        self.tool_context.approve_mcp = _awaiting(self, approve) if approve else None

    def system_prompt(
        self, tool_mode: ToolMode, role: EnsembleRole, context_files: Sequence[str] = ()
    ) -> str:
        """The agent's prompt for this mode, then the project's instructions (AGENTS.md,
        CLAUDE.md, usage rules; :mod:`elixir_pro.conversation.instructions`)."""
        own = compose_system_prompt(self.agent, self.mode, tool_mode, role)
        return with_instructions(own, self.instructions(context_files))

    def instructions(self, context_files: Sequence[str] = ()) -> ProjectInstructions:
        budget = self.config.llm.instructions_budget_tokens
        return project_instructions(self.root, context_files, budget=budget)

    def send(
        self,
        prompt: str,
        context_files: Sequence[str] = (),
        *,
        tool_mode: ToolMode | None = None,
        role: EnsembleRole | None = None,
        extra_context: str = "",
    ) -> AsyncIterator[CoreEvent]:
        """Run one turn; iterate the result to drive it."""
        if not prompt.strip():
            raise UserError("the prompt is empty")
        turn = Turn(
            prompt=prompt,
            tool_mode=tool_mode or self.tool_mode,
            role=role or self.role,
            context_files=relative_context(self.root, list(context_files)),
            extra_context=extra_context,
        )
        return self._run(turn, resume=None)

    def retry(self) -> AsyncIterator[CoreEvent]:
        """Continue the last, interrupted turn (from the messages it had completed)."""
        last = self.turns[-1] if self.turns else None
        if last is None or last.state is not TurnState.INTERRUPTED:
            raise UserError(f"nothing to retry in the {self.mode.value} pane")
        turn = Turn(
            prompt=last.prompt,
            tool_mode=last.tool_mode,
            role=last.role,
            context_files=list(last.context_files),
            extra_context=last.extra_context,
            retry_of=last.id,
        )
        return self._run(turn, resume=list(last.messages) or None)

    def restore(self, history: list[dict[str, Any]]) -> None:
        """Resume a stored conversation: its history becomes this session's (its size
        estimated until the first request measures it)."""
        self.history = list(history)
        self.meter.tokens = estimate_tokens(history) if history else 0

    def clear(self) -> None:
        if self.busy:
            raise UserError(f"a turn is running in the {self.mode.value} pane")
        self.history.clear()
        self.turns.clear()
        self.current = None
        self.meter.tokens = 0

    # -- the turn --------------------------------------------------------------------------
    async def _run(
        self, turn: Turn, resume: list[dict[str, Any]] | None
    ) -> AsyncIterator[CoreEvent]:
        if self.busy:
            raise UserError(f"a turn is already running in the {self.mode.value} pane")
        request = TurnRequest(
            prompt=turn.prompt,
            cognitive_mode=self.mode,
            tool_mode=turn.tool_mode,
            role=turn.role,
            project_root=self.root,
            history=list(self.history),
            context_files=list(turn.context_files),
            extra_context=turn.extra_context,
            system_prompt=self.system_prompt(turn.tool_mode, turn.role, turn.context_files),
            toolset=build_toolset(
                [*self.agent.tools.for_mode(turn.tool_mode), *ALWAYS_OFFERED],
                self.tool_context,
                project_writable=turn.tool_mode is ToolMode.SOLUTION,
            ),
            changeset=self.changeset,
            turn_id=turn.id,
            resume_messages=resume,
        )
        self.turns.append(turn)
        self.current = turn
        self._sink_error = ""
        self._notify(
            turn,
            UserPrompt(
                turn.prompt, turn.tool_mode.value, turn.role.value, tuple(turn.context_files)
            ),
        )
        turn.move(TurnState.STREAMING)
        try:
            try:
                for notice in await self._connect_mcp(turn):
                    yield notice
                async for event in self._attempts(turn, request):
                    if isinstance(event, TurnFinished):
                        out: CoreEvent = await self._finish(turn, event)
                    else:
                        out = self._track(turn, event)
                    self._notify(turn, out)
                    if self._sink_error:
                        yield Notice(self._sink_error, "error")
                        self._sink_error = ""
                    yield out
            except Exception as exc:  # a backend bug is one line, never a traceback
                message = prompts.BACKEND_FAILED.format(detail=f"{type(exc).__name__}: {exc}")
                for out in self._fail(turn, TurnError("api", message, retryable=True)):
                    yield out
        finally:
            if not turn.done:
                self._fail(turn, TurnError("interrupted", prompts.STOPPED, retryable=True))

    async def _connect_mcp(self, turn: Turn) -> list[Notice]:
        """Connect the MCP servers at the first Claude turn (the offline engine uses no
        tools); a server that is down or slow is one notice, never a stuck turn."""
        hub = self.tool_context.mcp
        if hub is None or not hub.configured or self.backend.is_offline:
            return []
        notices = [Notice(message, "warning") for message in await hub.ensure()]
        for notice in notices:
            self._notify(turn, notice)
        return notices

    def _track(self, turn: Turn, event: CoreEvent) -> CoreEvent:
        if isinstance(event, TextDelta):
            turn.text += event.text
        elif isinstance(event, UsageReported):
            turn.usage.add(event)
            self.usage.add(event)
        elif isinstance(event, TurnError):
            turn.error = event
        return event

    async def _finish(self, turn: Turn, event: TurnFinished) -> TurnFinished:
        messages = event.extra.get("messages")
        turn.messages = list(messages) if isinstance(messages, list) else []
        turn.text = event.text or turn.text
        extra = {
            **event.extra,
            "turn_id": turn.id,
            "mode": self.mode.value,
            "usage": dataclasses.asdict(turn.usage),
        }
        if turn.retry_of:
            extra["retry_of"] = turn.retry_of
        if event.interrupted:
            turn.move(TurnState.INTERRUPTED)
            return replace(event, extra=extra)
        turn.move(TurnState.FINISHED)
        self.history.extend(turn.messages)
        # parsing a long answer takes a while: keep the event loop (the UI) responsive
        turn.escalation = await asyncio.to_thread(self._escalation, turn.prompt, turn.text)
        return replace(event, escalation=turn.escalation, extra=extra)

    def _fail(self, turn: Turn, error: TurnError) -> list[CoreEvent]:
        turn.error = error
        turn.move(TurnState.INTERRUPTED)
        finished = TurnFinished(
            text=turn.text,
            stop_reason="error",
            interrupted=True,
            extra={"messages": list(turn.messages), "turn_id": turn.id, "mode": self.mode.value},
        )
        for item in (error, finished):
            self._notify(turn, item)
        return [error, finished]

    def _notify(self, turn: Turn, item: Record) -> None:
        """Tell the listener (the workspace's sink, e.g. the session store). A failing sink
        must not end the turn: its first failure becomes a Notice the user sees."""
        if self.listener is None:
            return
        try:
            self.listener(turn, item)
        except Exception as exc:
            if not self._sink_reported:
                self._sink_reported = True
                self._sink_error = prompts.SINK_FAILED.format(detail=f"{type(exc).__name__}: {exc}")

    def _escalation(self, prompt: str, answer: str) -> tuple[str, ...]:
        """The reasons to escalate this answer (its envelope, the agent's triggers)."""
        envelope = parse_envelope(answer)
        openspec = has_openspec_files(self.root)
        return assess_escalation(self.agent, prompt, answer, envelope, openspec=openspec).reasons
