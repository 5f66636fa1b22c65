"""The fake server's wire format: the SSE frames of a streamed reply, and the request checks
the real Messages API makes that the tests rely on (no empty message, as the API answers such
a request with a 400)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from fakeclaude.replies import ServerToolBlock, StreamReply, TextBlock, ThinkingBlock

Frame = tuple[str, dict[str, Any]]


def empty_message_problem(body: dict[str, Any]) -> str | None:
    """The real API's complaint about an empty message in ``body``, or None."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return None
    for index, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        last_assistant = index == len(messages) - 1 and message.get("role") == "assistant"
        if (content == [] or content == "") and not last_assistant:
            return (
                f"messages.{index}: all messages must have non-empty content except for the "
                "optional final assistant message"
            )
        if isinstance(content, list):
            for at, block in enumerate(content):
                if isinstance(block, dict) and block.get("type") == "text" and not block["text"]:
                    return (
                        f"messages.{index}.content.{at}.text: text content blocks must be non-empty"
                    )
    return None


def frames(reply: StreamReply, model: str, next_id: Callable[[str], str]) -> Iterator[Frame]:
    usage = {
        "input_tokens": reply.input_tokens,
        "output_tokens": 1,
        "cache_creation_input_tokens": reply.cache_creation_input_tokens,
        "cache_read_input_tokens": reply.cache_read_input_tokens,
    }
    message: dict[str, Any] = {
        "id": next_id("msg"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": usage,
    }
    yield "message_start", {"type": "message_start", "message": message}
    yield "ping", {"type": "ping"}
    index = 0
    for block in reply.blocks:
        yield from _block_frames(index, block, next_id)
        index += 2 if isinstance(block, ServerToolBlock) else 1
    final_usage = {**usage, "output_tokens": reply.output_tokens}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
            "usage": final_usage,
        },
    )
    yield "message_stop", {"type": "message_stop"}


def _block_frames(index: int, block: Any, next_id: Callable[[str], str]) -> Iterator[Frame]:
    if isinstance(block, TextBlock):
        yield "content_block_start", _start(index, {"type": "text", "text": ""})
        step = max(1, block.chunk)
        for i in range(0, len(block.text), step):
            piece = block.text[i : i + step]
            yield "content_block_delta", _delta(index, {"type": "text_delta", "text": piece})
    elif isinstance(block, ThinkingBlock):
        start = {"type": "thinking", "thinking": "", "signature": ""}
        yield "content_block_start", _start(index, start)
        thinking = {"type": "thinking_delta", "thinking": block.thinking}
        yield "content_block_delta", _delta(index, thinking)
        yield "content_block_delta", _delta(index, {"type": "signature_delta", "signature": "sig"})
    elif isinstance(block, ServerToolBlock):
        tool_id = next_id("srvtoolu")
        start = {"type": "server_tool_use", "id": tool_id, "name": block.name, "input": {}}
        yield "content_block_start", _start(index, start)
        raw = json.dumps(block.input)
        yield (
            "content_block_delta",
            _delta(index, {"type": "input_json_delta", "partial_json": raw}),
        )
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
        result = {"type": "web_search_tool_result", "tool_use_id": tool_id, "content": []}
        yield "content_block_start", _start(index + 1, result)
        index += 1
    else:
        tool_id = block.id or next_id("toolu")
        start = {"type": "tool_use", "id": tool_id, "name": block.name, "input": {}}
        yield "content_block_start", _start(index, start)
        raw = block.raw_json if block.raw_json is not None else json.dumps(block.input)
        half = len(raw) // 2
        for part in (raw[:half], raw[half:]):
            yield (
                "content_block_delta",
                _delta(index, {"type": "input_json_delta", "partial_json": part}),
            )
    yield "content_block_stop", {"type": "content_block_stop", "index": index}


def _start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def _delta(index: int, delta: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}
