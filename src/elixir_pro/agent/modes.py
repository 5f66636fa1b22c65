"""The three axes a request is made on: cognitive mode, tool mode and ensemble role.

Used by the agent model, prompt composition, the LLM backends, the conversation sessions,
the CLI and the TUI.
"""

from __future__ import annotations

from enum import StrEnum


class CognitiveMode(StrEnum):
    GENERATIVE = "generative"
    CRITICAL = "critical"
    EVALUATIVE = "evaluative"
    INFORMATIVE = "informative"


class ToolMode(StrEnum):
    AUDIT = "audit"
    SOLUTION = "solution"
    RESEARCH = "research"


class EnsembleRole(StrEnum):
    SOLO = "solo"
    PANEL_MEMBER = "panel_member"
    AUDITOR = "auditor"
    INPUT_PROVIDER = "input_provider"
    DECISION_MAKER = "decision_maker"


COGNITIVE_MODES: tuple[CognitiveMode, ...] = tuple(CognitiveMode)
TOOL_MODES: tuple[ToolMode, ...] = tuple(ToolMode)
ENSEMBLE_ROLES: tuple[EnsembleRole, ...] = tuple(EnsembleRole)
