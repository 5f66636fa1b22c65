"""What the fake Messages server can be scripted to answer: streamed replies (text, tool calls,
thinking, server tools), errors before the stream, and the ways a network or a hostile model
fail: a dropped connection, an empty 200 stream, a stream cut before ``message_stop``, a stall
mid-stream, a tool call whose input is not JSON. Re-exported by :mod:`fakeclaude.server`."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TextBlock:
    text: str
    chunk: int = 8  # characters per text_delta


@dataclass(frozen=True)
class ToolUseBlock:
    """A client tool call; ``raw_json`` (when set) is sent as the input's JSON text instead of
    ``input`` (to send input that is not valid JSON)."""

    name: str
    input: dict[str, Any]
    id: str = ""
    raw_json: str | None = None


@dataclass(frozen=True)
class ThinkingBlock:
    thinking: str


@dataclass(frozen=True)
class ServerToolBlock:
    """A server tool run by Anthropic (``server_tool_use`` then its result block)."""

    name: str = "web_search"
    input: dict[str, Any] = field(default_factory=lambda: {"query": "elixir"})


Block = TextBlock | ToolUseBlock | ThinkingBlock | ServerToolBlock


@dataclass
class StreamReply:
    """A streamed message: its blocks become SSE frames. ``delay`` is slept between frames
    (a slow token stream); ``error_after`` cuts the stream with an ``event: error`` frame
    after that many frames; ``cut_after`` ends it cleanly (no ``message_delta`` or
    ``message_stop``) after that many frames; ``stall_after`` sends nothing for ``stall_s``
    after that many frames, then goes on."""

    blocks: Sequence[Block]
    stop_reason: str = "end_turn"
    model: str = "claude-sonnet-fake"
    input_tokens: int = 100
    output_tokens: int = 20
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    delay: float = 0.0
    error_after: int | None = None
    error_type: str = "overloaded_error"
    error_message: str = "Overloaded"
    cut_after: int | None = None
    stall_after: int | None = None
    stall_s: float = 0.0


@dataclass
class ErrorReply:
    """A JSON error before any stream (status + error body)."""

    status: int
    error_type: str
    message: str
    retry_after_ms: int | None = 1
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class HangUp:
    """Close the connection without answering (a connection failure)."""


@dataclass
class EmptyStream:
    """Status 200 with event-stream headers, then close without a single event."""


Reply = StreamReply | ErrorReply | HangUp | EmptyStream


def text_reply(text: str, **kwargs: Any) -> StreamReply:
    chunk = kwargs.pop("chunk", 8)
    return StreamReply([TextBlock(text, chunk)], **kwargs)


def tool_reply(*calls: tuple[str, dict[str, Any]], text: str = "", **kwargs: Any) -> StreamReply:
    blocks: list[Block] = [TextBlock(text)] if text else []
    blocks += [ToolUseBlock(name, inp) for name, inp in calls]
    kwargs.setdefault("stop_reason", "tool_use")
    return StreamReply(blocks, **kwargs)


def error_reply(status: int, error_type: str, message: str = "", **kwargs: Any) -> ErrorReply:
    return ErrorReply(status, error_type, message or error_type.replace("_", " "), **kwargs)


def model_info(
    model_id: str, line: str | None, created: str, lifecycle: str = "active"
) -> dict[str, Any]:
    return {
        "type": "model",
        "id": model_id,
        "display_name": model_id,
        "created_at": created,
        "lifecycle": lifecycle,
        "line": line,
        "max_input_tokens": 200000,
        "max_tokens": 64000,
    }


class BlackHole:
    """A 127.0.0.1 port whose listen queue is full, so a new connection never completes: the
    client's connect timeout is the only way out. Use as a context manager; ``base_url``."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(0)
        self._fillers: list[socket.socket] = []
        self.base_url = f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def __enter__(self) -> BlackHole:
        address = self._server.getsockname()
        for _ in range(8):  # more than the queue holds: later connection attempts hang
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(address)
            self._fillers.append(filler)
        return self

    def __exit__(self, *exc: object) -> None:
        for filler in self._fillers:
            filler.close()
        self._server.close()
