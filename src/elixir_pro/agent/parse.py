"""``load_agent``: an agent file's frontmatter validated into the typed model, with the body
handed to :mod:`elixir_pro.agent.sections`.

Both shapes load: the full elixir-pro shape (tools per tool mode, cognitive modes, ensemble
roles, escalation, ...) and a plain Claude Code agent (name, description, ``tools: Read,
Grep``, model; the body is a free prompt), which gets defaults documented in docs/agent.md.
Used by discovery, the CLI commands and tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml

from elixir_pro.agent import prompt_text, sections
from elixir_pro.agent.frontmatter import NodeReader, display_path, read_text, split_frontmatter
from elixir_pro.agent.model import (
    AUDIT_TOOLS,
    EDIT_TOOLS,
    KNOWN_TOOLS,
    WEB_TOOLS,
    AgentDefinition,
    CognitiveModes,
    EnsembleRoles,
    EscalationPolicy,
    ModeSpec,
    ToolsSpec,
)
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.errors import UserError

TOP_LEVEL_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "model",
    "tier",
    "tools",
    "cognitive_modes",
    "ensemble_roles",
    "escalation",
    "role",
    "load_bearing",
    "proactive_triggers",
    "version",
    "color",
)
DEFAULT_MODEL = "sonnet"
_MODE_FIELDS = ("mindset", "output", "risk_profile")
_ESCALATION_KEYS = ("confidence_threshold", "escalate_to", "triggers")
E = TypeVar("E", CognitiveMode, ToolMode, EnsembleRole)


def load_agent(path: Path) -> AgentDefinition:
    """Parse and validate one agent file. Raises UserError (one line) on any problem."""
    shown = display_path(path)
    split = split_frontmatter(read_text(path, shown), shown)
    reader = NodeReader(shown, split.frontmatter_line)
    root = reader.compose(split.frontmatter)
    if root is None:
        raise UserError(
            "the frontmatter is empty; it needs at least name and description",
            path=shown,
            line=split.frontmatter_line - 1,
        )
    keys = reader.mapping(root, "")
    for key, node in keys.items():
        if key not in TOP_LEVEL_KEYS:
            raise reader.fail(node, key, f"unknown key; allowed keys: {', '.join(TOP_LEVEL_KEYS)}")
    for required in ("name", "description"):
        if required not in keys:
            raise UserError(
                f"missing required key '{required}'", path=shown, line=reader.line(root)
            )

    name = reader.nonempty_text(keys["name"], "name")
    if len(name.split()) != 1:
        raise reader.fail(keys["name"], "name", "expected one word (letters, digits, '-')")
    description = reader.nonempty_text(keys["description"], "description")
    cognitive = _cognitive_modes(reader, keys.get("cognitive_modes"), description)
    body = sections.parse_body(split.body, split.body_line, shown, cognitive.default)
    return AgentDefinition(
        name=name,
        description=description,
        model=_model(reader, keys),
        tools=_tools(reader, keys.get("tools")),
        cognitive_modes=cognitive,
        ensemble_roles=_ensemble_roles(reader, keys.get("ensemble_roles")),
        escalation=_escalation(reader, keys.get("escalation")),
        source_path=path,
        tier=_optional_text(reader, keys, "tier"),
        role=_optional_text(reader, keys, "role"),
        load_bearing=(
            reader.boolean(keys["load_bearing"], "load_bearing")
            if "load_bearing" in keys
            else False
        ),
        proactive_triggers=(
            reader.text_list(keys["proactive_triggers"], "proactive_triggers")
            if "proactive_triggers" in keys
            else ()
        ),
        version=reader.version(keys["version"], "version") if "version" in keys else "",
        color=_optional_text(reader, keys, "color"),
        title=body.title,
        identity=body.identity,
        instructions=body.instructions,
        never=body.never,
        specializations=body.specializations,
        pipeline_integration=body.pipeline_integration,
        knowledge_sources=body.knowledge_sources,
        output_format=body.output_format,
        extra_sections=body.extra_sections,
        body=split.body,
        is_free_form=body.is_free_form,
    )


def _model(reader: NodeReader, keys: dict[str, yaml.Node]) -> str:
    """The model line or id; Claude Code's ``inherit`` (no parent here) means the default."""
    model = _optional_text(reader, keys, "model")
    return DEFAULT_MODEL if model in ("", "inherit") else model


def _optional_text(reader: NodeReader, keys: dict[str, yaml.Node], key: str) -> str:
    return reader.text(keys[key], key) if key in keys else ""


def _tool_names(reader: NodeReader, node: yaml.Node, dotted: str) -> tuple[str, ...]:
    out: list[str] = []
    for name, name_node in reader.names(node, dotted):
        if name not in KNOWN_TOOLS:
            raise reader.fail(
                name_node, dotted, f"unknown tool '{name}'; known tools: {', '.join(KNOWN_TOOLS)}"
            )
        if name not in out:
            out.append(name)
    return tuple(out)


def _derived_tools(all_tools: tuple[str, ...], default: ToolMode | None) -> ToolsSpec:
    audit = tuple(t for t in all_tools if t in AUDIT_TOOLS)
    research = tuple(t for t in all_tools if t in AUDIT_TOOLS or t in WEB_TOOLS)
    if default is None:
        if any(t in EDIT_TOOLS for t in all_tools):
            default = ToolMode.SOLUTION
        elif any(t in WEB_TOOLS for t in all_tools):
            default = ToolMode.RESEARCH
        else:
            default = ToolMode.AUDIT
    return ToolsSpec(audit=audit, solution=all_tools, research=research, default_mode=default)


def _tools(reader: NodeReader, node: yaml.Node | None) -> ToolsSpec:
    if node is None:  # Claude Code: no tools line means every tool
        return _derived_tools(KNOWN_TOOLS, None)
    if not isinstance(node, yaml.MappingNode):
        return _derived_tools(_tool_names(reader, node, "tools"), None)
    lists: dict[ToolMode, tuple[str, ...]] = {}
    default: ToolMode | None = None
    for key, value in reader.mapping(node, "tools").items():
        dotted = f"tools.{key}"
        if key == "default_mode":
            default = _choice(reader, value, dotted, ToolMode)
        elif key in ToolMode.__members__.values():
            lists[ToolMode(key)] = _tool_names(reader, value, dotted)
        else:
            allowed = ", ".join([*(m.value for m in ToolMode), "default_mode"])
            raise reader.fail(value, dotted, f"unknown tool mode; allowed: {allowed}")
    union: list[str] = []
    for names in lists.values():
        union.extend(n for n in names if n not in union)
    derived = _derived_tools(tuple(union), default)
    return ToolsSpec(
        audit=lists.get(ToolMode.AUDIT, derived.audit),
        solution=lists.get(ToolMode.SOLUTION, derived.solution),
        research=lists.get(ToolMode.RESEARCH, derived.research),
        default_mode=derived.default_mode,
    )


def _choice(reader: NodeReader, node: yaml.Node, dotted: str, kind: type[E]) -> E:
    text = reader.nonempty_text(node, dotted)
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise reader.fail(node, dotted, f"unknown name '{text}'; allowed: {allowed}") from None


def _cognitive_modes(
    reader: NodeReader, node: yaml.Node | None, description: str
) -> CognitiveModes:
    if node is None:  # Claude Code agent: one mode, its mindset is the agent's description
        mode = CognitiveMode.GENERATIVE
        _, output, risk = prompt_text.GENERIC_MODE_SPECS[mode.value]
        spec = ModeSpec(mindset=description, output=output, risk_profile=risk)
        return CognitiveModes(specs=((mode, spec),), default=mode)
    specs: list[tuple[CognitiveMode, ModeSpec]] = []
    default_node: yaml.Node | None = None
    for key, value in reader.mapping(node, "cognitive_modes").items():
        dotted = f"cognitive_modes.{key}"
        if key == "default":
            default_node = value
            continue
        if key not in CognitiveMode.__members__.values():
            allowed = ", ".join([*(m.value for m in CognitiveMode), "default"])
            raise reader.fail(value, dotted, f"unknown cognitive mode; allowed: {allowed}")
        fields = reader.mapping(value, dotted)
        for field_name, field_node in fields.items():
            if field_name not in _MODE_FIELDS:
                raise reader.fail(
                    field_node,
                    f"{dotted}.{field_name}",
                    f"unknown field; allowed: {', '.join(_MODE_FIELDS)}",
                )
        missing = [f for f in _MODE_FIELDS if f not in fields]
        if missing:
            raise reader.fail(value, f"{dotted}.{missing[0]}", "missing required field")
        texts = [reader.nonempty_text(fields[f], f"{dotted}.{f}") for f in _MODE_FIELDS]
        specs.append((CognitiveMode(key), ModeSpec(*texts)))
    if not specs:
        raise reader.fail(node, "cognitive_modes", "defines no cognitive mode")
    default = specs[0][0]
    if default_node is not None:
        default = _choice(reader, default_node, "cognitive_modes.default", CognitiveMode)
        if default not in (m for m, _ in specs):
            raise reader.fail(
                default_node, "cognitive_modes.default", f"mode '{default}' is not defined above"
            )
    return CognitiveModes(specs=tuple(specs), default=default)


def _ensemble_roles(reader: NodeReader, node: yaml.Node | None) -> EnsembleRoles:
    if node is None:
        return EnsembleRoles(behaviors=(), default=EnsembleRole.SOLO)
    behaviors: list[tuple[EnsembleRole, str]] = []
    default = EnsembleRole.SOLO
    for key, value in reader.mapping(node, "ensemble_roles").items():
        dotted = f"ensemble_roles.{key}"
        if key == "default":
            default = _choice(reader, value, dotted, EnsembleRole)
            continue
        if key not in EnsembleRole.__members__.values():
            allowed = ", ".join([*(r.value for r in EnsembleRole), "default"])
            raise reader.fail(value, dotted, f"unknown ensemble role; allowed: {allowed}")
        fields = reader.mapping(value, dotted)
        for field_name, field_node in fields.items():
            if field_name != "behavior":
                raise reader.fail(
                    field_node, f"{dotted}.{field_name}", "unknown field; allowed: behavior"
                )
        if "behavior" not in fields:
            raise reader.fail(value, f"{dotted}.behavior", "missing required field")
        text = reader.nonempty_text(fields["behavior"], f"{dotted}.behavior")
        behaviors.append((EnsembleRole(key), text))
    return EnsembleRoles(behaviors=tuple(behaviors), default=default)


def _escalation(reader: NodeReader, node: yaml.Node | None) -> EscalationPolicy:
    if node is None:
        return EscalationPolicy()
    base = EscalationPolicy()
    threshold, escalate_to, triggers = base.confidence_threshold, base.escalate_to, base.triggers
    for key, value in reader.mapping(node, "escalation").items():
        dotted = f"escalation.{key}"
        if key == "confidence_threshold":
            threshold = reader.number(value, dotted)
            if not 0.0 <= threshold <= 1.0:
                raise reader.fail(value, dotted, f"expected a number from 0 to 1, got {threshold}")
        elif key == "escalate_to":
            escalate_to = reader.nonempty_text(value, dotted)
        elif key == "triggers":
            triggers = reader.text_list(value, dotted)
        else:
            allowed = ", ".join(_ESCALATION_KEYS)
            raise reader.fail(value, dotted, f"unknown field; allowed: {allowed}")
    return EscalationPolicy(
        confidence_threshold=threshold, escalate_to=escalate_to, triggers=triggers
    )
