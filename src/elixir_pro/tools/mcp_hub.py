"""MCP servers' tools in our tool loop: the servers of the ``mcp_servers`` setting (and, under
ACP, the servers the editor passes), connected lazily, their tools offered to Claude as
``mcp__<server>__<tool>`` and gated like Bash.

Gating, the same in every tool mode (audit included): a tool the server annotates read-only
(``readOnlyHint``), or one on the server's ``allow`` list, runs without asking; any other tool
(``project_eval``, ``execute_sql_query``...) runs only after the approval callback allows it,
with its arguments shown. Without a callback (a headless run) such a tool is refused and the
model is told why. "Always for this session" is remembered per tool.

A server that is down or slow costs one notice and its tools are left out; it is tried again
at a later turn (after ``RETRY_AFTER_S``), and the notice repeats only after it came back.

Used by the toolset (``definitions``, ``owns``, ``run``), the conversation session (``ensure``
at the start of a Claude turn), the workspace (which owns the hub) and the ACP agent.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from elixir_pro.config import McpServerConfig
from elixir_pro.tools.approval import BashDecision
from elixir_pro.tools.mcp_connection import (
    TOOL_PREFIX,
    McpConnection,
    McpToolInfo,
    McpUnavailable,
    where,
)

if TYPE_CHECKING:
    from elixir_pro.tools.base import ToolOutcome

RETRY_AFTER_S = 30.0
ARGUMENTS_SHOWN = 4000  # characters of the arguments shown when asking


@dataclass(frozen=True, slots=True)
class McpToolRequest:
    """What the user is asked to approve: a tool of an MCP server with its arguments."""

    server: str
    tool: str
    arguments: dict[str, Any]
    location: str  # the server's URL or command
    destructive: bool | None = None

    @property
    def title(self) -> str:
        return f"{self.server} · {self.tool}"

    def arguments_text(self) -> str:
        text = json.dumps(self.arguments, indent=2, ensure_ascii=False, sort_keys=True)
        if len(text) > ARGUMENTS_SHOWN:
            text = text[:ARGUMENTS_SHOWN] + "\n… (cut)"
        return text


ApproveMcp = Callable[[McpToolRequest], Awaitable[BashDecision]]


@dataclass(slots=True)
class _Server:
    config: McpServerConfig
    connection: McpConnection | None = None
    failed_at: float | None = None
    noticed: bool = False


class McpHub:
    """The MCP servers of one workspace and the tools they offer. ``log_dir`` receives each
    stdio server's stderr (``mcp-<name>.log``)."""

    def __init__(
        self, servers: Iterable[McpServerConfig], root: Path, log_dir: Path | None = None
    ) -> None:
        self.root = root.resolve()
        self.log_dir = log_dir
        self._servers: dict[str, _Server] = {}
        self._tools: dict[str, McpToolInfo] = {}
        self._lock: asyncio.Lock | None = None
        self.add_servers(servers)

    @property
    def configured(self) -> bool:
        return bool(self._servers)

    @property
    def server_names(self) -> tuple[str, ...]:
        return tuple(self._servers)

    def add_servers(self, servers: Iterable[McpServerConfig]) -> None:
        """Add servers (a later one of the same name replaces an unconnected earlier one)."""
        for config in servers:
            current = self._servers.get(config.name)
            if current is None or current.connection is None:
                self._servers[config.name] = _Server(config)

    # -- connecting ------------------------------------------------------------------------
    async def ensure(self) -> list[str]:
        """Connect the servers not connected yet (all at once); one notice per server that
        is newly unreachable. Never raises, never waits past the servers' timeouts."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            now = time.monotonic()
            due = [
                s
                for s in self._servers.values()
                if (s.connection is None or not s.connection.connected)
                and (s.failed_at is None or now - s.failed_at >= RETRY_AFTER_S)
            ]
            if not due:
                return []
            outcomes = await asyncio.gather(*(self._connect(s) for s in due))
            self._rebuild()
            return [notice for notice in outcomes if notice]

    async def _connect(self, server: _Server) -> str | None:
        config = server.config
        log = self.log_dir / f"mcp-{config.name}.log" if self.log_dir is not None else None
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
        connection = McpConnection(config, self.root, log)
        try:
            await connection.start()
        except McpUnavailable as exc:
            server.connection = None
            server.failed_at = time.monotonic()
            if server.noticed:
                return None
            server.noticed = True
            return (
                f"MCP server {config.name} ({where(config)}) is not available: {exc}. "
                "Its tools are left out; it is tried again at a later turn."
            )
        server.connection = connection
        server.failed_at = None
        server.noticed = False
        return None

    def _rebuild(self) -> None:
        self._tools = {}
        for server in self._servers.values():
            if server.connection is not None and server.connection.connected:
                for tool in server.connection.tools:
                    self._tools.setdefault(tool.qualified, tool)

    async def aclose(self) -> None:
        for server in self._servers.values():
            if server.connection is not None:
                await server.connection.aclose()
                server.connection = None
        self._tools = {}

    # -- the toolset's side ----------------------------------------------------------------
    @property
    def tools(self) -> list[McpToolInfo]:
        return list(self._tools.values())

    def definitions(self) -> list[dict[str, Any]]:
        """Client tool params for the Messages API."""
        return [
            {
                "name": tool.qualified,
                "description": f"[MCP server {tool.server}] {tool.description}",
                "input_schema": tool.input_schema,
            }
            for tool in self._tools.values()
        ]

    def owns(self, name: str) -> bool:
        return name.startswith(TOOL_PREFIX) and name in self._tools

    def runs_unasked(self, tool: McpToolInfo) -> bool:
        server = self._servers.get(tool.server)
        allowed = server.config.allow if server is not None else ()
        return tool.read_only or tool.name in allowed

    async def run(
        self,
        name: str,
        arguments: dict[str, Any],
        *,
        approve: ApproveMcp | None,
        allowed: set[str],
    ) -> ToolOutcome:
        """Run one tool call after the gate; every failure is an ``is_error`` outcome."""
        from elixir_pro.tools.base import ToolOutcome

        tool = self._tools[name]
        server = self._servers[tool.server]
        if not (self.runs_unasked(tool) or name in allowed):
            request = McpToolRequest(
                tool.server, tool.name, arguments, where(server.config), tool.destructive
            )
            refusal = await _ask(request, approve, allowed, name)
            if refusal:
                return ToolOutcome(refusal, is_error=True)
        connection = server.connection
        if connection is None:
            return ToolOutcome(f"MCP server {tool.server} is not connected.", is_error=True)
        try:
            result = await connection.call(tool.name, arguments)
        except McpUnavailable as exc:
            if not connection.connected:
                server.connection = None
                server.failed_at = time.monotonic()
                self._rebuild()
            return ToolOutcome(
                f"MCP server {tool.server} failed on {tool.name}: {exc}.", is_error=True
            )
        return ToolOutcome(result.text, is_error=result.is_error)


async def _ask(
    request: McpToolRequest, approve: ApproveMcp | None, allowed: set[str], name: str
) -> str:
    """Ask for a tool that is not read-only; the refusal the model reads, or '' to run."""
    if approve is None:
        return (
            f"Refused: {request.tool} (MCP server {request.server}) is not marked read-only "
            "and this run cannot ask the user (headless). Continue without it; the user can "
            f"allow it with mcp_servers.{request.server}.allow in the settings."
        )
    decision = BashDecision(await approve(request))
    if decision is BashDecision.DENY:
        return (
            f"Refused: the user denied running {request.tool} (MCP server {request.server}). "
            "Do not retry it; continue without it or ask the user what to do."
        )
    if decision is BashDecision.ALLOW_SESSION:
        allowed.add(name)
    return ""
