"""The state of one ACP session and what the client is told about it: the session modes (the
four cognitive modes), the config options (``mode`` and ``tool_mode``), the session store it
is persisted in, and the client's MCP servers as our settings. Used by
:mod:`elixir_pro.protocols.acp_agent`.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from acp import RequestError
from acp.schema import (
    PromptResponse,
    SessionConfigOptionSelect,
    SessionConfigSelectOption,
    SessionMode,
    SessionModeState,
)

from elixir_pro.agent.modes import COGNITIVE_MODES, TOOL_MODES, CognitiveMode, ToolMode
from elixir_pro.config import McpServerConfig
from elixir_pro.conversation.workspace import Workspace
from elixir_pro.errors import UserError

if TYPE_CHECKING:
    from elixir_pro.conversation.store import SessionStore
    from elixir_pro.conversation.store_model import SessionRecord

E = TypeVar("E", bound=StrEnum)
TOOL_MODE_HELP = {
    ToolMode.AUDIT: "read and search only; changes are never staged",
    ToolMode.SOLUTION: "may stage changes, each applied only with your permission",
    ToolMode.RESEARCH: "read, search and the web",
}


def bad_params(message: str) -> RequestError:
    """A JSON-RPC invalid-params error whose message is one readable line."""
    return RequestError(-32602, " ".join(message.split()))


@dataclass(slots=True)
class AcpSession:
    """One ACP session: its project, workspace, current modes and running prompt."""

    id: str
    root: Path
    workspace: Workspace
    mode: CognitiveMode
    tool_mode: ToolMode
    store: SessionStore | None = None
    titled: bool = False
    task: asyncio.Task[PromptResponse] | None = None
    current_call: str | None = None  # the tool call running now (for its permission request)
    notes: list[str] = field(default_factory=list)

    def modes(self) -> SessionModeState:
        cognitive = self.workspace.agent.cognitive_modes
        available = [
            SessionMode(
                id=mode.value,
                name=mode.value.capitalize(),
                description=f"{cognitive.get(mode).mindset} (tools: {self.tool_mode.value})",
            )
            for mode in COGNITIVE_MODES
        ]
        return SessionModeState(current_mode_id=self.mode.value, available_modes=available)

    def config_options(self) -> list[Any]:
        agent = self.workspace.agent
        modes = [
            SessionConfigSelectOption(
                value=m.value,
                name=m.value.capitalize(),
                description=agent.cognitive_modes.get(m).mindset,
            )
            for m in COGNITIVE_MODES
        ]
        tools = [
            SessionConfigSelectOption(
                value=t.value,
                name=f"{t.value.capitalize()} tools",
                description=f"{', '.join(agent.tools.for_mode(t))}: {TOOL_MODE_HELP[t]}",
            )
            for t in TOOL_MODES
        ]
        return [
            SessionConfigOptionSelect(
                type="select",
                id="mode",
                name="Cognitive mode",
                category="mode",
                current_value=self.mode.value,
                options=modes,
            ),
            SessionConfigOptionSelect(
                type="select",
                id="tool_mode",
                name="Tool mode",
                description="Which tools the agent may use",
                current_value=self.tool_mode.value,
                options=tools,
            ),
        ]


def choice(kind: type[E], value: str, what: str) -> E:
    """``kind(value)``, or an invalid-params error naming the known values."""
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(m.value for m in kind)
        raise bad_params(f"unknown {what} {value!r} (known: {known})") from None


def fresh_id() -> str:
    return uuid.uuid4().hex


def open_store(
    root: Path, session_id: str | None
) -> tuple[SessionStore | None, SessionRecord | None]:
    """The project's session store (None when it cannot open) and the stored session."""
    from elixir_pro.conversation.store import SessionStore

    try:
        store = SessionStore.open(root)
    except UserError:
        return None, None
    if session_id is None:
        return store, None
    try:
        return store, store.load(session_id)
    except UserError:
        return store, None


def mcp_from_client(servers: list[Any]) -> tuple[list[McpServerConfig], list[str]]:
    """The client's MCP servers as our settings: stdio and streamable HTTP ones; the names of
    the others (SSE), which are left out."""
    found: list[McpServerConfig] = []
    skipped: list[str] = []
    for server in servers:
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in server.name) or "client"
        if getattr(server, "type", None) == "http":
            headers = {h.name: h.value for h in server.headers}
            found.append(McpServerConfig(name, url=server.url, headers=headers))
        elif getattr(server, "command", None):
            env = {e.name: e.value for e in server.env}
            found.append(
                McpServerConfig(name, command=server.command, args=tuple(server.args), env=env)
            )
        else:
            skipped.append(server.name)
    return found, skipped
