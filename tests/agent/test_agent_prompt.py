"""Prompt composition for every (cognitive mode, tool mode, ensemble role) of the real agent,
and for a plain Claude Code agent."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from elixir_pro.agent import (
    AgentDefinition,
    CognitiveMode,
    EnsembleRole,
    ToolMode,
    compose_system_prompt,
    load_agent,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "agent"
REAL = Path(__file__).resolve().parent.parent.parent / "agents" / "elixir-pro.md"
COMBINATIONS = list(itertools.product(CognitiveMode, ToolMode, EnsembleRole))


@pytest.fixture(scope="module")
def agent() -> AgentDefinition:
    return load_agent(REAL)


@pytest.mark.parametrize(
    ("mode", "tools", "role"),
    COMBINATIONS,
    ids=[f"{m.value}-{t.value}-{r.value}" for m, t, r in COMBINATIONS],
)
def test_every_combination(
    agent: AgentDefinition, mode: CognitiveMode, tools: ToolMode, role: EnsembleRole
) -> None:
    prompt = compose_system_prompt(agent, mode, tools, role)

    # identity, always and never are in every prompt
    assert agent.identity.text in prompt
    assert agent.identity.lens in prompt
    assert ", ".join(agent.identity.vocabulary) in prompt
    for item in agent.instructions.always:
        assert item.render() in prompt
    for never in agent.never:
        assert f"- {never}" in prompt

    # this mode's instructions and spec, and none of the other modes'
    for item in agent.instructions.for_mode(mode):
        assert item.render() in prompt
    spec = agent.cognitive_modes.get(mode)
    assert spec.mindset in prompt and spec.output in prompt and spec.risk_profile in prompt
    for other in CognitiveMode:
        if other is mode:
            continue
        for item in agent.instructions.for_mode(other):
            assert item.text not in prompt, (other, item.text)
        assert f"When {other.value.title()}" not in prompt
        assert agent.cognitive_modes.get(other).mindset not in prompt
    assert f"## When {mode.value.title()}" in prompt

    # the role's behaviour only
    assert agent.ensemble_roles.behavior(role) in prompt
    for other_role in EnsembleRole:
        if other_role is not role:
            assert agent.ensemble_roles.behavior(other_role) not in prompt

    # the tools of this tool mode, exactly
    allowed = agent.tools.for_mode(tools)
    assert f"Tools allowed: {', '.join(allowed)}. Use no other tools." in prompt
    tools_line = next(line for line in prompt.splitlines() if line.startswith("Tool mode:"))
    for name in ("Write", "Edit", "WebSearch", "WebFetch"):
        assert (name in tools_line) == (name in allowed)

    # output formats: the envelope always, audit/solution formats only in their tool mode
    assert agent.output_format.envelope in prompt
    assert (agent.output_format.audit in prompt) == (tools is ToolMode.AUDIT)
    assert ("## OTP Analysis" in prompt) == (tools is ToolMode.AUDIT)
    assert (agent.output_format.solution in prompt) == (tools is ToolMode.SOLUTION)
    assert ("## Production Readiness" in prompt) == (tools is ToolMode.SOLUTION)

    # escalation rules
    assert "below 0.6" in prompt
    for trigger in agent.escalation.triggers:
        assert f"- {trigger}" in prompt

    # deterministic
    assert compose_system_prompt(agent, mode, tools, role) == prompt


def test_critical_audit_has_observer_and_no_generative(agent: AgentDefinition) -> None:
    prompt = compose_system_prompt(agent, CognitiveMode.CRITICAL, ToolMode.AUDIT, EnsembleRole.SOLO)
    assert ":observer and :fprof" in prompt
    assert "### [CRITICAL] {Finding Title}" in prompt
    assert "GenStage for backpressure" not in prompt
    assert "read-only" in prompt


def test_solution_mode_says_edits_are_staged(agent: AgentDefinition) -> None:
    prompt = compose_system_prompt(
        agent, CognitiveMode.GENERATIVE, ToolMode.SOLUTION, EnsembleRole.SOLO
    )
    assert "staged for the user's review" in prompt
    research = compose_system_prompt(
        agent, CognitiveMode.GENERATIVE, ToolMode.RESEARCH, EnsembleRole.SOLO
    )
    assert "use the web" in research


def test_free_form_agent_prompt_carries_body_in_every_mode() -> None:
    plain = load_agent(FIXTURES / "code-reviewer.md")
    for mode in CognitiveMode:
        prompt = compose_system_prompt(plain, mode, ToolMode.AUDIT, EnsembleRole.SOLO)
        assert "You are a careful senior reviewer." in prompt
        assert "- bugs first, then readability, then missing tests" in prompt
        assert "Tools allowed: Read, Grep, Glob." in prompt
        assert f"Cognitive mode: {mode.value}." in prompt
        assert "**Confidence**: high | medium | low" in prompt  # default envelope
        assert "## Summary" not in prompt


def test_partial_agent_uses_builtin_role_and_mode_text() -> None:
    partial = load_agent(FIXTURES / "partial.md")
    prompt = compose_system_prompt(
        partial, CognitiveMode.GENERATIVE, ToolMode.RESEARCH, EnsembleRole.DECISION_MAKER
    )
    assert "Look for unsupervised processes" not in prompt
    assert "Name the file and line of every claim" in prompt
    assert "decide" in prompt
    assert "below 0.75" in prompt
    assert "- Hot code upgrade of a running release" in prompt
    assert "Extra knowledge kept as written." in prompt
