"""The Anthropic backend: one turn with Claude through the streaming Messages API.

The loop: stream a reply (text deltas as they come), and while Claude stops for ``tool_use``
run each call through the turn's toolset, send the ``tool_result`` blocks back and stream
again, until ``end_turn``. ``pause_turn`` (a long server-tool run) is resent to continue;
``max_tokens`` asks Claude to continue the answer; ``refusal`` and a context overflow end the
turn with a clear error; a per-turn cap on tool rounds (config ``llm.max_tool_rounds``) stops
runaway loops. Retries with visible waits live in :mod:`elixir_pro.llm.api_errors`.

Every turn ends with ``TurnFinished``; a failure is ``TurnError`` then ``TurnFinished`` with
``interrupted=True``, keeping the partial answer and the messages completed so far (so a
retry continues rather than starts over). Used by the conversation sessions and ``ask``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anthropic

from elixir_pro.config import LlmConfig
from elixir_pro.events import (
    CoreEvent,
    Notice,
    TextDelta,
    ThinkingDelta,
    ToolFinished,
    ToolRequested,
    TurnError,
    TurnFinished,
    UsageReported,
)
from elixir_pro.llm import api_errors, prompts, wire
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.context import user_message
from elixir_pro.llm.usage import cost_usd

MAX_CONTINUATIONS = 3
"""How many times a turn may continue after hitting ``max_tokens`` (or ``pause_turn``)."""


@dataclass(slots=True)
class _TurnState:
    messages: list[dict[str, Any]]  # history + this turn's messages, sent on each request
    new: list[dict[str, Any]]  # this turn's messages only
    text: list[str] = field(default_factory=list)
    tool_rounds: int = 0
    continuations: int = 0
    stop_reason: str = "end_turn"
    model: str = ""

    def add(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self.new.append(message)

    def finished(
        self, *, interrupted: bool = False, stop_reason: str | None = None
    ) -> TurnFinished:
        extra: dict[str, Any] = {"messages": list(self.new), "model": self.model}
        return TurnFinished(
            text="".join(self.text),
            stop_reason=stop_reason or self.stop_reason,
            interrupted=interrupted,
            extra=extra,
        )


class _RequestFailed(Exception):
    def __init__(self, error: TurnError) -> None:
        super().__init__(error.message)
        self.error = error


class AnthropicBackend:
    """Claude through ``anthropic.AsyncAnthropic`` (built with ``max_retries=0``: we retry)."""

    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        model: str,
        settings: LlmConfig | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.settings = settings or LlmConfig()
        self._sleep = sleep or asyncio.sleep

    @property
    def label(self) -> str:
        return self.model

    @property
    def is_offline(self) -> bool:
        return False

    async def aclose(self) -> None:
        await self.client.close()

    @property
    def base_url(self) -> str:
        return str(self.client.base_url).rstrip("/")

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[CoreEvent]:
        new = list(request.resume_messages) if request.resume_messages else [user_message(request)]
        state = _TurnState(messages=[*request.history, *new], new=new, model=self.model)
        limit = self.settings.max_tool_rounds
        while True:
            reply: Any = None
            try:
                async for event in self._one_request(request, state):
                    if isinstance(event, _Reply):
                        reply = event.message
                    else:
                        yield event
            except _RequestFailed as failed:
                yield failed.error
                yield state.finished(interrupted=True, stop_reason="error")
                return
            assert reply is not None
            stop = str(reply.stop_reason or "end_turn")
            assistant = wire.assistant_param(reply)
            if stop == "max_tokens":  # a tool call cut off mid-input cannot be answered
                assistant["content"] = [b for b in assistant["content"] if b["type"] != "tool_use"]
            if assistant["content"]:  # the API rejects an empty assistant turn
                state.add(assistant)
            state.stop_reason = stop
            if stop == "tool_use":
                state.tool_rounds += 1
                over = state.tool_rounds > limit
                if state.tool_rounds > limit + 1:
                    results = self._refuse_tools(reply, limit)
                    state.add({"role": "user", "content": results})
                    yield TurnError(
                        "tool_rounds", prompts.ERR_TOOL_ROUNDS.format(limit=limit), True
                    )
                    yield state.finished(interrupted=True)
                    return
                if over:
                    yield Notice(prompts.TOOL_ROUNDS_NOTICE.format(limit=limit), "warning")
                    results = self._refuse_tools(reply, limit)
                else:
                    results = []
                    async for item in self._run_tools(request, reply):
                        if isinstance(item, dict):
                            results.append(item)
                        else:
                            yield item
                state.add({"role": "user", "content": results})
                continue
            if stop in ("pause_turn", "max_tokens") and state.continuations < MAX_CONTINUATIONS:
                state.continuations += 1
                if stop == "max_tokens":
                    yield Notice(
                        prompts.CONTINUING_NOTICE.format(max_tokens=self.settings.max_tokens)
                    )
                    state.add(
                        {
                            "role": "user",
                            "content": [
                                {"type": "text", "text": prompts.CONTINUE_AFTER_MAX_TOKENS}
                            ],
                        }
                    )
                else:
                    yield Notice(prompts.PAUSE_NOTICE)
                continue
            if stop == "refusal":
                yield TurnError("refusal", prompts.ERR_REFUSAL)
            elif stop == "model_context_window_exceeded":
                yield TurnError("context_too_long", prompts.ERR_CONTEXT)
                yield state.finished(interrupted=True)
                return
            yield state.finished()
            return

    async def _one_request(
        self, request: TurnRequest, state: _TurnState
    ) -> AsyncIterator[CoreEvent | _Reply]:
        body = wire.request_body(
            model=self.model,
            max_tokens=self.settings.max_tokens,
            system_prompt=request.system_prompt,
            toolset=request.toolset,
            messages=state.messages,
        )
        attempt = 0
        while True:
            attempt += 1
            streamed = False
            try:
                async with self.client.messages.stream(**body) as stream:
                    async for event in stream:
                        if event.type == "text" and event.text:
                            streamed = True
                            state.text.append(event.text)
                            yield TextDelta(event.text)
                        elif event.type == "thinking" and event.thinking:
                            streamed = True
                            yield ThinkingDelta(event.thinking)
                    message = await stream.get_final_message()
            except Exception as exc:  # every failure becomes one TurnError line
                plan = None if streamed else api_errors.retry_plan(exc, attempt)
                if plan is None:
                    error = api_errors.turn_error(
                        exc, attempts=attempt, base_url=self.base_url, partial=streamed
                    )
                    if streamed and error.kind not in ("interrupted",):
                        error = TurnError("interrupted", error.message, True)
                    raise _RequestFailed(error) from exc
                yield Notice(api_errors.retry_notice(plan, attempt), "warning")
                await self._sleep(plan.wait_s)
                continue
            yield self._usage(message)
            yield _Reply(message)
            return

    def _usage(self, message: Any) -> UsageReported:
        usage = message.usage
        model_id = str(message.model or self.model)
        counts = {
            "input_tokens": int(usage.input_tokens or 0),
            "output_tokens": int(usage.output_tokens or 0),
            "cache_creation_input_tokens": int(usage.cache_creation_input_tokens or 0),
            "cache_read_input_tokens": int(usage.cache_read_input_tokens or 0),
        }
        price = self.settings.price_for(model_id) or self.settings.price_for(self.model)
        return UsageReported(**counts, cost_usd=cost_usd(price, **counts), model=model_id)

    async def _run_tools(
        self, request: TurnRequest, reply: Any
    ) -> AsyncIterator[CoreEvent | dict[str, Any]]:
        for block in reply.content:
            if getattr(block, "type", "") != "tool_use":
                continue
            tool_input = block.input if isinstance(block.input, dict) else {}
            yield ToolRequested(block.id, block.name, dict(tool_input))
            if request.toolset is None:
                output, is_error = f"No tools are available; {block.name} was not run.", True
            else:
                try:
                    outcome = await request.toolset.run(block.name, dict(tool_input))
                except Exception as exc:  # a tool bug must not end the turn with a traceback
                    output, is_error = f"{block.name} failed: {type(exc).__name__}: {exc}", True
                else:
                    output, is_error = outcome.output, outcome.is_error
                    if outcome.edit is not None:
                        yield outcome.edit
            yield ToolFinished(block.id, block.name, output, is_error)
            yield wire.tool_result(block.id, output, is_error)

    @staticmethod
    def _refuse_tools(reply: Any, limit: int) -> list[dict[str, Any]]:
        text = prompts.TOOL_ROUNDS_EXCEEDED.format(limit=limit)
        return [
            wire.tool_result(block.id, text, True)
            for block in reply.content
            if getattr(block, "type", "") == "tool_use"
        ]


@dataclass(frozen=True, slots=True)
class _Reply:
    message: Any
