"""``elixir-pro acp``: elixir-pro as an Agent Client Protocol agent (Zed, JetBrains IDEs, Toad),
built on the official ``agent-client-protocol`` SDK; a thin adapter over the conversation
workspace (:mod:`elixir_pro.conversation`) and the changes package.

- ``session/new``: the client's cwd is the project; a workspace (offline engine or Claude, as
  for ``ask``) and a persisted session (the SQLite store, so ``session/load`` resumes it); the
  client's MCP servers join the ``mcp_servers`` of the settings.
- Session modes are the four cognitive modes (``session/set_mode``); the tool mode is a
  session config option (``tool_mode``), the mode also one (``mode``), kept in step.
- ``session/prompt`` streams the turn as updates (:mod:`.acp_updates`); Bash commands and MCP
  tools that are not read-only ask through ``session/request_permission``; staged changes are
  reviewed per file at the end of the turn (:mod:`.acp_edits`); ``session/cancel`` stops it.
- With the client's ``fs`` capabilities, Read reads the editor's buffers and applied files are
  handed to the editor.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acp import PROTOCOL_VERSION, RequestError, update_agent_message_text
from acp.helpers import update_current_mode
from acp.interfaces import Client
from acp.schema import (
    AgentCapabilities,
    ClientCapabilities,
    CloseSessionResponse,
    ConfigOptionUpdate,
    ForkSessionResponse,
    Implementation,
    InitializeResponse,
    ListSessionsResponse,
    LoadSessionResponse,
    McpCapabilities,
    NewSessionResponse,
    PromptCapabilities,
    PromptResponse,
    ResumeSessionResponse,
    SessionCapabilities,
    SessionInfo,
    SessionListCapabilities,
    SetSessionConfigOptionResponse,
    SetSessionModeResponse,
    StopReason,
)

from elixir_pro import __version__
from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.conversation.workspace import open_workspace, store_sink
from elixir_pro.errors import UserError
from elixir_pro.events import ToolRequested, TurnError, TurnFinished
from elixir_pro.protocols import acp_updates as U
from elixir_pro.protocols.acp_client import EditorSide
from elixir_pro.protocols.acp_edits import review_changes
from elixir_pro.protocols.acp_session import (
    AcpSession,
    bad_params,
    choice,
    fresh_id,
    mcp_from_client,
    open_store,
)

McpServers = list[Any] | None  # the SDK's HttpMcpServer | SseMcpServer | McpServerStdio ...
STOP_FOR_ERROR: dict[str, StopReason] = {"refusal": "refusal", "tool_rounds": "max_turn_requests"}


class ElixirProAgent:
    """The ACP ``Agent`` side: one :class:`AcpSession` per ``sessionId``."""

    def __init__(self, *, offline: bool = False, model: str | None = None) -> None:
        self.offline = offline
        self.model = model
        self.editor: EditorSide | None = None
        self.sessions: dict[str, AcpSession] = {}

    def on_connect(self, conn: Client) -> None:
        self.editor = EditorSide(conn)

    @property
    def client(self) -> EditorSide:
        if self.editor is None:
            raise RuntimeError("the agent is not connected")
        return self.editor

    async def aclose(self) -> None:
        for sid in list(self.sessions):
            await self.close_session(sid)

    # -- connection ------------------------------------------------------------------------
    async def initialize(
        self,
        protocol_version: int,
        client_capabilities: ClientCapabilities | None = None,
        client_info: Implementation | None = None,
        **kwargs: Any,
    ) -> InitializeResponse:
        self.client.caps = client_capabilities or ClientCapabilities()
        return InitializeResponse(
            protocol_version=min(protocol_version, PROTOCOL_VERSION),
            agent_capabilities=AgentCapabilities(
                load_session=True,
                prompt_capabilities=PromptCapabilities(embedded_context=True),
                mcp_capabilities=McpCapabilities(http=True, sse=False),
                session_capabilities=SessionCapabilities(list=SessionListCapabilities()),
            ),
            agent_info=Implementation(name="elixir-pro", title="elixir-pro", version=__version__),
            auth_methods=[],
        )

    async def authenticate(self, method_id: str, **kwargs: Any) -> None:
        return None  # credentials come from the environment (ANTHROPIC_API_KEY), as for ask

    # -- sessions --------------------------------------------------------------------------
    async def new_session(
        self,
        cwd: str,
        additional_directories: list[str] | None = None,
        mcp_servers: McpServers = None,
        **kwargs: Any,
    ) -> NewSessionResponse:
        state = await self._open(cwd, None, mcp_servers)
        return NewSessionResponse(
            session_id=state.id, modes=state.modes(), config_options=state.config_options()
        )

    async def load_session(
        self,
        cwd: str,
        session_id: str,
        mcp_servers: McpServers = None,
        additional_directories: list[str] | None = None,
        **kwargs: Any,
    ) -> LoadSessionResponse:
        state = await self._open(cwd, session_id, mcp_servers)
        return LoadSessionResponse(modes=state.modes(), config_options=state.config_options())

    async def list_sessions(
        self, cwd: str | None = None, cursor: str | None = None, **kwargs: Any
    ) -> ListSessionsResponse:
        if cwd is None:
            return ListSessionsResponse(sessions=[])
        store, _record = open_store(_project(cwd), None)
        if store is None:
            return ListSessionsResponse(sessions=[])
        try:
            infos = store.list_sessions()
        finally:
            store.close()
        sessions = [
            SessionInfo(
                session_id=info.id,
                cwd=cwd,
                title=info.title or None,
                updated_at=datetime.fromtimestamp(info.updated, UTC).isoformat(),
            )
            for info in infos
        ]
        return ListSessionsResponse(sessions=sessions)

    async def close_session(self, session_id: str, **kwargs: Any) -> CloseSessionResponse:
        state = self.sessions.pop(session_id, None)
        if state is not None:
            if state.task is not None and not state.task.done():
                state.task.cancel()
                with contextlib.suppress(BaseException):
                    await state.task
            await state.workspace.aclose()
            if state.store is not None:
                state.store.close()
        return CloseSessionResponse()

    async def fork_session(
        self,
        session_id: str,
        cwd: str,
        additional_directories: list[str] | None = None,
        mcp_servers: McpServers = None,
        **kwargs: Any,
    ) -> ForkSessionResponse:
        raise RequestError.method_not_found("session/fork")

    async def resume_session(
        self,
        session_id: str,
        cwd: str,
        additional_directories: list[str] | None = None,
        mcp_servers: McpServers = None,
        **kwargs: Any,
    ) -> ResumeSessionResponse:
        raise RequestError.method_not_found("session/resume")

    async def _open(self, cwd: str, session_id: str | None, mcp_servers: McpServers) -> AcpSession:
        root = _project(cwd)
        if session_id is not None and session_id in self.sessions:
            await self.close_session(session_id)  # loaded again: start from the store
        try:
            workspace = await open_workspace(root, model=self.model, offline=self.offline)
        except UserError as exc:
            raise bad_params(exc.one_line()) from None
        store, record = open_store(root, session_id)
        if session_id is not None and record is None:
            await workspace.aclose()
            raise bad_params(f"no stored session {session_id!r} for {root}")
        servers, skipped = mcp_from_client(mcp_servers or [])
        workspace.mcp.add_servers(servers)
        agent = workspace.agent
        sid = session_id or (store.create_session(agent.name) if store is not None else fresh_id())
        state = AcpSession(
            sid, root, workspace, agent.cognitive_modes.default, agent.tools.default_mode, store
        )
        state.notes = [*workspace.notices]
        state.notes += [f"MCP server {name} left out: SSE is not supported." for name in skipped]
        if store is not None:
            workspace.sink = store_sink(store, sid)
        self._wire(state)
        self.sessions[sid] = state
        if record is not None:  # show the stored conversation before answering session/load
            workspace.restore(record)
            updates, last_mode = U.replay(record, root)
            state.mode, state.titled = last_mode or state.mode, True
            for update in updates:
                await self.client.send(state, update)
        return state

    def _wire(self, state: AcpSession) -> None:
        """Approvals through the client's permission requests; reads through the editor."""
        state.workspace.set_approve_bash(self.client.approve_bash(state))
        state.workspace.set_approve_mcp(self.client.approve_mcp(state))
        read_through = self.client.read_through(state)
        for session in state.workspace.sessions.values():
            session.tool_context.read_through = read_through

    # -- modes -----------------------------------------------------------------------------
    async def set_session_mode(
        self, session_id: str, mode_id: str, **kwargs: Any
    ) -> SetSessionModeResponse:
        state = self._session(session_id)
        state.mode = choice(CognitiveMode, mode_id, "mode")
        await self.client.send(state, update_current_mode(state.mode.value))
        options = state.config_options()
        update = ConfigOptionUpdate(session_update="config_option_update", config_options=options)
        await self.client.send(state, update)
        return SetSessionModeResponse()

    async def set_config_option(
        self, config_id: str, session_id: str, value: str | bool, **kwargs: Any
    ) -> SetSessionConfigOptionResponse:
        state = self._session(session_id)
        if config_id == "mode":
            state.mode = choice(CognitiveMode, str(value), "mode")
            await self.client.send(state, update_current_mode(state.mode.value))
        elif config_id == "tool_mode":
            state.tool_mode = choice(ToolMode, str(value), "tool_mode")
        else:
            raise bad_params(f"unknown config option {config_id!r} (known: mode, tool_mode)")
        return SetSessionConfigOptionResponse(config_options=state.config_options())

    # -- turns -----------------------------------------------------------------------------
    async def prompt(self, session_id: str, prompt: list[Any], **kwargs: Any) -> PromptResponse:
        state = self._session(session_id)
        if state.task is not None and not state.task.done():
            raise bad_params("a prompt is already running in this session")
        text, context = U.prompt_parts(prompt, state.root)
        if not text:
            raise bad_params("the prompt has no text")
        state.task = asyncio.create_task(self._turn(state, text, context))
        try:
            return await state.task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the connection is closing, not a session/cancel
            return PromptResponse(stop_reason="cancelled")

    async def cancel(self, session_id: str, **kwargs: Any) -> None:
        state = self.sessions.get(session_id)
        if state is not None and state.task is not None and not state.task.done():
            state.task.cancel()

    async def _turn(self, state: AcpSession, text: str, context: list[str]) -> PromptResponse:
        from elixir_pro.pipeline.context import pipeline_context

        send = self.client.send
        if state.store is not None and not state.titled:
            state.titled = True
            with contextlib.suppress(UserError):
                state.store.set_title(state.id, " ".join(text.split())[:60])
        mode, tool_mode = state.mode, state.tool_mode
        notes, state.notes = state.notes, []
        for note in notes:  # what opening the session had to say (which backend answers...)
            await send(state, update_agent_message_text(f"_{note}_\n\n"))
        await send(state, U.turn_plan(mode, tool_mode, answered=False, edits=0, reviewed=False))
        extra = await asyncio.to_thread(pipeline_context, state.root, mode, context)
        stop: StopReason = "end_turn"
        session = state.workspace.session(mode)
        async for event in session.send(text, context, tool_mode=tool_mode, extra_context=extra):
            if isinstance(event, ToolRequested):
                state.current_call = event.call_id
            elif isinstance(event, TurnError):
                stop = STOP_FOR_ERROR.get(event.kind, stop)
            elif isinstance(event, TurnFinished) and event.escalation:
                state.workspace.changeset.gate_required = True  # this permission is the gate
            for update in U.event_updates(event, state.root):
                await send(state, update)
        changeset = state.workspace.changeset
        edits = len(changeset)
        await send(state, U.turn_plan(mode, tool_mode, answered=True, edits=edits, reviewed=False))
        if edits:
            state.workspace.reset_changeset()
            result = await review_changes(
                changeset,
                send=lambda update: send(state, update),
                ask=lambda call: self.client.allows_change(state, call),
                write_through=self.client.write_through(state),
            )
            await send(state, update_agent_message_text(f"\n\n{result.summary}\n"))
            plan = U.turn_plan(mode, tool_mode, answered=True, edits=edits, reviewed=True)
            await send(state, plan)
        return PromptResponse(stop_reason=stop)

    # -- extensions ------------------------------------------------------------------------
    async def ext_method(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        raise RequestError.method_not_found(f"_{method}")

    async def ext_notification(self, method: str, params: dict[str, Any]) -> None:
        return None

    def _session(self, session_id: str) -> AcpSession:
        state = self.sessions.get(session_id)
        if state is None:
            raise bad_params(f"unknown session {session_id!r}")
        return state


def _project(cwd: str) -> Path:
    root = Path(cwd)
    if not root.is_absolute() or not root.is_dir():
        raise bad_params(f"cwd {cwd!r} is not an absolute path to a folder")
    return root.resolve()
