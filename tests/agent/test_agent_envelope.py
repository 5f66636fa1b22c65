"""Parsing the output envelope from realistic answers and from formatting variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.agent.envelope import (
    Envelope,
    confidence_value,
    human_gate_value,
    parse_envelope,
)

ANSWERS = Path(__file__).resolve().parent.parent / "fixtures" / "agent" / "answers"


def _answer(name: str) -> str:
    return (ANSWERS / name).read_text(encoding="utf-8")


def test_canonical_envelope_after_an_audit_report() -> None:
    env = parse_envelope(_answer("audit_canonical.md"))
    assert env.result == "Audit of lib/ with 4 findings (1 critical, 1 high, 1 medium, 1 low)."
    assert env.confidence == "medium"
    assert (env.confidence_label, env.confidence_value) == ("medium", 0.6)
    assert env.uncertainty is not None
    assert env.uncertainty.endswith("ack protocol is inferred from the code.")
    assert env.verification is not None and env.verification.startswith("Run `mix test`")
    # the report's own "## OpenSpec Compliance" heading is not the envelope's field
    assert env.openspec_compliance == "R2 violated (tracker unsupervised); R1 satisfied."
    assert env.pipeline_impact == "Blocks the Implementation Gate until fixed."
    assert env.human_gate is False
    assert env.human_gate_reason == "all fixes are local OTP corrections"
    assert env.found


def test_heading_style_envelope_with_multiline_result() -> None:
    env = parse_envelope(_answer("envelope_headings.md"))
    assert env.result is not None
    assert env.result.startswith("Use a single node for now.")
    assert env.result.endswith("revisit with Horde.")
    assert (env.confidence_label, env.confidence_value) == ("medium-high", 0.75)
    assert env.uncertainty is not None and "- Hosting provider's" in env.uncertainty
    assert env.human_gate is True
    assert env.human_gate_reason is not None
    assert env.human_gate_reason.startswith("choosing not to cluster")


def test_colon_inside_bold_bullets_and_code_block_ignored() -> None:
    env = parse_envelope(_answer("envelope_colon_inside_bold.md"))
    assert env.result is not None and env.result.startswith("A `Courier.RateLimiter` GenServer")
    assert "this comment" not in env.result
    assert env.confidence_value == 0.72 and env.confidence_label == "medium"
    assert env.openspec_compliance == "N/A"
    assert env.human_gate is False and env.human_gate_reason is None


def test_lowercase_plain_labels_inside_a_bare_fence() -> None:
    env = parse_envelope(_answer("envelope_plain_lowercase.md"))
    assert env.result == "preload items with Repo.preload/2 in Orders.list_orders/0"
    assert env.confidence_value == 0.72
    assert env.verification == "check the query log shows 2 queries instead of N+1"
    assert env.human_gate is True
    assert env.human_gate_reason == "changes a public context function's cost profile"


def test_words_with_percent_and_bold_yes_in_parentheses() -> None:
    env = parse_envelope(_answer("envelope_low_percent_words.md"))
    assert (env.confidence_label, env.confidence_value) == ("low", 0.35)
    assert env.verification == "Run the property test with 10k iterations."
    assert env.human_gate is True
    assert env.human_gate_reason == ("needs a decision on whether to trade latency for consistency")


def test_answer_without_envelope() -> None:
    env = parse_envelope(_answer("no_envelope.md"))
    assert env == Envelope()
    assert not env.found


@pytest.mark.parametrize(
    "line",
    [
        "**Confidence**: High",
        "**Confidence:** high",
        "__Confidence__: HIGH",
        "- **Confidence**: high",
        "* Confidence: high",
        "Confidence : high",
        "  confidence:    high  ",
        "### Confidence: High",
        "**Confidence** — High",
        "1. **Confidence**: high",
    ],
)
def test_label_variants(line: str) -> None:
    env = parse_envelope(f"Some answer.\n\n{line}\n")
    assert (env.confidence_label, env.confidence_value) == ("high", 0.85)


@pytest.mark.parametrize(
    "line",
    [
        "Confidence is high that this works.",
        "The confidence: high line is quoted here",
        "**Confidence** high",
    ],
)
def test_prose_is_not_a_label(line: str) -> None:
    assert parse_envelope(line).confidence is None


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("High", "high", 0.85),
        ("medium", "medium", 0.6),
        ("Moderate", "medium", 0.6),
        ("low", "low", 0.3),
        ("medium-high", "medium-high", 0.75),
        ("Medium to high", "medium-high", 0.75),
        ("low-medium", "medium-low", 0.45),
        ("Very high", "very high", 0.95),
        ("very low", "very low", 0.15),
        ("0.72", "medium", 0.72),
        (".9", "high", 0.9),
        ("72%", "medium", 0.72),
        ("85", "high", 0.85),
        ("7/10", "medium", 0.7),
        ("High (0.8)", "high", 0.8),
        ("Medium — 2 of the 3 findings need a runtime check", "medium", 0.6),
        ("**High**\nbut see below: 10%", "high", 0.85),
        ("unsure", None, None),
        ("250", None, None),
    ],
)
def test_confidence_mapping(text: str, label: str | None, value: float | None) -> None:
    got_label, got_value = confidence_value(text)
    assert got_label == label
    if value is None:
        assert got_value is None
    else:
        assert got_value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "gate", "reason"),
    [
        ("yes", True, None),
        ("Yes — architectural decision", True, "architectural decision"),
        ("YES - partition strategy", True, "partition strategy"),
        ("**Yes**: clustering", True, "clustering"),
        ("no", False, None),
        ("No — local change", False, "local change"),
        ("Not required", False, None),
        ("None", False, None),
        ("N/A", False, None),
        ("Required (distributed Erlang choice)", True, "distributed Erlang choice"),
        ("maybe, ask the team", None, "maybe, ask the team"),
    ],
)
def test_human_gate_values(text: str, gate: bool | None, reason: str | None) -> None:
    assert human_gate_value(text) == (gate, reason)


def test_first_occurrence_in_the_envelope_wins_and_result_spans_lines() -> None:
    text = (
        "**Result**:\n"
        "First line.\n\n"
        "## Details inside the result\n"
        "Verification: this line belongs to the result\n\n"
        "**Confidence**: low\n"
        "**Human Gate Required**: no\n"
    )
    env = parse_envelope(text)
    assert env.result is not None
    assert env.result.startswith("First line.")
    assert "this line belongs to the result" in env.result
    assert env.verification is None
    assert env.confidence_value == 0.3
    assert env.human_gate is False
