"""What the ACP agent asks of the client (the editor): session updates, permission requests
(for a staged change, a Bash command, an MCP tool that is not read-only) and, when the client
offers them, its ``fs`` methods (Read sees unsaved buffers; applied files are handed back).
Used by :mod:`elixir_pro.protocols.acp_agent`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from acp.interfaces import Client
from acp.schema import ClientCapabilities, PermissionOption, ToolCallUpdate

from elixir_pro.protocols.acp_edits import ALLOW, OPTIONS, WriteThrough
from elixir_pro.protocols.acp_session import AcpSession
from elixir_pro.tools.approval import ApproveBash, BashDecision, BashRequest
from elixir_pro.tools.base import ReadThrough
from elixir_pro.tools.mcp_hub import ApproveMcp, McpToolRequest

RUN_OPTIONS = [
    PermissionOption(option_id="once", name="Run once", kind="allow_once"),
    PermissionOption(option_id="always", name="Always in this session", kind="allow_always"),
    PermissionOption(option_id="deny", name="Deny", kind="reject_once"),
]


class EditorSide:
    """The connection to the client and what it said it can do."""

    def __init__(self, conn: Client) -> None:
        self.conn = conn
        self.caps = ClientCapabilities()

    async def send(self, state: AcpSession, update: Any) -> None:
        await self.conn.session_update(session_id=state.id, update=update)

    async def allows_change(self, state: AcpSession, call: ToolCallUpdate) -> bool:
        """Ask about one staged file: True only for an explicit "apply"."""
        response = await self.conn.request_permission(
            session_id=state.id, tool_call=call, options=OPTIONS
        )
        outcome = response.outcome
        return outcome.outcome == "selected" and getattr(outcome, "option_id", "") == ALLOW

    async def decide(self, state: AcpSession, call: ToolCallUpdate) -> BashDecision:
        response = await self.conn.request_permission(
            session_id=state.id, tool_call=call, options=RUN_OPTIONS
        )
        chosen = getattr(response.outcome, "option_id", "deny")
        if response.outcome.outcome != "selected" or chosen == "deny":
            return BashDecision.DENY
        return BashDecision.ALLOW_SESSION if chosen == "always" else BashDecision.ALLOW_ONCE

    def approve_bash(self, state: AcpSession) -> ApproveBash:
        async def approve(request: BashRequest) -> BashDecision:
            call = ToolCallUpdate(
                tool_call_id=state.current_call or "bash",
                title=f"Run: {request.command}",
                kind="execute",
                status="pending",
                raw_input={"command": request.command, "cwd": str(request.cwd)},
            )
            return await self.decide(state, call)

        return approve

    def approve_mcp(self, state: AcpSession) -> ApproveMcp:
        async def approve(request: McpToolRequest) -> BashDecision:
            danger = " (it may change data)" if request.destructive else ""
            call = ToolCallUpdate(
                tool_call_id=state.current_call or "mcp",
                title=f"Run the MCP tool {request.title}{danger}",
                kind="fetch",
                status="pending",
                raw_input=request.arguments,
            )
            return await self.decide(state, call)

        return approve

    def read_through(self, state: AcpSession) -> ReadThrough | None:
        fs = self.caps.fs
        if fs is None or not fs.read_text_file:
            return None

        async def read(rel: str) -> str | None:
            try:
                path = str(state.root / rel)
                response = await self.conn.read_text_file(session_id=state.id, path=path)
            except Exception:  # the editor could not: the tool reads the disk instead
                return None
            return response.content

        return read

    def write_through(self, state: AcpSession) -> WriteThrough | None:
        fs = self.caps.fs
        if fs is None or not fs.write_text_file:
            return None

        async def write(path: str, content: str) -> None:
            with contextlib.suppress(Exception):  # the file is on disk already
                await self.conn.write_text_file(session_id=state.id, path=path, content=content)

        return write
