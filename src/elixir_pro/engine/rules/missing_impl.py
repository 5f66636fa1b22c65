"""Rule ``missing-impl``: a behaviour callback defined without ``@impl``."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, ModuleDef, arguments, text
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import Rule, register

Callbacks = frozenset[tuple[str, int]]

_GENSERVER: Callbacks = frozenset(
    {
        ("init", 1),
        ("handle_call", 3),
        ("handle_cast", 2),
        ("handle_info", 2),
        ("handle_continue", 2),
        ("terminate", 2),
        ("code_change", 3),
        ("format_status", 1),
        ("format_status", 2),
    }
)
_LIVE_VIEW: Callbacks = frozenset(
    {
        ("mount", 3),
        ("render", 1),
        ("handle_event", 3),
        ("handle_params", 3),
        ("handle_info", 2),
        ("handle_call", 3),
        ("handle_cast", 2),
        ("handle_async", 3),
        ("terminate", 2),
    }
)
_LIVE_COMPONENT: Callbacks = frozenset(
    {("mount", 1), ("update", 2), ("update_many", 1), ("render", 1), ("handle_event", 3)}
    | {("handle_async", 3)}
)
_CHANNEL: Callbacks = frozenset(
    {("join", 3), ("handle_in", 3), ("handle_out", 3), ("handle_info", 2), ("terminate", 2)}
)
#: Callbacks of well-known behaviours, by the module named in ``use`` / ``@behaviour``.
KNOWN: dict[str, Callbacks] = {
    "GenServer": _GENSERVER,
    ":gen_server": _GENSERVER,
    "Supervisor": frozenset({("init", 1)}),
    "DynamicSupervisor": frozenset({("init", 1)}),
    "Application": frozenset(
        {("start", 2), ("stop", 1), ("prep_stop", 1), ("config_change", 3), ("start_phase", 3)}
    ),
    "Phoenix.LiveView": _LIVE_VIEW,
    "Phoenix.LiveComponent": _LIVE_COMPONENT,
    "Phoenix.Channel": _CHANNEL,
    "Plug": frozenset({("init", 1), ("call", 2)}),
    "Oban.Worker": frozenset({("perform", 1), ("timeout", 1), ("backoff", 1)}),
    "Mix.Task": frozenset({("run", 1)}),
    "GenStage": _GENSERVER
    | {("handle_demand", 2), ("handle_events", 3), ("handle_subscribe", 4), ("handle_cancel", 3)},
}
#: ``use MyAppWeb, :live_view`` and friends (the Phoenix web-module convention).
WEB_KINDS: dict[str, str] = {
    ":live_view": "Phoenix.LiveView",
    ":live_component": "Phoenix.LiveComponent",
    ":channel": "Phoenix.Channel",
}


_USE_PREFIXES = (*(name.encode() for name in KNOWN if not name.startswith(":")), b"Phoenix.")
_WEB_KIND_BYTES = tuple(kind.encode() for kind in WEB_KINDS)


@register
class MissingImpl(Rule):
    id = "missing-impl"
    severity = Severity.LOW
    title = "Behaviour callback without @impl"
    strict = True  # a style check: the compiler already warns once a module uses @impl
    triggers = (b"use ", b"@behaviour")

    def applies(self, ctx: FileContext) -> bool:
        """Cheap byte test: a ``use`` of a known behaviour, or any ``@behaviour``."""
        source = ctx.source
        if b"@behaviour" in source:
            return True
        start = source.find(b"use ")
        while start >= 0:
            line_end = source.find(b"\n", start)
            line = source[start + 4 : line_end if line_end >= 0 else len(source)]
            if line.startswith(_USE_PREFIXES) or any(k in line for k in _WEB_KIND_BYTES):
                return True
            start = source.find(b"use ", start + 4)
        return False

    rationale = (
        "`@impl true` tells the compiler a function implements a behaviour callback, so a "
        "typo or a wrong arity becomes a compile warning instead of a callback that is "
        "silently never called. It also tells readers which functions OTP calls."
    )
    impact = (
        "A misspelt or mis-aritied callback compiles fine and is never called; the default "
        "implementation runs instead and the bug shows up only at runtime."
    )
    recommendation = (
        "Put `@impl true` (or `@impl BehaviourModule`) above the callback's first clause."
    )
    dirty_example = """\
use GenServer

def init(opts), do: {:ok, opts}
"""
    clean_example = """\
use GenServer

@impl true
def init(opts), do: {:ok, opts}
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for module in ctx.modules:
            callbacks = _callbacks(ctx, module)
            if not callbacks:
                continue
            names = {name for name, _ in callbacks}
            seen: set[tuple[str, int]] = set()
            for fn in module.functions:
                if fn.kind != "def" or fn.name not in names:
                    continue
                key = (fn.name, fn.arity)
                if key in seen:
                    continue
                seen.add(key)
                if key in callbacks and not _has_impl(fn.node):
                    yield self.finding_on_line(
                        ctx, fn.node, f"{fn.name}/{fn.arity} is a callback but has no @impl"
                    )


def _callbacks(ctx: FileContext, module: ModuleDef) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for used, node in module.uses:
        if used in KNOWN:
            out |= KNOWN[used]
        args = arguments(node)
        if len(args) >= 2 and text(args[1]) in WEB_KINDS:
            out |= KNOWN[WEB_KINDS[text(args[1])]]
    for name, _ in ctx.behaviours(module):
        out |= KNOWN.get(name) or ctx.project_callbacks.get(name, frozenset())
    return out


def _has_impl(def_node: Node) -> bool:
    """True when an ``@impl`` attribute sits among the attributes right above ``def_node``."""
    node = def_node.prev_named_sibling
    while node is not None:
        if node.type == "comment":
            node = node.prev_named_sibling
            continue
        if node.type != "unary_operator" or text(node.child_by_field_name("operator")) != "@":
            return False
        operand = node.child_by_field_name("operand")
        target = operand.child_by_field_name("target") if operand is not None else None
        if operand is not None and operand.type == "call" and text(target) == "impl":
            return True
        node = node.prev_named_sibling
    return False
