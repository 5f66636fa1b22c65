"""Anthropic SDK exceptions (and broken streams) turned into one-line
:class:`~elixir_pro.events.TurnError`s, and the retry policy for the failures worth retrying.

We retry ourselves (the client is built with ``max_retries=0``) so that every wait is a
:class:`~elixir_pro.events.Notice` saying what happened and what comes next: 408, 409, 429,
every status >= 500 (529 overloaded included), connection failures, a connect timeout, an idle
stream (no byte for ``llm.idle_timeout_s``), an empty 200 response and a stream cut before
``message_stop``, as long as no part of the answer has streamed. The wait honours
``retry-after-ms`` / ``retry-after`` (capped at :data:`MAX_WAIT_S`), otherwise backs off
exponentially; retries stop after :data:`MAX_ATTEMPTS` attempts or once the request has taken
``llm.retry_budget_s`` in all. A failure after part of the answer streamed (an ``event: error``,
a cut stream, an idle stream) is never retried automatically: the partial answer is kept and
the turn is marked interrupted. Used by the Anthropic backend's requests.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

import anthropic
import httpx2

from elixir_pro.events import TurnError
from elixir_pro.llm import prompts

MAX_ATTEMPTS = 5
"""One first try plus four retries."""
BASE_WAIT_S = 1.0
MAX_WAIT_S = 60.0
CONTEXT_TOO_LONG_MARKERS = (
    "prompt is too long",
    "context window",
    "context_length",
    "too many tokens",
)


class EmptyStream(Exception):
    """A 200 response whose stream ended without a single event."""


class CutStream(Exception):
    """A stream that ended (cleanly, as far as HTTP goes) before ``message_stop``."""

    def __init__(self, received: int) -> None:
        super().__init__(f"the stream ended before message_stop ({received} characters received)")
        self.received = received


@dataclass(frozen=True, slots=True)
class Timeouts:
    """The limits a request runs under (from ``llm.*`` settings), for the messages."""

    connect_s: float = 10.0
    idle_s: float = 90.0
    budget_s: float = 300.0


@dataclass(frozen=True, slots=True)
class RetryPlan:
    wait_s: float
    what: str  # "Rate limited (429)" / "Claude is overloaded (529)" / ...


def _detail(exc: anthropic.APIError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return " ".join(str(error["message"]).split())
    return " ".join(str(exc.message).split())


def _sentence(text: str) -> str:
    """``text`` as a clause inside a longer line: one line, no final period."""
    return " ".join(text.split()).rstrip(". ")


def is_connect_timeout(exc: BaseException) -> bool:
    return isinstance(exc, anthropic.APITimeoutError) and isinstance(
        exc.__cause__, httpx2.ConnectTimeout | httpx2.PoolTimeout
    )


def retry_after(exc: anthropic.APIStatusError) -> float | None:
    headers = exc.response.headers
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return float(raw_ms) / 1000
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        parsed = email.utils.parsedate_tz(raw)
        return None if parsed is None else float(email.utils.mktime_tz(parsed) - time.time())


def retry_plan(
    exc: BaseException, attempt: int, timeouts: Timeouts | None = None
) -> RetryPlan | None:
    """How long to wait before the next attempt (``attempt`` is the one that just failed,
    1-based), or None when this failure is not retried."""
    if attempt >= MAX_ATTEMPTS:
        return None
    limits = timeouts or Timeouts()
    backoff = min(BASE_WAIT_S * 2 ** (attempt - 1), MAX_WAIT_S)
    if isinstance(exc, EmptyStream):
        return RetryPlan(backoff, "The API sent an empty response")
    if isinstance(exc, CutStream):
        return RetryPlan(backoff, "The API's stream ended early")
    if isinstance(exc, anthropic.APITimeoutError):
        if is_connect_timeout(exc):
            return RetryPlan(backoff, f"Could not connect to the API within {limits.connect_s:g} s")
        return RetryPlan(backoff, f"No data from the API for {limits.idle_s:g} s")
    if isinstance(exc, anthropic.APIConnectionError):
        return RetryPlan(backoff, "The connection to the API failed")
    if not isinstance(exc, anthropic.APIStatusError):
        return None
    status = exc.status_code
    if status == 200 or (status not in (408, 409, 429) and status < 500):
        return None
    hinted = retry_after(exc)
    wait = min(hinted, MAX_WAIT_S) if hinted is not None and hinted >= 0 else backoff
    if status == 429:
        what = "Rate limited (429)"
    elif status == 529:
        what = "Claude is overloaded (529)"
    else:
        what = f"The API failed (HTTP {status})"
    return RetryPlan(wait, what)


def retry_notice(plan: RetryPlan, attempt: int) -> str:
    return prompts.RETRY_WAIT.format(
        what=plan.what, seconds=plan.wait_s, attempt=attempt, limit=MAX_ATTEMPTS - 1
    )


def is_context_too_long(exc: BaseException) -> bool:
    if not isinstance(exc, anthropic.BadRequestError):
        return False
    text = _detail(exc).lower()
    return any(marker in text for marker in CONTEXT_TOO_LONG_MARKERS)


def turn_error(
    exc: BaseException,
    *,
    attempts: int,
    base_url: str,
    partial: bool,
    timeouts: Timeouts | None = None,
    budget_spent: bool = False,
) -> TurnError:
    """The one-line error for a failed request. ``partial``: some answer already streamed;
    ``budget_spent``: retries stopped because the retry budget ran out."""
    error = _turn_error(exc, attempts, base_url, partial, timeouts or Timeouts())
    if budget_spent:
        limits = timeouts or Timeouts()
        note = prompts.BUDGET_SPENT.format(attempts=attempts, budget=limits.budget_s)
        return TurnError(error.kind, f"{error.message} ({note})", error.retryable)
    return error


def _turn_error(
    exc: BaseException, attempts: int, base_url: str, partial: bool, limits: Timeouts
) -> TurnError:
    if isinstance(exc, EmptyStream):
        return TurnError("api", prompts.ERR_EMPTY_STREAM.format(attempts=attempts), True)
    if isinstance(exc, CutStream):
        return TurnError("interrupted", prompts.ERR_CUT_STREAM.format(detail=str(exc)), True)
    if isinstance(exc, anthropic.APITimeoutError):
        if is_connect_timeout(exc):
            text = prompts.ERR_CONNECT_TIMEOUT.format(url=base_url, seconds=limits.connect_s)
            return TurnError("connection", text, retryable=True)
        if partial:
            text = prompts.ERR_IDLE_PARTIAL.format(seconds=limits.idle_s)
            return TurnError("interrupted", text, retryable=True)
        text = prompts.ERR_IDLE.format(url=base_url, seconds=limits.idle_s, attempts=attempts)
        return TurnError("connection", text, retryable=True)
    if isinstance(exc, anthropic.APIConnectionError):
        cause = exc.__cause__
        detail = _sentence(str(cause or "")) or _sentence(exc.message) or type(exc).__name__
        if partial:
            text = prompts.ERR_INTERRUPTED.format(detail=detail)
            return TurnError("interrupted", text, retryable=True)
        message = prompts.ERR_CONNECTION.format(url=base_url, detail=detail)
        return TurnError("connection", message, retryable=True)
    if not isinstance(exc, anthropic.APIStatusError):
        detail = " ".join(str(exc).split()) or type(exc).__name__
        return TurnError("api", prompts.ERR_UNEXPECTED.format(detail=detail), retryable=partial)
    status = exc.status_code
    detail = _detail(exc)
    if status == 200:
        kind = getattr(exc, "type", None) or "stream error"
        text = prompts.ERR_INTERRUPTED.format(detail=f"{kind}: {_sentence(detail)}")
        return TurnError("interrupted", text, retryable=True)
    if status == 401:
        return TurnError("auth", prompts.ERR_AUTH.format(status=status))
    if status == 403:
        return TurnError("auth", prompts.ERR_PERMISSION.format(detail=detail))
    if status == 429:
        return TurnError(
            "rate_limit", prompts.ERR_RATE_LIMIT.format(attempts=attempts), retryable=True
        )
    if status == 529:
        message = prompts.ERR_OVERLOADED.format(status=status, attempts=attempts)
        return TurnError("overloaded", message, retryable=True)
    if status >= 500:
        message = prompts.ERR_SERVER.format(status=status, attempts=attempts)
        return TurnError("api", message, retryable=True)
    if is_context_too_long(exc):
        return TurnError("context_too_long", prompts.ERR_CONTEXT)
    if status == 404:
        return TurnError("api", prompts.ERR_NOT_FOUND.format(detail=detail))
    if status in (400, 413, 422):
        return TurnError("api", prompts.ERR_BAD_REQUEST.format(status=status, detail=detail))
    return TurnError("api", prompts.ERR_API.format(status=status, detail=detail))
