"""The client side for the ACP tests: the official SDK's ``ClientSideConnection`` spawning
``elixir-pro acp`` (``spawn_agent_process``) with a client that records every session update,
answers permission requests by a rule and serves ``fs/*`` like an editor would: reads return
the buffer (which may hold unsaved text), writes are saved to disk."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acp import PROTOCOL_VERSION, spawn_agent_process
from acp.client.connection import ClientSideConnection
from acp.schema import (
    AllowedOutcome,
    ClientCapabilities,
    DeniedOutcome,
    FileSystemCapabilities,
    Implementation,
    ReadTextFileResponse,
    RequestPermissionResponse,
    WriteTextFileResponse,
)

ELIXIR_PRO = str(Path(sys.executable).with_name("elixir-pro"))
Decide = Callable[[Any, list[Any]], str | None]  # (tool call, options) -> option id or None


@dataclass
class EditorClient:
    decide: Decide = lambda call, options: None
    buffers: dict[str, str] = field(default_factory=dict)  # path -> unsaved text
    updates: list[Any] = field(default_factory=list)
    permissions: list[Any] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    writes: list[tuple[str, str]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def session_update(self, session_id: str, update: Any, **kwargs: Any) -> None:
        self.updates.append(update)
        self.changed.set()

    async def request_permission(
        self, session_id: str, tool_call: Any, options: list[Any], **kwargs: Any
    ) -> RequestPermissionResponse:
        self.permissions.append(tool_call)
        chosen = self.decide(tool_call, options)
        if chosen is None:
            return RequestPermissionResponse(outcome=DeniedOutcome(outcome="cancelled"))
        return RequestPermissionResponse(
            outcome=AllowedOutcome(outcome="selected", option_id=chosen)
        )

    async def read_text_file(
        self, session_id: str, path: str, line: int | None = None, limit: int | None = None,
        **kwargs: Any,
    ) -> ReadTextFileResponse:  # fmt: skip
        self.reads.append(path)
        text = self.buffers.get(path)
        return ReadTextFileResponse(content=text if text is not None else Path(path).read_text())

    async def write_text_file(
        self, session_id: str, path: str, content: str, **kwargs: Any
    ) -> WriteTextFileResponse:
        self.writes.append((path, content))
        Path(path).write_text(content)  # the editor saves its buffer
        return WriteTextFileResponse()

    # -- reading what arrived --------------------------------------------------------------
    def of(self, kind: str) -> list[Any]:
        return [u for u in self.updates if u.session_update == kind]

    def text(self) -> str:
        chunks = self.of("agent_message_chunk")
        return "".join(c.content.text for c in chunks if c.content.type == "text")

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the expected session update did not arrive")
            self.changed.clear()
            if condition():
                return
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                continue


def agent_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    keep = ("ELIXIR_PRO_CONFIG_DIR", "ELIXIR_PRO_STATE_DIR", "HOME", "PATH")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    return {**env, **(extra or {})}


@asynccontextmanager
async def connect(
    client: EditorClient, cwd: Path, *args: str, env: dict[str, str] | None = None,
    log: Path | None = None,
) -> AsyncIterator[ClientSideConnection]:  # fmt: skip
    """``elixir-pro acp ARGS`` as a subprocess, initialized with fs capabilities."""
    with open(log or os.devnull, "w") as stderr:
        async with spawn_agent_process(
            client, ELIXIR_PRO, "acp", *args, env=agent_env(env), cwd=cwd,
            transport_kwargs={"stderr": stderr.fileno()},
        ) as (conn, _process):  # fmt: skip
            fs = FileSystemCapabilities(read_text_file=True, write_text_file=True)
            info = Implementation(name="test-editor", version="1.0")
            reply = await conn.initialize(
                protocol_version=PROTOCOL_VERSION,
                client_capabilities=ClientCapabilities(fs=fs),
                client_info=info,
            )
            assert reply.protocol_version == PROTOCOL_VERSION
            assert reply.agent_capabilities is not None
            assert reply.agent_capabilities.load_session is True
            yield conn
