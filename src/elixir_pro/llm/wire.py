"""The request body of one Messages API call, and tool results in message-param form.

No request carries an empty message: a message without content (or with only empty text
blocks) is left out before consecutive messages of one role are merged (the API answers such
a request with a 400).

Prompt caching: ``cache_control: {"type": "ephemeral"}`` goes on the (single, last) system
block and on the last tool definition (client tools first, then server tools), so the system
prompt and the tool list are cached together across the rounds of a turn and across turns; and
on the last block of the last message, so each tool round (and the next turn) reads the
conversation so far from the cache instead of paying for it again. The history itself is never
modified: the marker exists only in the request body.
Used by the Anthropic backend; tests assert on exactly what these functions put on the wire.
"""

from __future__ import annotations

import copy
from typing import Any

from elixir_pro.llm.base import Toolset

EPHEMERAL: dict[str, str] = {"type": "ephemeral"}


def system_blocks(system_prompt: str) -> list[dict[str, Any]]:
    if not system_prompt:
        return []
    return [{"type": "text", "text": system_prompt, "cache_control": dict(EPHEMERAL)}]


def tool_params(toolset: Toolset | None) -> list[dict[str, Any]]:
    if toolset is None:
        return []
    tools = [copy.deepcopy(t) for t in (*toolset.definitions(), *toolset.server_tools())]
    if tools:
        tools[-1]["cache_control"] = dict(EPHEMERAL)
    return tools


def request_body(
    *,
    model: str,
    max_tokens: int,
    system_prompt: str,
    toolset: Toolset | None,
    messages: list[dict[str, Any]],
) -> dict[str, Any]:
    """Keyword arguments for ``client.messages.stream``."""
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": max_tokens,
        "messages": mark_last_message(merge_consecutive(messages)),
    }
    system = system_blocks(system_prompt)
    if system:
        body["system"] = system
    tools = tool_params(toolset)
    if tools:
        body["tools"] = tools
    return body


def mark_last_message(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of ``messages`` whose last content block carries the cache marker."""
    if not messages:
        return messages
    last = messages[-1]
    content = [copy.deepcopy(block) for block in _content_list(last["content"])]
    if not content:
        return messages
    content[-1]["cache_control"] = dict(EPHEMERAL)
    return [*messages[:-1], {"role": last["role"], "content": content}]


def _content_list(content: Any) -> list[Any]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content)


def merge_consecutive(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Join consecutive messages of the same role (a turn that stopped after tool results
    followed by a new prompt), which the API would otherwise treat as one turn anyway."""
    merged: list[dict[str, Any]] = []
    for message in messages:
        if not _has_content(message["content"]):
            continue
        if merged and merged[-1]["role"] == message["role"]:
            previous = merged[-1]
            merged[-1] = {
                "role": previous["role"],
                "content": _content_list(previous["content"]) + _content_list(message["content"]),
            }
        else:
            merged.append(message)
    return merged


def _has_content(content: Any) -> bool:
    if isinstance(content, str):
        return bool(content)
    return any(
        not (isinstance(b, dict) and b.get("type") == "text" and not b.get("text")) for b in content
    )


def tool_result(call_id: str, output: str, is_error: bool) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": call_id, "content": output}
    if is_error:
        block["is_error"] = True
    return block
