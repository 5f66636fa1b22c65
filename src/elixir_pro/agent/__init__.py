"""The agent definition: typed model, loading and validation, discovery, prompt composition,
output-envelope and audit-finding parsing, and escalation.

Public API (used by the LLM backends, conversation sessions, the CLI and the TUI)::

    load_agent(path) -> AgentDefinition
    discover_agents(project_root) -> list[AgentSource]
    resolve_agent(project_root, name=None) -> AgentDefinition
    compose_system_prompt(agent, cognitive_mode, tool_mode, role) -> str
    parse_envelope(answer_text) -> Envelope
    assess_escalation(agent, request_text, answer_text, envelope=None) -> Escalation
    parse_audit_findings(answer_text, project_root=None) -> list[Finding]
"""

from __future__ import annotations

from elixir_pro.agent.audit_parse import parse_audit_findings
from elixir_pro.agent.discovery import DEFAULT_AGENT, AgentSource, discover_agents, resolve_agent
from elixir_pro.agent.envelope import Envelope, parse_envelope
from elixir_pro.agent.escalation import Escalation, assess_escalation
from elixir_pro.agent.model import (
    KNOWN_TOOLS,
    AgentDefinition,
    CognitiveModes,
    EnsembleRoles,
    EscalationPolicy,
    Identity,
    InstructionItem,
    Instructions,
    ModeSpec,
    OutputFormat,
    ToolsSpec,
)
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.agent.parse import load_agent
from elixir_pro.agent.prompt import compose_system_prompt

__all__ = [
    "DEFAULT_AGENT",
    "KNOWN_TOOLS",
    "AgentDefinition",
    "AgentSource",
    "CognitiveMode",
    "CognitiveModes",
    "EnsembleRole",
    "EnsembleRoles",
    "Envelope",
    "Escalation",
    "EscalationPolicy",
    "Identity",
    "InstructionItem",
    "Instructions",
    "ModeSpec",
    "OutputFormat",
    "ToolMode",
    "ToolsSpec",
    "assess_escalation",
    "compose_system_prompt",
    "discover_agents",
    "load_agent",
    "parse_audit_findings",
    "parse_envelope",
    "resolve_agent",
]
