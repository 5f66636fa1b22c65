"""The typed agent definition: frozen dataclasses for every field of an agent file.

Built by :mod:`elixir_pro.agent.parse` (frontmatter) and :mod:`elixir_pro.agent.sections`
(markdown body); read by prompt composition, the LLM backends (model, tools per tool mode),
the conversation sessions (default modes, ensemble roles), escalation and the watcher
(proactive triggers). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from elixir_pro.agent import prompt_text
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode

KNOWN_TOOLS: tuple[str, ...] = (
    "Read",
    "Write",
    "Edit",
    "Grep",
    "Glob",
    "Bash",
    "WebSearch",
    "WebFetch",
)
AUDIT_TOOLS: frozenset[str] = frozenset({"Read", "Grep", "Glob", "Bash"})
"""Tools that never change a file (Bash always needs the user's approval)."""
WEB_TOOLS: frozenset[str] = frozenset({"WebSearch", "WebFetch"})
EDIT_TOOLS: frozenset[str] = frozenset({"Write", "Edit"})


@dataclass(frozen=True, slots=True)
class ModeSpec:
    """How the agent thinks in one cognitive mode."""

    mindset: str
    output: str
    risk_profile: str


@dataclass(frozen=True, slots=True)
class ToolsSpec:
    """The tools allowed in each tool mode, in the order the agent file lists them."""

    audit: tuple[str, ...]
    solution: tuple[str, ...]
    research: tuple[str, ...]
    default_mode: ToolMode

    def for_mode(self, mode: ToolMode) -> tuple[str, ...]:
        if mode is ToolMode.AUDIT:
            return self.audit
        if mode is ToolMode.SOLUTION:
            return self.solution
        return self.research

    @property
    def all_tools(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for name in (*self.audit, *self.solution, *self.research):
            seen.setdefault(name, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class CognitiveModes:
    """The modes the agent file defines. A mode it does not define gets the built-in
    generic spec for that mode (see :mod:`elixir_pro.agent.prompt_text`)."""

    specs: tuple[tuple[CognitiveMode, ModeSpec], ...]
    default: CognitiveMode

    @property
    def defined(self) -> tuple[CognitiveMode, ...]:
        return tuple(mode for mode, _ in self.specs)

    def is_defined(self, mode: CognitiveMode) -> bool:
        return any(m is mode for m, _ in self.specs)

    def get(self, mode: CognitiveMode) -> ModeSpec:
        for m, spec in self.specs:
            if m is mode:
                return spec
        mindset, output, risk = prompt_text.GENERIC_MODE_SPECS[mode.value]
        return ModeSpec(mindset=mindset, output=output, risk_profile=risk)


@dataclass(frozen=True, slots=True)
class EnsembleRoles:
    """The roles' behaviours the agent file defines; an undefined role gets a built-in one."""

    behaviors: tuple[tuple[EnsembleRole, str], ...]
    default: EnsembleRole

    @property
    def defined(self) -> tuple[EnsembleRole, ...]:
        return tuple(role for role, _ in self.behaviors)

    def behavior(self, role: EnsembleRole) -> str:
        for r, text in self.behaviors:
            if r is role:
                return text
        return prompt_text.GENERIC_ROLE_BEHAVIORS[role.value]


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """The agent file's ``escalation:`` block."""

    confidence_threshold: float = 0.6
    escalate_to: str = "human"
    triggers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InstructionItem:
    """One instruction as written; ``number`` is the file's own numbering (None for bullets
    or free text)."""

    number: int | None
    text: str

    def render(self) -> str:
        return f"{self.number}. {self.text}" if self.number is not None else f"- {self.text}"


@dataclass(frozen=True, slots=True)
class Instructions:
    """The Always list and the per-mode lists.

    ``fallback`` is set for free-form (Claude Code) agents: a mode without a list of its
    own uses the fallback mode's list, so the free prompt reaches every mode.
    """

    always: tuple[InstructionItem, ...] = ()
    by_mode: tuple[tuple[CognitiveMode, tuple[InstructionItem, ...]], ...] = ()
    fallback: CognitiveMode | None = None

    def own(self, mode: CognitiveMode) -> tuple[InstructionItem, ...] | None:
        for m, items in self.by_mode:
            if m is mode:
                return items
        return None

    def for_mode(self, mode: CognitiveMode) -> tuple[InstructionItem, ...]:
        items = self.own(mode)
        if items is not None:
            return items
        if self.fallback is not None and self.fallback is not mode:
            return self.own(self.fallback) or ()
        return ()


@dataclass(frozen=True, slots=True)
class Identity:
    text: str = ""
    lens: str = ""
    vocabulary: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Specialization:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A markdown section kept as written (title without the hashes, body text)."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """The fenced blocks of the Output Format section (empty when the file has none)."""

    envelope: str = ""
    audit: str = ""
    solution: str = ""


@dataclass(frozen=True, slots=True)
class AgentDefinition:
    """One agent file, fully parsed. ``is_free_form`` marks a plain Claude Code agent whose
    body is a free prompt rather than the structured sections."""

    name: str
    description: str
    model: str
    tools: ToolsSpec
    cognitive_modes: CognitiveModes
    ensemble_roles: EnsembleRoles
    escalation: EscalationPolicy
    source_path: Path
    tier: str = ""
    role: str = ""
    load_bearing: bool = False
    proactive_triggers: tuple[str, ...] = ()
    version: str = ""
    color: str = ""
    title: str = ""
    identity: Identity = field(default_factory=Identity)
    instructions: Instructions = field(default_factory=Instructions)
    never: tuple[str, ...] = ()
    specializations: tuple[Specialization, ...] = ()
    pipeline_integration: str = ""
    knowledge_sources: str = ""
    output_format: OutputFormat = field(default_factory=OutputFormat)
    extra_sections: tuple[Section, ...] = ()
    body: str = ""
    is_free_form: bool = False
