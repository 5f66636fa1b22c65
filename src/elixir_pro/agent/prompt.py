"""``compose_system_prompt``: the system prompt for one (cognitive mode, tool mode, ensemble
role), built from the agent definition and the fixed text in
:mod:`elixir_pro.agent.prompt_text`. Pure and deterministic: the same inputs give the same
string, byte for byte (which keeps Anthropic's prompt cache warm).

Order: opening and identity; this request (mode mindset/output/risk, role, tool mode and
allowed tools); Always instructions and this mode's instructions only; Never; knowledge
(specializations, pipeline integration, knowledge sources); escalation; output format (the
envelope always, the Audit Mode format in audit, the Solution Mode format in solution).
Used by the LLM backends, the ``prompt`` command and tests.
"""

from __future__ import annotations

from elixir_pro.agent import prompt_text as T
from elixir_pro.agent.model import AgentDefinition
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode


def _identity(agent: AgentDefinition) -> list[str]:
    opening = T.OPENING.format(name=agent.title or agent.name, description=agent.description)
    parts = [opening]
    identity = agent.identity
    if identity.text or identity.lens or identity.vocabulary:
        lines = [T.HEAD_IDENTITY]
        if identity.text:
            lines.append(identity.text)
        if identity.lens:
            lines.append(T.LENS.format(lens=identity.lens))
        if identity.vocabulary:
            lines.append(T.VOCABULARY.format(vocabulary=", ".join(identity.vocabulary)))
        parts.append("\n\n".join(lines))
    return parts


def _request(
    agent: AgentDefinition, mode: CognitiveMode, tool_mode: ToolMode, role: EnsembleRole
) -> str:
    spec = agent.cognitive_modes.get(mode)
    tools = agent.tools.for_mode(tool_mode)
    tool_lines = [T.TOOL_MODE.format(meaning=T.TOOL_MODE_MEANING[tool_mode.value])]
    tool_lines.append(T.TOOLS_ALLOWED.format(tools=", ".join(tools)) if tools else T.NO_TOOLS)
    if "Bash" in tools:
        tool_lines.append(T.BASH_NOTE)
    lines = [
        T.HEAD_REQUEST,
        T.COGNITIVE_MODE.format(mode=mode.value),
        T.MINDSET.format(text=spec.mindset),
        T.EXPECTED_OUTPUT.format(text=spec.output),
        T.RISK_PROFILE.format(text=spec.risk_profile),
        T.ENSEMBLE_ROLE.format(role=role.value, situation=T.ROLE_SITUATION[role.value]),
        T.ROLE_BEHAVIOR.format(text=agent.ensemble_roles.behavior(role)),
        " ".join(tool_lines),
    ]
    return "\n".join(lines)


def _instructions(agent: AgentDefinition, mode: CognitiveMode) -> str:
    lines = [T.HEAD_INSTRUCTIONS]
    always = agent.instructions.always
    if always:
        lines += ["", T.HEAD_ALWAYS, *(item.render() for item in always)]
    own = agent.instructions.for_mode(mode)
    if own:
        if agent.is_free_form:
            lines += ["", *(item.text for item in own)]
        else:
            title = T.HEAD_MODE_INSTRUCTIONS.format(title=mode.value.title())
            lines += ["", title, *(item.render() for item in own)]
    return "\n".join(lines) if len(lines) > 1 else ""


def _never(agent: AgentDefinition) -> str:
    if not agent.never:
        return ""
    return "\n".join([T.HEAD_NEVER, *(f"- {item}" for item in agent.never)])


def _knowledge(agent: AgentDefinition) -> str:
    blocks: list[str] = []
    if agent.specializations:
        lines = [T.HEAD_SPECIALIZATIONS]
        for spec in agent.specializations:
            if spec.title:
                lines.append(f"{spec.title}: {'; '.join(spec.items)}")
            else:
                lines.extend(f"- {item}" for item in spec.items)
        blocks.append("\n".join(lines))
    if agent.pipeline_integration:
        blocks.append(f"{T.HEAD_PIPELINE}\n{agent.pipeline_integration}")
    if agent.knowledge_sources:
        blocks.append(f"{T.HEAD_SOURCES}\n{agent.knowledge_sources}")
    for section in agent.extra_sections:
        blocks.append(f"## {section.title}\n{section.text}")
    return "\n\n".join([T.HEAD_KNOWLEDGE, *blocks]) if blocks else ""


def _escalation(agent: AgentDefinition) -> str:
    esc = agent.escalation
    lines = [
        T.HEAD_ESCALATION,
        T.ESCALATION_THRESHOLD.format(
            threshold=f"{esc.confidence_threshold:g}", escalate_to=esc.escalate_to
        ),
    ]
    if esc.triggers:
        lines.append(T.ESCALATION_TRIGGERS.format(escalate_to=esc.escalate_to))
        lines.extend(f"- {trigger}" for trigger in esc.triggers)
    lines.append(T.HUMAN_GATE.format(escalate_to=esc.escalate_to))
    return "\n".join(lines)


def _fenced(text: str) -> str:
    return f"{T.FENCE}\n{text}\n{T.FENCE}"


def _output(agent: AgentDefinition, tool_mode: ToolMode) -> str:
    formats = agent.output_format
    lines = [T.HEAD_OUTPUT]
    if tool_mode is ToolMode.AUDIT and formats.audit:
        lines += [T.AUDIT_INTRO, _fenced(formats.audit)]
    if tool_mode is ToolMode.SOLUTION and formats.solution:
        lines += [T.SOLUTION_INTRO, _fenced(formats.solution)]
    lines += [T.ENVELOPE_INTRO, _fenced(formats.envelope or T.DEFAULT_ENVELOPE)]
    return "\n".join(lines)


def compose_system_prompt(
    agent: AgentDefinition,
    cognitive_mode: CognitiveMode,
    tool_mode: ToolMode,
    role: EnsembleRole,
) -> str:
    """The system prompt for this agent in this cognitive mode, tool mode and role."""
    parts = [
        *_identity(agent),
        _request(agent, cognitive_mode, tool_mode, role),
        _instructions(agent, cognitive_mode),
        _never(agent),
        _knowledge(agent),
        _escalation(agent),
        _output(agent, tool_mode),
    ]
    return "\n\n".join(part for part in parts if part) + "\n"
