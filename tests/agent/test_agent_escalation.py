"""Escalation: confidence below the threshold, an explicit human gate, and trigger matching
(hits and near misses) with the real elixir-pro triggers."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.agent import AgentDefinition, load_agent
from elixir_pro.agent.envelope import Envelope, parse_envelope
from elixir_pro.agent.escalation import assess_escalation, trigger_matches, trigger_terms

REAL = Path(__file__).resolve().parent.parent.parent / "agents" / "elixir-pro.md"
ANSWERS = Path(__file__).resolve().parent.parent / "fixtures" / "agent" / "answers"


@pytest.fixture(scope="module")
def agent() -> AgentDefinition:
    return load_agent(REAL)


def _trigger(agent: AgentDefinition, start: str) -> str:
    return next(t for t in agent.escalation.triggers if t.startswith(start))


def test_confident_routine_answer_does_not_escalate(agent: AgentDefinition) -> None:
    answer = (ANSWERS / "audit_canonical.md").read_text()
    result = assess_escalation(agent, "review lib/ for OTP mistakes", answer)
    assert not result
    assert result.reasons == ()


def test_low_confidence_escalates(agent: AgentDefinition) -> None:
    answer = (ANSWERS / "envelope_low_percent_words.md").read_text()
    result = assess_escalation(agent, "why does the cache crash?", answer)
    assert result.escalated
    assert result.reasons[0] == "confidence low (0.35) is below the threshold 0.6"
    assert result.reasons[1] == (
        "Human Gate Required: yes: needs a decision on whether to trade latency for consistency"
    )
    assert result.escalate_to == "human"


def test_confidence_at_threshold_does_not_escalate(agent: AgentDefinition) -> None:
    env = Envelope(confidence="medium", confidence_label="medium", confidence_value=0.6)
    assert not assess_escalation(agent, "add a function", "Done.", env)
    below = Envelope(confidence="0.59", confidence_label="medium", confidence_value=0.59)
    assert assess_escalation(agent, "add a function", "Done.", below).escalated


def test_human_gate_yes_escalates_even_when_confident(agent: AgentDefinition) -> None:
    answer = (ANSWERS / "envelope_headings.md").read_text()
    env = parse_envelope(answer)
    result = assess_escalation(agent, "should we run one node?", answer, env)
    assert any(
        r.startswith("Human Gate Required: yes: choosing not to cluster") for r in result.reasons
    )
    assert not any(r.startswith("confidence") for r in result.reasons)


REQUEST_HITS = [
    ("Which restart strategy should my supervisor use?", "Supervision strategy"),
    (
        "Should we use distributed Erlang clustering for our nodes, and how do we partition?",
        "Human gate: architectural",
    ),
    ("My LiveView state gets out of sync between tabs, how to synchronize?", "Phoenix LiveView"),
    (
        "Performance is bad; we need profiling and optimization of the hot loop",
        "Performance issues",
    ),
    (
        "The OpenSpec contract is unclear about failure recovery requirements",
        "OpenSpec contract ambiguity",
    ),
    (
        "TaskMaster wants a decomposition of this into a multi-agent breakdown",
        "TaskMaster decomposition",
    ),
]


@pytest.mark.parametrize(("request_text", "trigger_start"), REQUEST_HITS)
def test_trigger_hits_in_request(
    agent: AgentDefinition, request_text: str, trigger_start: str
) -> None:
    result = assess_escalation(agent, request_text, "Here is my answer.")
    assert _trigger(agent, trigger_start) in result.matched_triggers
    assert f"trigger: {_trigger(agent, trigger_start)}" in result.reasons


NEAR_MISSES = [
    "Restart the server please",
    "Fix the typo in lib/app.ex",
    "Write a GenServer that caches users",
    "Review the supervision tree in lib/",
    "Add a LiveView page that shows the state",
    "What are Elixir best practices on the BEAM?",
    "Our fault tolerance story for the distributed cache",
    "Profile this function",
    "How do I handle network partitions between nodes?",
    "Explain the OpenSpec contract for this module",
]


@pytest.mark.parametrize("request_text", NEAR_MISSES)
def test_trigger_near_misses(agent: AgentDefinition, request_text: str) -> None:
    result = assess_escalation(agent, request_text, "Here is my answer.")
    assert result.matched_triggers == ()
    assert not result


def test_answer_sentence_matches_only_when_it_names_the_situation(
    agent: AgentDefinition,
) -> None:
    routine = "The supervisor uses a one_for_one restart strategy. That is fine here."
    assert not assess_escalation(agent, "review lib/", routine)
    naming = "This supervision strategy has complex restart semantics across the three children."
    result = assess_escalation(agent, "review lib/", naming)
    assert result.matched_triggers == (_trigger(agent, "Supervision strategy"),)
    negated = "There is no supervision strategy with complex restart semantics here."
    assert not assess_escalation(agent, "review lib/", negated)


def test_trigger_terms_drop_filler_and_stem() -> None:
    terms = trigger_terms("Phoenix LiveView state management with complex synchronization")
    assert terms == {"phoenix", "liveview", "stat", "manag", "synchroniz"}
    assert trigger_matches(
        "Phoenix LiveView state management with complex synchronization",
        "managing LiveView states and synchronizing them",
    )
    assert not trigger_matches("", "anything at all")


def test_reasons_are_single_lines(agent: AgentDefinition) -> None:
    env = Envelope(human_gate=True, human_gate_reason="line one\nline two")
    result = assess_escalation(agent, "x", "y", env)
    assert all("\n" not in r for r in result.reasons)


def test_openspec_triggers_fire_only_with_openspec_files(agent: AgentDefinition) -> None:
    request = "What restart intensity should my supervisor use?"
    answer = (
        "Choose max_restarts and max_seconds to match your failure recovery requirements. "
        "The supervision expectations of each child follow from those failure recovery "
        "requirements."
    )
    with_specs = assess_escalation(agent, request, answer)
    assert any("OpenSpec" in t for t in with_specs.matched_triggers)
    without = assess_escalation(agent, request, answer, openspec=False)
    assert not any("OpenSpec" in t for t in without.matched_triggers)
    assert not any("OpenSpec" in r for r in without.reasons)
