"""Pure unit tests: cost arithmetic, the retry policy's waits, merging consecutive turns and
the user message built from context files."""

from __future__ import annotations

from pathlib import Path

import anthropic
import httpx2

from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.changes.changeset import Changeset
from elixir_pro.config import Price
from elixir_pro.events import UsageReported
from elixir_pro.llm import api_errors
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.context import MAX_CONTEXT_CHARS, user_text
from elixir_pro.llm.usage import UsageTotals, cost_usd
from elixir_pro.llm.wire import merge_consecutive


def status_error(status: int, headers: dict[str, str] | None = None) -> anthropic.APIStatusError:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/messages")
    response = httpx2.Response(status, headers=headers or {}, request=request)
    cls = {429: anthropic.RateLimitError, 400: anthropic.BadRequestError}.get(
        status, anthropic.InternalServerError
    )
    return cls(f"status {status}", response=response, body=None)


def test_cost_counts_every_kind_of_token() -> None:
    price = Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.3)
    cost = cost_usd(
        price,
        input_tokens=1_000_000,
        output_tokens=100_000,
        cache_creation_input_tokens=200_000,
        cache_read_input_tokens=1_000_000,
    )
    assert cost == 3.0 + 1.5 + 0.75 + 0.3
    assert cost_usd(None, input_tokens=5, output_tokens=5) == 0.0
    totals = UsageTotals()
    totals.add(UsageReported(10, 2, 3, 4, 0.5))
    totals.add(UsageReported(1, 1, 0, 0, 0.25))
    assert (totals.input_tokens, totals.output_tokens, totals.requests) == (11, 3, 2)
    assert totals.summary() == "18 tokens in (4 cached), 3 out, $0.7500"


def test_retry_waits_follow_the_server_hint_then_back_off() -> None:
    hinted = api_errors.retry_plan(status_error(429, {"retry-after": "3"}), attempt=1)
    assert hinted is not None and hinted.wait_s == 3.0 and "429" in hinted.what
    capped = api_errors.retry_plan(status_error(529, {"retry-after-ms": "900000"}), attempt=1)
    assert capped is not None and capped.wait_s == api_errors.MAX_WAIT_S
    backoff = [api_errors.retry_plan(status_error(500), attempt=n) for n in (1, 2, 3, 4)]
    assert [p.wait_s for p in backoff if p is not None] == [1.0, 2.0, 4.0, 8.0]
    assert api_errors.retry_plan(status_error(500), attempt=api_errors.MAX_ATTEMPTS) is None
    assert api_errors.retry_plan(status_error(400), attempt=1) is None
    assert api_errors.retry_plan(ValueError("x"), attempt=1) is None


def test_errors_are_single_lines() -> None:
    error = api_errors.turn_error(
        status_error(400), attempts=1, base_url="http://127.0.0.1", partial=False
    )
    assert error.kind == "api" and "\n" not in error.message and "400" in error.message
    unexpected = api_errors.turn_error(
        RuntimeError("boom\nwith lines"), attempts=1, base_url="u", partial=True
    )
    assert unexpected.message == "The Anthropic client failed: boom with lines"
    assert unexpected.retryable


def test_consecutive_messages_of_one_role_are_merged() -> None:
    messages = [
        {"role": "user", "content": "a"},
        {"role": "assistant", "content": [{"type": "text", "text": "b"}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "c"}]},
        {"role": "user", "content": "d"},
    ]
    merged = merge_consecutive(messages)
    assert [m["role"] for m in merged] == ["user", "assistant", "user"]
    assert merged[2]["content"] == [
        {"type": "tool_result", "tool_use_id": "t", "content": "c"},
        {"type": "text", "text": "d"},
    ]
    assert messages[2]["content"] == [{"type": "tool_result", "tool_use_id": "t", "content": "c"}]


def test_context_files_are_confined_capped_and_read_through_the_changeset(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "big.ex").write_text("x" * (MAX_CONTEXT_CHARS + 10))
    (root / "blob.bin").write_bytes(b"\0\1\2")
    (root / "staged.ex").write_text("on disk")
    (tmp_path / "secret.ex").write_text("outside")
    changeset = Changeset(root, source="test")
    changeset.propose_text("staged.ex", "staged text")
    request = TurnRequest(
        "look",
        CognitiveMode.CRITICAL,
        ToolMode.AUDIT,
        EnsembleRole.SOLO,
        root,
        context_files=["big.ex", "blob.bin", "../secret.ex", "staged.ex", "missing.ex"],
        changeset=changeset,
    )
    text = user_text(request)
    assert f"truncated: {MAX_CONTEXT_CHARS} of {MAX_CONTEXT_CHARS + 10} characters" in text
    assert '<file path="blob.bin" skipped="binary"/>' in text
    assert '<file path="../secret.ex" skipped="outside the project"/>' in text
    assert "outside" not in text.replace("outside the project", "")
    assert '<file path="staged.ex">\nstaged text\n</file>' in text
    assert '<file path="missing.ex" skipped="not a file"/>' in text
    assert text.endswith("Request:\nlook")
