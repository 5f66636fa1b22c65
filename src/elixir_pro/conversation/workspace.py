"""The workspace: the four sessions (one per cognitive mode, i.e. per pane) of one project,
the pending changeset they all stage edits into, usage totals, and an optional event sink.

``sink(pane, turn_id, item)`` is called for every record of every turn as it happens: the
user's prompt (:class:`~elixir_pro.conversation.store_codec.UserPrompt`) then each core event.
:func:`store_sink` subscribes the SQLite session store this way. Used by ``ask``, the
ensemble and the TUI (which builds one with :func:`open_workspace`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.agent import AgentDefinition, resolve_agent
from elixir_pro.agent.modes import COGNITIVE_MODES, CognitiveMode, ToolMode
from elixir_pro.changes.changeset import Changeset
from elixir_pro.config import Config, load_config
from elixir_pro.conversation.session import Record, Session
from elixir_pro.conversation.store_codec import UserPrompt
from elixir_pro.conversation.turns import Turn
from elixir_pro.events import TurnFinished
from elixir_pro.llm.base import Backend
from elixir_pro.llm.usage import UsageTotals
from elixir_pro.tools import ApproveBash
from elixir_pro.tools.sandbox import sandbox_notice

if TYPE_CHECKING:
    from elixir_pro.conversation.store import SessionStore
    from elixir_pro.conversation.store_model import SessionRecord
    from elixir_pro.tools.mcp_hub import ApproveMcp

EventSink = Callable[[str, str, Record], None]
CHANGESET_SOURCE = "conversation"


class Workspace:
    def __init__(
        self,
        root: Path,
        agent: AgentDefinition,
        backend: Backend,
        config: Config | None = None,
        *,
        approve_bash: ApproveBash | None = None,
        sink: EventSink | None = None,
        tool_mode: ToolMode | None = None,
        notices: tuple[str, ...] = (),
        approve_mcp: ApproveMcp | None = None,
    ) -> None:
        from elixir_pro.paths import project_state_dir
        from elixir_pro.tools.mcp_hub import McpHub

        self.root = root.resolve()
        self.agent = agent
        self.backend = backend
        self.config = config or Config()
        self.sink = sink
        self.notices = notices
        self.changeset = Changeset(self.root, source=CHANGESET_SOURCE)
        # the MCP servers of the settings; connected at the first Claude turn, not here
        self.mcp = McpHub(self.config.mcp_servers, self.root, project_state_dir(self.root))
        self.sessions: dict[CognitiveMode, Session] = {
            mode: Session(
                mode=mode,
                agent=agent,
                backend=backend,
                root=self.root,
                changeset=self.changeset,
                config=self.config,
                tool_mode=tool_mode,
                approve_bash=approve_bash,
                listener=self._listener(mode),
                mcp=self.mcp,
                approve_mcp=approve_mcp,
            )
            for mode in COGNITIVE_MODES
        }

    def session(self, mode: CognitiveMode | str) -> Session:
        return self.sessions[CognitiveMode(mode)]

    @property
    def usage(self) -> UsageTotals:
        total = UsageTotals()
        for session in self.sessions.values():
            total = total.merged(session.usage)
        return total

    @property
    def status(self) -> str:
        """One line for a status bar: the backend and the session's cost so far."""
        if self.backend.is_offline:
            return "offline engine (no API cost)"
        return f"Claude {self.backend.label} · {self.usage.summary()}"

    def set_approve_bash(self, approve_bash: ApproveBash | None) -> None:
        for session in self.sessions.values():
            session.approve_bash = approve_bash

    def set_approve_mcp(self, approve_mcp: ApproveMcp | None) -> None:
        for session in self.sessions.values():
            session.set_approve_mcp(approve_mcp)

    def set_backend(self, backend: Backend) -> None:
        self.backend = backend
        for session in self.sessions.values():
            session.backend = backend

    def reset_changeset(self, changeset: Changeset | None = None) -> Changeset:
        """A fresh pending changeset (after the review applied or dropped the last one), or
        ``changeset`` (a stored one taken up again when a session is resumed)."""
        self.changeset = changeset or Changeset(self.root, source=CHANGESET_SOURCE)
        for session in self.sessions.values():
            session.changeset = self.changeset
            session.tool_context.changeset = self.changeset
        return self.changeset

    async def aclose(self) -> None:
        """Close the backend's and the MCP servers' connections (at the end of ``ask`` or
        when the app exits)."""
        await self.mcp.aclose()
        await self.backend.aclose()

    def restore(self, record: SessionRecord) -> None:
        """Give each session the history stored for its pane (``--resume``)."""
        for mode, session in self.sessions.items():
            session.restore(record.pane(mode.value).history)

    def _listener(self, mode: CognitiveMode) -> Callable[[Turn, Record], None]:
        def listen(turn: Turn, item: Record) -> None:
            if self.sink is not None:
                self.sink(mode.value, turn.id, item)

        return listen


def store_sink(store: SessionStore, session_id: str) -> EventSink:
    """A sink appending every record to the session store, and the history messages of
    each finished turn (so a resumed session sends them back)."""

    def sink(pane: str, turn_id: str, item: Record) -> None:
        if isinstance(item, UserPrompt):
            store.append_user_prompt(
                session_id,
                pane,
                turn_id,
                item.text,
                tool_mode=item.tool_mode,
                role=item.role,
                context_files=item.context_files,
            )
            return
        store.append(session_id, pane, turn_id, item)
        if isinstance(item, TurnFinished) and not item.interrupted:
            messages = item.extra.get("messages")
            if isinstance(messages, list) and messages:
                store.append_history(session_id, pane, turn_id, messages)

    return sink


async def open_workspace(
    root: Path,
    *,
    agent_name: str | None = None,
    model: str | None = None,
    offline: bool = False,
    tool_mode: ToolMode | None = None,
    approve_bash: ApproveBash | None = None,
    sink: EventSink | None = None,
    env: Mapping[str, str] | None = None,
    approve_mcp: ApproveMcp | None = None,
) -> Workspace:
    """Config, agent and backend for ``root`` (UserError for a bad config or agent)."""
    from elixir_pro.llm.factory import create_backend

    config = load_config(root)
    agent = resolve_agent(root, agent_name)
    choice = await create_backend(
        root, config, agent_model=agent.model, model_override=model, offline=offline, env=env
    )
    notices = choice.notices
    if not choice.backend.is_offline and "Bash" in agent.tools.all_tools:
        warning = await asyncio.to_thread(sandbox_notice)
        notices = (*notices, warning) if warning else notices
    return Workspace(
        root,
        agent,
        choice.backend,
        config,
        approve_bash=approve_bash,
        sink=sink,
        tool_mode=tool_mode,
        notices=notices,
        approve_mcp=approve_mcp,
    )
