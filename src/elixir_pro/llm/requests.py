"""One Messages API request with its retries: streamed from the raw events
(:mod:`.stream`), under a connect timeout and an idle-stream timeout (no byte for
``llm.idle_timeout_s`` fails the attempt), retried with a visible notice while nothing has
streamed, within a total retry budget (``llm.retry_budget_s``).

:func:`stream_request` yields the answer's deltas and the retry notices as they happen, then
one :class:`Reply`; a request that fails for good raises :class:`RequestFailed` carrying the
one-line :class:`~elixir_pro.events.TurnError`. A stream that ends before ``message_stop``
is a failure (interrupted when part of the answer streamed), never a finished reply.

Used by the Anthropic backend.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anthropic

from elixir_pro.events import Notice, TextDelta, ThinkingDelta, TurnError
from elixir_pro.llm import api_errors
from elixir_pro.llm.stream import StreamedReply


@dataclass(frozen=True, slots=True)
class Reply:
    message: StreamedReply


class RequestFailed(Exception):
    def __init__(self, error: TurnError) -> None:
        super().__init__(error.message)
        self.error = error


async def stream_request(
    client: anthropic.AsyncAnthropic,
    body: dict[str, Any],
    limits: api_errors.Timeouts,
    *,
    sleep: Callable[[float], Awaitable[None]],
    base_url: str,
) -> AsyncIterator[TextDelta | ThinkingDelta | Notice | Reply]:
    timeout = anthropic.Timeout(limits.idle_s, connect=limits.connect_s, pool=limits.connect_s)
    attempt = 0
    spent = 0.0  # time in attempts plus planned waits (the budget's clock)
    while True:
        attempt += 1
        reply = StreamedReply()
        streamed = 0
        began = time.monotonic()
        try:
            stream = await client.messages.create(**body, stream=True, timeout=timeout)
            async with stream:
                async for event in stream:
                    shown = reply.feed(event)
                    if shown is not None:
                        streamed += len(shown.text)
                        yield shown
            if not reply.started:
                raise api_errors.EmptyStream()
            if not reply.stopped or reply.stop_reason is None:
                raise api_errors.CutStream(streamed)
        except Exception as exc:  # every failure becomes a retry or one TurnError line
            spent += time.monotonic() - began
            plan = None if streamed else api_errors.retry_plan(exc, attempt, limits)
            over_budget = plan is not None and spent + plan.wait_s > limits.budget_s
            if plan is None or over_budget:
                error = api_errors.turn_error(
                    exc,
                    attempts=attempt,
                    base_url=base_url,
                    partial=bool(streamed),
                    timeouts=limits,
                    budget_spent=over_budget,
                )
                raise RequestFailed(error) from exc
            yield Notice(api_errors.retry_notice(plan, attempt), "warning")
            spent += plan.wait_s
            await sleep(plan.wait_s)
            continue
        yield Reply(reply)
        return
