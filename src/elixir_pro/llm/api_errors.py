"""Anthropic SDK exceptions turned into one-line :class:`~elixir_pro.events.TurnError`s, and
the retry policy for the failures worth retrying.

We retry ourselves (the client is built with ``max_retries=0``) so that every wait is a
:class:`~elixir_pro.events.Notice` the user sees: 408, 409, 429, every status >= 500 (529
overloaded included) and connection failures, before any part of the answer has streamed. The
wait honours ``retry-after-ms`` / ``retry-after`` (capped at :data:`MAX_WAIT_S`), otherwise
backs off exponentially. An ``event: error`` in the middle of a stream (an ``APIStatusError``
with status 200) is never retried automatically: the partial answer is kept and the turn is
marked interrupted. Used by the Anthropic backend.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

import anthropic

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


@dataclass(frozen=True, slots=True)
class RetryPlan:
    wait_s: float
    what: str  # "Rate limited (429)" / "Claude is overloaded (529)" / ...


def _status(exc: BaseException) -> int | None:
    if isinstance(exc, anthropic.APIStatusError):
        return exc.status_code
    return None


def _detail(exc: anthropic.APIError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return " ".join(str(error["message"]).split())
    return " ".join(str(exc.message).split())


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


def retry_plan(exc: BaseException, attempt: int) -> RetryPlan | None:
    """How long to wait before the next attempt (``attempt`` is the one that just failed,
    1-based), or None when this failure is not retried."""
    if attempt >= MAX_ATTEMPTS:
        return None
    backoff = min(BASE_WAIT_S * 2 ** (attempt - 1), MAX_WAIT_S)
    if isinstance(exc, anthropic.APIConnectionError):
        what = (
            "The API did not answer in time"
            if isinstance(exc, anthropic.APITimeoutError)
            else "Cannot reach the API"
        )
        return RetryPlan(backoff, what)
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


def turn_error(exc: BaseException, *, attempts: int, base_url: str, partial: bool) -> TurnError:
    """The one-line error for a failed request. ``partial``: some answer already streamed."""
    if isinstance(exc, anthropic.APITimeoutError):
        return TurnError("connection", prompts.ERR_TIMEOUT.format(url=base_url), retryable=True)
    if isinstance(exc, anthropic.APIConnectionError):
        cause = exc.__cause__
        detail = " ".join(str(cause or exc.message).split()) or type(cause).__name__
        message = prompts.ERR_CONNECTION.format(url=base_url, detail=detail)
        return TurnError("connection", message, retryable=True)
    if not isinstance(exc, anthropic.APIStatusError):
        detail = " ".join(str(exc).split()) or type(exc).__name__
        return TurnError("api", prompts.ERR_UNEXPECTED.format(detail=detail), retryable=partial)
    status = exc.status_code
    detail = _detail(exc)
    if status == 200:
        kind = getattr(exc, "type", None) or "stream error"
        text = prompts.ERR_INTERRUPTED.format(detail=f"{kind}: {detail}")
        return TurnError("interrupted", text, retryable=True)
    if status == 401:
        return TurnError("auth", prompts.ERR_AUTH.format(status=status))
    if status == 403:
        return TurnError("auth", prompts.ERR_PERMISSION.format(detail=detail))
    if status == 429:
        return TurnError(
            "rate_limit", prompts.ERR_RATE_LIMIT.format(attempts=attempts), retryable=True
        )
    if status == 529 or status >= 500:
        message = prompts.ERR_OVERLOADED.format(status=status, attempts=attempts)
        kind = "overloaded" if status == 529 else "api"
        return TurnError(kind, message, retryable=True)
    if is_context_too_long(exc):
        return TurnError("context_too_long", prompts.ERR_CONTEXT)
    if status == 404:
        return TurnError("api", prompts.ERR_NOT_FOUND.format(detail=detail))
    if status in (400, 413, 422):
        return TurnError("api", prompts.ERR_BAD_REQUEST.format(status=status, detail=detail))
    return TurnError("api", prompts.ERR_API.format(status=status, detail=detail))
