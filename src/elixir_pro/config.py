"""Settings: ``config.yaml`` in the user config dir, overridden by ``.elixir-pro.yaml`` at the
project root. Parsed into typed, frozen sections; an unknown key or a wrongly typed value is one
:class:`~elixir_pro.errors.UserError` line naming the file, the line and the field.

Used by the engine (rule switches and severities), the tools (secrets, Bash), the backends
(model, tool rounds, prices), the watcher (debounce, review on save) and verify after apply.

Example ``.elixir-pro.yaml``::

    rules:
      disable: [genserver-call-infinity]
      enable: [missing-impl]          # strict rules to run (or `strict: true` for all)
      severity: {n-plus-one: critical}
      paths: {n-plus-one: ["lib/**"]}  # narrow one rule to these files
    paths: {include: ["test/support/**"], exclude: ["lib/legacy/**"]}
    audit: {baseline: .elixir-pro-baseline.json, min_confidence: medium}
    watch: {review: on-save, debounce_ms: 200, compile: true}
    verify: {format: true, compile: true, test_stale: true}
    precheck: {compile: true, format: true, timeout_s: 120}
    llm: {model: opus, max_tool_rounds: 20, idle_timeout_s: 90}
    tools: {allow_secrets: [".env.example"], bash_timeout: 60, allow_bash: ["mix test *"]}
    mcp_servers:                      # MCP servers whose tools Claude may use (docs/protocols.md)
      tidewave: {url: "http://localhost:4000/tidewave/mcp", allow: [get_docs]}
      notes: {command: notes-mcp, args: [--stdio], env: {NOTES_DIR: notes}, timeout: 10}
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from elixir_pro.engine.findings import Confidence, Severity
from elixir_pro.engine.scope import ScopePolicy
from elixir_pro.errors import UserError
from elixir_pro.paths import config_dir

PROJECT_FILE = ".elixir-pro.yaml"
USER_FILE = "config.yaml"
REVIEW_SETTINGS = ("off", "on-save", "manual")


@dataclass(frozen=True, slots=True)
class Price:
    """US dollars per million tokens."""

    input: float
    output: float
    cache_write: float
    cache_read: float


DEFAULT_PRICES: dict[str, Price] = {
    "claude-opus": Price(15.0, 75.0, 18.75, 1.5),
    "claude-sonnet": Price(3.0, 15.0, 3.75, 0.3),
    "claude-haiku": Price(1.0, 5.0, 1.25, 0.1),
}


@dataclass(frozen=True, slots=True)
class RulesConfig:
    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    enable: frozenset[str] = frozenset()
    strict: bool = False
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PathsConfig:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditConfig:
    baseline: str = ".elixir-pro-baseline.json"
    min_confidence: str = Confidence.MEDIUM.value


@dataclass(frozen=True, slots=True)
class WatchConfig:
    review: str = "manual"
    debounce_ms: int = 50
    min_review_interval_s: float = 30.0
    compile: bool = True  # compiler diagnostics on save, through the warm Mix companion
    compile_timeout_s: float = 120.0


@dataclass(frozen=True, slots=True)
class VerifyConfig:
    format: bool = True
    compile: bool = True
    test_stale: bool = True


@dataclass(frozen=True, slots=True)
class PrecheckConfig:
    """The check before apply: the review's proposed tree compiled in a shadow build and
    format-checked (``compiler.precheck``)."""

    compile: bool = True
    format: bool = True
    timeout_s: float = 120.0


@dataclass(frozen=True, slots=True)
class LlmConfig:
    model: str | None = None
    max_tool_rounds: int = 25
    max_tokens: int = 8192
    connect_timeout_s: float = 10.0
    idle_timeout_s: float = 90.0  # no byte from the API for this long: the attempt failed
    retry_budget_s: float = 300.0  # retries stop once a request has taken this long in all
    instructions_budget_tokens: int = 8000  # AGENTS.md, CLAUDE.md, usage rules (0: none)
    context_window_tokens: int = 0  # 0: the model's, from models.list (else a table)
    compact_at: float = 0.8  # compact a pane when its context fills this share (0: never)
    compact_keep_turns: int = 2  # the most recent turns kept word for word when compacting
    prices: dict[str, Price] = field(default_factory=lambda: dict(DEFAULT_PRICES))

    def price_for(self, model_id: str) -> Price | None:
        """The longest price-table prefix matching the model id."""
        matches = [key for key in self.prices if model_id.startswith(key)]
        return self.prices[max(matches, key=len)] if matches else None


@dataclass(frozen=True, slots=True)
class ToolsConfig:
    allow_secrets: tuple[str, ...] = ()
    bash_timeout: float = 120.0
    allow_bash: tuple[str, ...] = ()
    bash_network: bool = False  # Bash commands get the network from the start of a session


@dataclass(frozen=True, slots=True)
class McpServerConfig:
    """One MCP server: a stdio ``command`` (with ``args``, ``env``) or a streamable-HTTP ``url``
    (with ``headers``). ``allow`` names tools that run without asking although not annotated
    read-only; ``timeout`` bounds connecting and each call, in seconds."""

    name: str
    command: str = ""
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class Config:
    rules: RulesConfig = field(default_factory=RulesConfig)
    watch: WatchConfig = field(default_factory=WatchConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    precheck: PrecheckConfig = field(default_factory=PrecheckConfig)
    llm: LlmConfig = field(default_factory=LlmConfig)
    tools: ToolsConfig = field(default_factory=ToolsConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    audit: AuditConfig = field(default_factory=AuditConfig)
    mcp_servers: tuple[McpServerConfig, ...] = ()
    sources: tuple[str, ...] = ()

    def policy(self, *, include_tests: bool = False, strict: bool = False) -> ScopePolicy:
        """The scope policy these settings describe (``engine/scope.py``)."""
        return ScopePolicy(
            include=self.paths.include,
            exclude=self.paths.exclude,
            rule_paths=self.rules.paths,
            include_tests=include_tests,
            strict=strict or self.rules.strict,
            enable=self.rules.enable,
        )

    @property
    def min_confidence(self) -> Confidence:
        return Confidence(self.audit.min_confidence)


class _Reader:
    """Turns a composed YAML node into plain values, keeping marks for error lines."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, dotted: str, message: str) -> UserError:
        line = node.start_mark.line + 1 if node is not None else None
        return UserError(message, path=self.path, line=line, field=dotted or None)

    def mapping(self, node: yaml.Node, dotted: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, dotted, f"expected a mapping, got {_kind(node)}")
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            out[str(key_node.value)] = value_node
        return out

    def scalar(self, node: yaml.Node, dotted: str, kind: type) -> Any:
        value: Any = (
            yaml.safe_load(yaml.serialize(node)) if isinstance(node, yaml.ScalarNode) else None
        )
        if not isinstance(node, yaml.ScalarNode) or (kind is str and not isinstance(value, str)):
            raise self.fail(node, dotted, f"expected {_KIND_NAMES[kind]}, got {_kind(node, value)}")
        if kind is bool and not isinstance(value, bool):
            raise self.fail(node, dotted, f"expected true or false, got {value!r}")
        if kind in (int, float) and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise self.fail(node, dotted, f"expected a number, got {value!r}")
        if kind is int and not isinstance(value, int):
            raise self.fail(node, dotted, f"expected a whole number, got {value!r}")
        return float(value) if kind is float else value

    def str_list(self, node: yaml.Node, dotted: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, dotted, f"expected a list of text, got {_kind(node)}")
        return tuple(self.scalar(item, f"{dotted}[{i}]", str) for i, item in enumerate(node.value))


_KIND_NAMES: dict[type, str] = {
    str: "text",
    bool: "true or false",
    int: "a number",
    float: "a number",
}


def _kind(node: yaml.Node, value: Any = None) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"{type(value).__name__} {value!r}" if value is not None else "nothing"


def _section(reader: _Reader, node: yaml.Node, name: str, current: Any) -> Any:
    """Overlay a flat section (scalars and string lists) onto the dataclass ``current``."""
    allowed = {f.name: f for f in fields(current)}
    changes: dict[str, Any] = {}
    for key, value_node in reader.mapping(node, name).items():
        dotted = f"{name}.{key}"
        if key not in allowed:
            raise reader.fail(value_node, dotted, f"unknown setting (known: {', '.join(allowed)})")
        default = getattr(current, key)
        if isinstance(default, tuple):
            changes[key] = reader.str_list(value_node, dotted)
        elif isinstance(default, bool):
            changes[key] = reader.scalar(value_node, dotted, bool)
        elif isinstance(default, int | float):
            changes[key] = reader.scalar(value_node, dotted, type(default))
        else:
            changes[key] = reader.scalar(value_node, dotted, str)
    return replace(current, **changes)


def _rules(reader: _Reader, node: yaml.Node, current: RulesConfig) -> RulesConfig:
    disable, severity = set(current.disable), dict(current.severity)
    enable, strict, paths = set(current.enable), current.strict, dict(current.paths)
    for key, value_node in reader.mapping(node, "rules").items():
        if key == "disable":
            disable |= set(reader.str_list(value_node, "rules.disable"))
        elif key == "enable":
            enable |= set(reader.str_list(value_node, "rules.enable"))
        elif key == "strict":
            strict = reader.scalar(value_node, "rules.strict", bool)
        elif key == "paths":
            for rule, globs in reader.mapping(value_node, "rules.paths").items():
                paths[rule] = reader.str_list(globs, f"rules.paths.{rule}")
        elif key == "severity":
            for rule, sev_node in reader.mapping(value_node, "rules.severity").items():
                text = reader.scalar(sev_node, f"rules.severity.{rule}", str)
                try:
                    severity[rule] = Severity(text.lower())
                except ValueError:
                    choices = ", ".join(s.value for s in Severity)
                    raise reader.fail(
                        sev_node, f"rules.severity.{rule}", f"expected one of {choices}"
                    ) from None
        else:
            raise reader.fail(
                value_node,
                f"rules.{key}",
                "unknown setting (known: disable, enable, strict, severity, paths)",
            )
    return RulesConfig(frozenset(disable), severity, frozenset(enable), strict, paths)


def _llm(reader: _Reader, node: yaml.Node, current: LlmConfig) -> LlmConfig:
    mapping = reader.mapping(node, "llm")
    prices_node = mapping.pop("prices", None)
    flat = yaml.MappingNode(
        "tag:yaml.org,2002:map",
        [(yaml.ScalarNode("tag:yaml.org,2002:str", k), v) for k, v in mapping.items()],
    )
    updated: LlmConfig = _section(reader, flat, "llm", replace(current, model=current.model or ""))
    updated = replace(updated, model=updated.model or None)
    if prices_node is None:
        return updated
    prices = dict(updated.prices)
    for prefix, price_node in reader.mapping(prices_node, "llm.prices").items():
        base = prices.get(prefix, Price(0.0, 0.0, 0.0, 0.0))
        prices[prefix] = _section(reader, price_node, f"llm.prices.{prefix}", base)
    return replace(updated, prices=prices)


def _mcp_servers(
    reader: _Reader, node: yaml.Node, current: tuple[McpServerConfig, ...]
) -> tuple[McpServerConfig, ...]:
    """``mcp_servers: {NAME: {...}}``; a project's server replaces the user's of that name."""
    servers = {s.name: s for s in current}
    for name, server_node in reader.mapping(node, "mcp_servers").items():
        dotted = f"mcp_servers.{name}"
        if not name.replace("-", "").replace("_", "").isalnum() or not name.isascii():
            raise reader.fail(
                server_node, dotted, "a server name holds only letters, digits, - and _"
            )
        maps = {}
        flat = []
        for key, value in reader.mapping(server_node, dotted).items():
            if key == "name":
                raise reader.fail(value, f"{dotted}.name", "the name is the key above it")
            if key in ("env", "headers"):
                items = reader.mapping(value, f"{dotted}.{key}").items()
                maps[key] = {k: reader.scalar(v, f"{dotted}.{key}.{k}", str) for k, v in items}
            else:
                flat.append((yaml.ScalarNode("tag:yaml.org,2002:str", key), value))
        flat_node = yaml.MappingNode("tag:yaml.org,2002:map", flat)
        server = _section(reader, flat_node, dotted, McpServerConfig(name))
        server = replace(server, **maps)
        if bool(server.command) == bool(server.url):
            raise reader.fail(server_node, dotted, "give either command (stdio) or url (HTTP)")
        if server.url and not server.url.startswith(("http://", "https://")):
            raise reader.fail(server_node, f"{dotted}.url", "expected an http:// or https:// URL")
        if server.timeout <= 0:
            raise reader.fail(server_node, f"{dotted}.timeout", "expected a positive number")
        servers[name] = server
    return tuple(servers.values())


def _apply_file(config: Config, path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", path=path) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", path=path) from None
    reader = _Reader(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise UserError(f"invalid YAML: {exc.problem or exc}", path=path, line=line) from None
    if root is None:
        return config
    sections = reader.mapping(root, "")
    for key, node in sections.items():
        if key == "rules":
            config = replace(config, rules=_rules(reader, node, config.rules))
        elif key == "llm":
            config = replace(config, llm=_llm(reader, node, config.llm))
        elif key in ("watch", "verify", "precheck", "tools", "paths", "audit"):
            config = replace(config, **{key: _section(reader, node, key, getattr(config, key))})
        elif key == "mcp_servers":
            config = replace(config, mcp_servers=_mcp_servers(reader, node, config.mcp_servers))
        else:
            known = "rules, paths, audit, watch, verify, precheck, llm, tools, mcp_servers"
            raise reader.fail(node, key, f"unknown section (known: {known})")
    confidences = tuple(c.value for c in Confidence)
    if config.audit.min_confidence not in confidences:
        raise UserError(
            f"expected one of {', '.join(confidences)}", path=path, field="audit.min_confidence"
        )
    if config.watch.review not in REVIEW_SETTINGS:
        raise UserError(
            f"expected one of {', '.join(REVIEW_SETTINGS)}", path=path, field="watch.review"
        )
    if not 0 <= config.llm.compact_at < 1:
        raise UserError(
            "expected a share from 0 (never) to below 1", path=path, field="llm.compact_at"
        )
    if config.precheck.timeout_s <= 0:
        raise UserError("expected a positive number", path=path, field="precheck.timeout_s")
    return replace(config, sources=(*config.sources, str(path)))


def load_config(project_root: Path | None = None) -> Config:
    """User config, then the project's ``.elixir-pro.yaml`` on top; ``ELIXIR_PRO_MODEL``
    overrides ``llm.model``. Missing files are fine; bad ones raise UserError."""
    config = Config()
    candidates = [config_dir() / USER_FILE]
    if project_root is not None:
        candidates.append(project_root / PROJECT_FILE)
    for path in candidates:
        if path.is_file():
            config = _apply_file(config, path)
    model = os.environ.get("ELIXIR_PRO_MODEL")
    if model:
        config = replace(config, llm=replace(config.llm, model=model))
    return config
