"""One connection to an MCP server (stdio command or streamable-HTTP URL), through the official
``mcp`` client.

The SDK's client is a stack of anyio context managers that must be entered and left by the
same task, while our tool calls come from whichever task runs the turn. So each connection is
owned by one background task: it imports the SDK (in a thread, the import is heavy), connects,
lists the tools, reports them and then waits until it is told to close. Calls are made on the
connected client from the turn's task, each bounded by the server's ``timeout``.

Nothing here imports ``mcp`` at module level: the SDK loads at the first connection, which
happens at the first turn that offers MCP tools. Used by :mod:`elixir_pro.tools.mcp_hub`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from elixir_pro import __version__
from elixir_pro.config import McpServerConfig

if TYPE_CHECKING:
    from mcp import Client

TOOL_PREFIX = "mcp__"
MAX_NAME = 64  # the Messages API's limit for a tool name
MAX_RESULT_CHARS = 30_000
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class McpUnavailable(Exception):
    """The server could not be reached, failed, or did not answer in time (one line)."""


@dataclass(frozen=True, slots=True)
class McpToolInfo:
    """A tool one server offers. ``qualified`` is the name Claude sees:
    ``mcp__<server>__<tool>``."""

    server: str
    name: str
    qualified: str
    description: str
    input_schema: dict[str, Any]
    read_only: bool
    destructive: bool | None = None


@dataclass(frozen=True, slots=True)
class McpCallResult:
    text: str
    is_error: bool = False


def qualified_name(server: str, tool: str) -> str:
    """``mcp__server__tool``, with characters the API refuses replaced, at most 64 long."""
    name = _NAME_UNSAFE.sub("_", f"{TOOL_PREFIX}{server}__{tool}")
    if len(name) <= MAX_NAME:
        return name
    import hashlib

    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9]}_{digest}"


def describe_failure(exc: BaseException) -> str:
    """The innermost useful message of an exception (anyio wraps them in groups)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, McpUnavailable):
        return str(exc)
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def where(config: McpServerConfig) -> str:
    """The server's address as shown to the user."""
    if config.url:
        return config.url
    return " ".join([config.command, *config.args])


class McpConnection:
    """A live connection to one server; ``start`` connects and lists its tools."""

    def __init__(self, config: McpServerConfig, root: Path, log_path: Path | None = None) -> None:
        self.config = config
        self.root = root
        self.log_path = log_path
        self.tools: list[McpToolInfo] = []
        self.lost: str | None = None
        self._client: Client | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._client is not None and self.lost is None

    async def start(self) -> list[McpToolInfo]:
        """Connect and list the tools within the server's timeout, or raise McpUnavailable."""
        ready: asyncio.Future[list[McpToolInfo]] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._own(ready), name=f"mcp:{self.config.name}")
        try:
            self.tools = await asyncio.wait_for(asyncio.shield(ready), self.config.timeout)
        except TimeoutError:
            ready.cancel()
            self._abandon()
            raise McpUnavailable(f"no answer within {self.config.timeout:g} s") from None
        except McpUnavailable:
            self._abandon()
            raise
        return self.tools

    async def call(self, tool: str, arguments: dict[str, Any]) -> McpCallResult:
        client = self._client
        if client is None or self.lost is not None:
            raise McpUnavailable(self.lost or "not connected")
        timeout = self.config.timeout
        try:
            result = await asyncio.wait_for(
                client.call_tool(tool, arguments, read_timeout_seconds=timeout), timeout + 1.0
            )
        except TimeoutError:
            raise McpUnavailable(f"no answer within {timeout:g} s") from None
        except Exception as exc:
            if self._task is not None and self._task.done():
                self.lost = describe_failure(exc)
            raise McpUnavailable(describe_failure(exc)) from None
        return McpCallResult(result_text(result), bool(result.is_error))

    def _abandon(self) -> None:
        """Stop a connection that never came up, without waiting for it."""
        self._stop.set()
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()

    async def aclose(self) -> None:
        self._stop.set()
        task, self._task = self._task, None
        self._client = None
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), 5.0)
        except (TimeoutError, Exception):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    # -- the owning task -------------------------------------------------------------------
    async def _own(self, ready: asyncio.Future[list[McpToolInfo]]) -> None:
        try:
            mcp = await asyncio.to_thread(importlib.import_module, "mcp")
            transport, errlog = await self._transport()
            try:
                client = mcp.Client(
                    transport,
                    read_timeout_seconds=self.config.timeout,
                    client_info=mcp.Implementation(name="elixir-pro", version=__version__),
                )
                async with client:
                    tools = await _list_tools(client, self.config.name)
                    self._client = client
                    if not ready.done():
                        ready.set_result(tools)
                    await self._stop.wait()
            finally:
                if errlog is not None:
                    errlog.close()
        except BaseException as exc:
            message = describe_failure(exc)
            if not ready.done():
                ready.set_exception(McpUnavailable(message))
            if not self._stop.is_set():
                self.lost = message
            if not isinstance(exc, Exception):
                raise
        finally:
            self._client = None

    async def _transport(self) -> tuple[Any, Any]:
        """The SDK transport for this server and the file its stderr goes to (stdio only)."""
        config = self.config
        if config.url:
            from mcp.client.streamable_http import streamable_http_client
            from mcp.shared._httpx_utils import create_mcp_http_client

            http = create_mcp_http_client(headers=dict(config.headers) or None)
            return streamable_http_client(config.url, http_client=http), None
        from mcp.client.stdio import StdioServerParameters, stdio_client

        params = StdioServerParameters(
            command=config.command, args=list(config.args), env=dict(config.env), cwd=self.root
        )
        # the server's stderr must not reach the terminal the TUI draws on
        errlog: Any = open(  # noqa: SIM115 (closed by _own)
            self.log_path or os.devnull, "a", encoding="utf-8"
        )
        return stdio_client(params, errlog=errlog), errlog


async def _list_tools(client: Client, server: str) -> list[McpToolInfo]:
    found: list[McpToolInfo] = []
    cursor: str | None = None
    for _page in range(100):
        listing = await client.list_tools(cursor=cursor)
        for tool in listing.tools:
            hints = tool.annotations
            schema = dict(tool.input_schema or {})
            schema.setdefault("type", "object")
            found.append(
                McpToolInfo(
                    server=server,
                    name=tool.name,
                    qualified=qualified_name(server, tool.name),
                    description=tool.description or tool.title or tool.name,
                    input_schema=schema,
                    read_only=bool(hints is not None and hints.read_only_hint),
                    destructive=hints.destructive_hint if hints is not None else None,
                )
            )
        cursor = listing.next_cursor
        if not cursor:
            break
    return found


def result_text(result: Any) -> str:
    """A tool result as the text Claude reads: text blocks as they are, other blocks named,
    structured content as JSON when there is no text; cut in the middle past 30,000 chars."""
    parts: list[str] = []
    for block in result.content or []:
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(block.text)
        elif kind == "resource":
            resource = block.resource
            text = getattr(resource, "text", None)
            parts.append(text if text is not None else f"[resource {resource.uri}]")
        elif kind == "resource_link":
            parts.append(f"[resource {block.uri}]")
        else:
            parts.append(f"[{kind or 'content'} {getattr(block, 'mime_type', '')}]".strip())
    if not parts and result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, indent=2))
    text = "\n".join(parts) or "(no output)"
    if len(text) > MAX_RESULT_CHARS:
        head = MAX_RESULT_CHARS * 2 // 3
        tail = MAX_RESULT_CHARS - head
        cut = len(text) - head - tail
        text = f"{text[:head]}\n\n[... {cut} characters omitted ...]\n\n{text[-tail:]}"
    return text
