"""Rule ``missing-impl``: a behaviour callback defined without ``@impl``."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, ModuleDef, arguments, text
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.parse import walk
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
    scope_reason = "Test doubles and scripts implement behaviours in passing; style is for lib."
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
                if fn.kind != "def" or fn.name not in names or ctx.in_quote(fn.start_byte):
                    continue  # a def inside `quote` belongs to the module that uses it
                key = (fn.name, fn.arity)
                if key in seen:
                    continue
                seen.add(key)
                generated = _generated_before(fn.node, fn.name)
                first = generated if generated is not None else fn.node
                if key in callbacks and not _has_impl(first):
                    yield self.finding_on_line(
                        ctx, fn.node, f"{fn.name}/{fn.arity} is a callback but has no @impl"
                    )


def _callbacks(ctx: FileContext, module: ModuleDef) -> set[tuple[str, int]]:
    """The callbacks of the behaviours ``module`` itself adopts (a ``use`` or ``@behaviour``
    inside ``quote`` is for the modules that use it)."""
    out: set[tuple[str, int]] = set()
    for used, node in module.uses:
        if ctx.in_quote(node.start_byte):
            continue
        if used in KNOWN:
            out |= KNOWN[used]
        args = arguments(node)
        if len(args) >= 2 and text(args[1]) in WEB_KINDS:
            out |= KNOWN[WEB_KINDS[text(args[1])]]
    for name, attr in ctx.behaviours(module):
        if not ctx.in_quote(attr.start_byte):
            out |= KNOWN.get(name) or ctx.project_callbacks.get(name, frozenset())
    return out


def _has_impl(def_node: Node) -> bool:
    """True when an ``@impl`` attribute sits among the attributes right above ``def_node``,
    or above the ``for`` comprehension whose body starts with it (``@impl true`` then
    ``for x <- ..., do: def callback(unquote(x))``)."""
    comprehension = _generating_for(def_node)
    in_keyword = def_node.parent is not None and def_node.parent.type == "pair"
    node = None if comprehension is not None and in_keyword else _previous(def_node)
    if node is None and comprehension is not None:
        return _has_impl(comprehension)
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


def _previous(node: Node) -> Node | None:
    sibling = node.prev_named_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.prev_named_sibling
    return sibling


def _generating_for(def_node: Node) -> Node | None:
    """The ``for`` call whose body ``def_node`` opens (``for ... do def ...`` or
    ``for ..., do: def ...``), else None."""
    parent = def_node.parent
    if parent is not None and parent.type == "pair":  # do: def ...
        keywords = parent.parent
        args = keywords.parent if keywords is not None else None
        call = args.parent if args is not None else None
    elif parent is not None and parent.type == "do_block":
        call = parent.parent
    else:
        return None
    if call is None or call.type != "call":
        return None
    return call if text(call.child_by_field_name("target")) == "for" else None


def _generated_before(def_node: Node, name: str) -> Node | None:
    """A ``for`` comprehension above ``def_node`` in the same body that generates clauses of
    ``name`` (``for tag <- @tags, do: def(void?(unquote(tag)), do: true)``): it holds the
    function's first clause, and the ``@impl`` belongs above it."""
    sibling = def_node.prev_named_sibling
    while sibling is not None:
        if sibling.type == "call" and text(sibling.child_by_field_name("target")) == "for":
            for node in walk(sibling):
                if node.type != "call" or text(node.child_by_field_name("target")) != "def":
                    continue
                args = arguments(node)
                head = args[0] if args else None
                if head is not None and head.type == "binary_operator":  # def f(x) when ...
                    head = head.child_by_field_name("left")
                if head is not None and text(head.child_by_field_name("target")) == name:
                    return sibling
        sibling = sibling.prev_named_sibling
    return None
