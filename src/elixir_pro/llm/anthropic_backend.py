"""The Anthropic backend: one turn with Claude through the streaming Messages API.

The loop: stream a reply (text deltas as they come), and while Claude stops for ``tool_use``
run each call through the turn's toolset, send the ``tool_result`` blocks back and stream
again, until ``end_turn``. A tool call whose input is not a JSON object is answered with an
``is_error`` result and the loop goes on; a ``tool_use`` stop without a client tool call ends
the turn (never an empty message). ``pause_turn`` (a long server-tool run) is resent to
continue and ``max_tokens`` asks Claude to continue the answer, at most
:data:`MAX_CONTINUATIONS` times, after which the turn ends with a warning and stop reason
``max_tokens``/``pause_turn`` (``ask`` exits 4). ``refusal`` and a context overflow end the
turn with a clear error; a per-turn cap on tool rounds (config ``llm.max_tool_rounds``) stops
runaway loops. Requests, timeouts and retries with visible waits live in
:mod:`elixir_pro.llm.requests` and :mod:`elixir_pro.llm.api_errors`.

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
    ToolFinished,
    ToolRequested,
    TurnError,
    TurnFinished,
    UsageReported,
)
from elixir_pro.llm import api_errors, prompts, wire
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.context import user_message
from elixir_pro.llm.requests import Reply, RequestFailed, stream_request
from elixir_pro.llm.stream import StreamedReply
from elixir_pro.llm.usage import cost_usd
from elixir_pro.llm.window import window_from_table

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


class AnthropicBackend:
    """Claude through ``anthropic.AsyncAnthropic`` (built with ``max_retries=0``: we retry)."""

    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        model: str,
        settings: LlmConfig | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        window: int | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.settings = settings or LlmConfig()
        self._sleep = sleep or asyncio.sleep
        self._window = window or window_from_table(model)

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
            reply: StreamedReply | None = None
            try:
                async for event in self._one_request(request, state):
                    if isinstance(event, Reply):
                        reply = event.message
                    else:
                        yield event
            except RequestFailed as failed:
                yield failed.error
                yield state.finished(interrupted=True, stop_reason="error")
                return
            assert reply is not None and reply.stop_reason is not None
            stop = reply.stop_reason
            blocks = reply.blocks
            if stop == "max_tokens":  # a tool call cut off mid-input cannot be answered
                blocks = [b for b in blocks if b.get("type") != "tool_use"]
            if blocks:  # the API rejects an empty assistant turn
                state.add({"role": "assistant", "content": blocks})
            state.stop_reason = stop
            if stop == "tool_use" and not reply.client_tool_calls():
                yield Notice(prompts.NO_TOOL_CALL_NOTICE, "warning")
                yield state.finished()
                return
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
            if stop in ("pause_turn", "max_tokens"):
                if state.continuations < MAX_CONTINUATIONS:
                    state.continuations += 1
                    yield self._continue(state, stop)
                    continue
                yield Notice(self._truncated(stop), "warning")
                yield state.finished(stop_reason=stop)
                return
            if stop == "refusal":
                yield TurnError("refusal", prompts.ERR_REFUSAL)
            elif stop == "model_context_window_exceeded":
                yield TurnError("context_too_long", prompts.ERR_CONTEXT)
                yield state.finished(interrupted=True)
                return
            yield state.finished()
            return

    def _continue(self, state: _TurnState, stop: str) -> Notice:
        """Ask Claude to go on after ``max_tokens`` (``pause_turn`` is resent as is)."""
        if stop == "pause_turn":
            return Notice(prompts.PAUSE_NOTICE)
        text = {"type": "text", "text": prompts.CONTINUE_AFTER_MAX_TOKENS}
        state.add({"role": "user", "content": [text]})
        return Notice(prompts.CONTINUING_NOTICE.format(max_tokens=self.settings.max_tokens))

    def _truncated(self, stop: str) -> str:
        if stop == "pause_turn":
            return prompts.PAUSED_NOTICE.format(limit=MAX_CONTINUATIONS)
        return prompts.TRUNCATED_NOTICE.format(
            max_tokens=self.settings.max_tokens, limit=MAX_CONTINUATIONS
        )

    async def context_window(self) -> int:
        """The model's context window in tokens: ``max_input_tokens`` from the model list
        that resolved the model (no request of its own), else the table (``llm.window``)."""
        return self._window

    async def summarise(self, system_prompt: str, text: str) -> tuple[str, UsageReported]:
        """One request without tools (``text`` as the user message): the answer's text and
        its usage. Used to compact a conversation; raises :class:`RequestFailed`."""
        body = wire.request_body(
            model=self.model,
            max_tokens=self.settings.max_tokens,
            system_prompt=system_prompt,
            toolset=None,
            messages=[{"role": "user", "content": [{"type": "text", "text": text}]}],
        )
        reply: StreamedReply | None = None
        async for item in stream_request(
            self.client, body, self.timeouts, sleep=self._sleep, base_url=self.base_url
        ):
            if isinstance(item, Reply):
                reply = item.message
        assert reply is not None
        answer = "".join(str(b.get("text", "")) for b in reply.blocks if b.get("type") == "text")
        return answer.strip(), self._usage(reply)

    @property
    def timeouts(self) -> api_errors.Timeouts:
        return api_errors.Timeouts(
            connect_s=self.settings.connect_timeout_s,
            idle_s=self.settings.idle_timeout_s,
            budget_s=self.settings.retry_budget_s,
        )

    async def _one_request(
        self, request: TurnRequest, state: _TurnState
    ) -> AsyncIterator[CoreEvent | Reply]:
        body = wire.request_body(
            model=self.model,
            max_tokens=self.settings.max_tokens,
            system_prompt=request.system_prompt,
            toolset=request.toolset,
            messages=state.messages,
        )
        async for item in stream_request(
            self.client, body, self.timeouts, sleep=self._sleep, base_url=self.base_url
        ):
            if isinstance(item, Reply):
                yield self._usage(item.message)
            elif isinstance(item, TextDelta):
                state.text.append(item.text)
            yield item

    def _usage(self, message: StreamedReply) -> UsageReported:
        model_id = message.model or self.model
        counts = dict(message.usage)
        price = self.settings.price_for(model_id) or self.settings.price_for(self.model)
        return UsageReported(**counts, cost_usd=cost_usd(price, **counts), model=model_id)

    async def _run_tools(
        self, request: TurnRequest, reply: StreamedReply
    ) -> AsyncIterator[CoreEvent | dict[str, Any]]:
        for block in reply.client_tool_calls():
            call_id, name = str(block.get("id", "")), str(block.get("name", ""))
            tool_input = block.get("input")
            tool_input = dict(tool_input) if isinstance(tool_input, dict) else {}
            yield ToolRequested(call_id, name, tool_input)
            bad = reply.bad_inputs.get(call_id)
            if bad is not None:
                output, is_error = prompts.BAD_TOOL_INPUT.format(name=name, why=bad), True
            elif request.toolset is None:
                output, is_error = f"No tools are available; {name} was not run.", True
            else:
                try:
                    outcome = await request.toolset.run(name, dict(tool_input))
                except Exception as exc:  # a tool bug must not end the turn with a traceback
                    output, is_error = f"{name} failed: {type(exc).__name__}: {exc}", True
                else:
                    output, is_error = outcome.output, outcome.is_error
                    if outcome.edit is not None:
                        yield outcome.edit
            yield ToolFinished(call_id, name, output, is_error)
            yield wire.tool_result(call_id, output, is_error)

    @staticmethod
    def _refuse_tools(reply: StreamedReply, limit: int) -> list[dict[str, Any]]:
        text = prompts.TOOL_ROUNDS_EXCEEDED.format(limit=limit)
        return [
            wire.tool_result(str(block.get("id", "")), text, True)
            for block in reply.client_tool_calls()
        ]
