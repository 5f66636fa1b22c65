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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from elixir_pro.agent.audit_parse import parse_audit_findings
    from elixir_pro.agent.discovery import (
        DEFAULT_AGENT,
        AgentSource,
        discover_agents,
        resolve_agent,
    )
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

# Loaded on first use (PEP 562), so importing a light module such as ``elixir_pro.agent.modes``
# does not load the parser, YAML and the prompt texts: the TUI's start-up depends on it.
_LAZY: dict[str, str] = {
    "AgentDefinition": "elixir_pro.agent.model",
    "AgentSource": "elixir_pro.agent.discovery",
    "CognitiveMode": "elixir_pro.agent.modes",
    "CognitiveModes": "elixir_pro.agent.model",
    "DEFAULT_AGENT": "elixir_pro.agent.discovery",
    "EnsembleRole": "elixir_pro.agent.modes",
    "EnsembleRoles": "elixir_pro.agent.model",
    "Envelope": "elixir_pro.agent.envelope",
    "Escalation": "elixir_pro.agent.escalation",
    "EscalationPolicy": "elixir_pro.agent.model",
    "Identity": "elixir_pro.agent.model",
    "InstructionItem": "elixir_pro.agent.model",
    "Instructions": "elixir_pro.agent.model",
    "KNOWN_TOOLS": "elixir_pro.agent.model",
    "ModeSpec": "elixir_pro.agent.model",
    "OutputFormat": "elixir_pro.agent.model",
    "ToolMode": "elixir_pro.agent.modes",
    "ToolsSpec": "elixir_pro.agent.model",
    "assess_escalation": "elixir_pro.agent.escalation",
    "compose_system_prompt": "elixir_pro.agent.prompt",
    "discover_agents": "elixir_pro.agent.discovery",
    "load_agent": "elixir_pro.agent.parse",
    "parse_audit_findings": "elixir_pro.agent.audit_parse",
    "parse_envelope": "elixir_pro.agent.envelope",
    "resolve_agent": "elixir_pro.agent.discovery",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
