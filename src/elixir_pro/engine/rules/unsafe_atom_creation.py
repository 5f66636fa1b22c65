"""Rule ``unsafe-atom-creation``: atoms created from runtime input.

Every conversion (``String.to_atom``, ``List.to_atom``, ``:erlang.binary_to_atom``, their
``&String.to_atom/1`` captures, interpolated atoms ``:"x_#{y}"`` and ``keys: :atoms`` JSON
decoding) is traced back with ``_taint.Tracer``: request data gives a finding of high
confidence, other outside data a medium one, an untraced argument a low one; bounded, trusted
and allowlisted values and compile-time code give none.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, ModuleDef, effective_arguments, keyword_value
from elixir_pro.engine.context import text as node_text
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._otp import call_graph
from elixir_pro.engine.rules._sources import Origin, Trace
from elixir_pro.engine.rules._taint import Tracer

CONVERSIONS = (
    ("String", "to_atom"),
    ("List", "to_atom"),
    (":erlang", "binary_to_atom"),
    (":erlang", "list_to_atom"),
)
DECODERS = (("Jason", "decode"), ("Jason", "decode!"), ("Poison", "decode"), ("Poison", "decode!"))
#: (confidence, severity) by origin; SAFE values give no finding.
LEVELS = {
    Origin.REQUEST: (Confidence.HIGH, Severity.CRITICAL),
    Origin.EXTERNAL: (Confidence.MEDIUM, Severity.HIGH),
    Origin.UNKNOWN: (Confidence.LOW, Severity.MEDIUM),
}


@register
class UnsafeAtomCreation(Rule):
    id = "unsafe-atom-creation"
    severity = Severity.CRITICAL
    title = "Atoms created from runtime input"
    triggers = (b"to_atom", b"atoms", b':"')
    scope_reason = (
        "Tests, scripts and build files run once on a developer's machine: the atoms they "
        "create die with that VM."
    )
    rationale = (
        "Atoms are never garbage collected and the atom table is limited (1,048,576 by "
        "default). Turning user or network input into atoms lets anyone exhaust it, which "
        "crashes the whole BEAM node, not just one process. Confidence follows where the "
        "value comes from. High: request data (controller action params, `conn.params` and "
        "friends, LiveView event and URL params, Channel payloads and topics, a request body, "
        "socket data). Medium: other outside data (an HTTP response, also decoded with "
        "`keys: :atoms`). Low: `keys: :atoms` decoding of text whose origin is not traced "
        "(often the application's own stored data or a configured server's fixed schema), "
        "an argument of "
        "a public function, a value read by string key from a map whose origin is not traced "
        "to a request (string keys look like params, but the map may be settings or content "
        "the application stores), or the result of a call the analyzer cannot see into (even of "
        "request data: the call may bound it; a map such a call returns is not params-shaped, "
        "nor is one read by an environment variable's name), and outside-looking text that is "
        "the application's own: parsed by a configuration module (`MyApp.Config`, "
        "`ConfigParser`, a `Config.Provider`) or read back by the counterpart of the "
        "module's own writer (`from_json` next to `to_json`, `decode_x` next to `encode_x`). "
        "Values checked "
        "against an allowlist first (a guard, `if x in @allowed`, a `for` filter, "
        "`valid_x?(x)`), built from existing atoms, module names or configuration, and "
        "conversions at compile time (macros, `quote`, module bodies, Mix tasks, modules that "
        "generate code) are not reported. Request data sent to a LiveDashboard page is low: "
        "only operators who can already inspect and stop the node's processes reach it."
    )
    impact = "A remote caller can crash the entire node by sending many distinct strings."
    recommendation = (
        "Use String.to_existing_atom/1, an explicit whitelist (a map from strings to atoms), "
        "or keep the keys as strings (`Jason.decode(body)` or `keys: :atoms!`)."
    )
    dirty_example = """\
def index(conn, params) do
  field = String.to_atom(params["sort"])
  render(conn, :index, posts: Blog.list_posts(order_by: field))
end
"""
    clean_example = """\
@sortable %{"title" => :title, "inserted_at" => :inserted_at}

def index(conn, params) do
  field = Map.get(@sortable, params["sort"], :inserted_at)
  render(conn, :index, posts: Blog.list_posts(order_by: field))
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        tracer = Tracer(ctx)
        for module, fun in CONVERSIONS:
            for call in ctx.remote(fun, module=module):
                if not _runtime(ctx, call.node):
                    continue
                args = effective_arguments(call.node)
                if args:
                    trace = tracer.trace(args[0])
                else:
                    capture = _capture(call.node)
                    if capture is None:
                        continue
                    trace = tracer.elements_of(capture)
                found = self._report(ctx, call.node, f"{module}.{fun}", trace)
                if found is not None:
                    yield found
        for atom in _interpolated_atoms(ctx):
            if _runtime(ctx, atom):
                found = self._report(ctx, atom, "an interpolated atom", tracer.trace(atom))
                if found is not None:
                    yield found
        for module, fun in DECODERS:
            for call in ctx.remote(fun, module=module):
                args = effective_arguments(call.node)
                opts = args[-1] if len(args) >= 2 else None
                keys = keyword_value(opts, "keys") if opts is not None else None
                if keys is None or node_text(keys) != ":atoms" or not _runtime(ctx, call.node):
                    continue
                trace = tracer.trace(args[0])
                if trace.origin == Origin.UNKNOWN or trace.shaped:  # JSON text from elsewhere
                    trace = Trace(Origin.UNKNOWN, "JSON text whose origin is not traced")
                found = self._report(
                    ctx, call.node, f"{module}.{fun} with keys: :atoms", trace, every_key=True
                )
                if found is not None:
                    yield found

    def _report(
        self, ctx: FileContext, node: Node, what: str, trace: Trace, every_key: bool = False
    ) -> Finding | None:
        level = LEVELS.get(trace.origin)
        if level is None:
            return None
        confidence, severity = level
        if trace.origin == Origin.EXTERNAL and trace.shaped:
            # a string-keyed map passed in looks like params but is not traced to a request
            trace = Trace(Origin.UNKNOWN, trace.shaped)
            confidence, severity = LEVELS[Origin.UNKNOWN]
        trusted = _trusted_text(ctx, node) if trace.origin == Origin.EXTERNAL else ""
        if trace.origin == Origin.REQUEST:
            trusted = _operator_page(ctx, node)
        if trusted:
            confidence = Confidence.LOW
        made = (
            f"turns every key of {trace.why} into an atom"
            if every_key
            else (f"makes atoms from {trace.why}")
        )
        if trace.origin == Origin.UNKNOWN:
            message = f"{what} {made}, not proven to be outside input"
        elif trusted:
            message = f"{what} {made}, but {trusted}"
        else:
            message = f"{what} {made}: each new value is an atom never freed"
        return self.finding_on_line(ctx, node, message, confidence=confidence, severity=severity)


#: Words of a function that reads back data, and of its counterpart that writes it.
_READ_BACK = (
    ("from_json", "to_json"),
    ("decode", "encode"),
    ("deserialize", "serialize"),
    ("from_map", "to_map"),
    ("load", "dump"),
)


def _trusted_text(ctx: FileContext, node: Node) -> str:
    """Why outside-looking text is the application's own, or "": a module that parses the
    operator's configuration (``MyApp.Config``, ``ConfigParser``: the text comes from the
    environment or config files at boot), or a reader of the module's own serialised form
    (``from_json`` next to ``to_json``, ``decode_x`` next to ``encode_x``): what it reads back
    is what the module wrote, with atoms that existed when it was written."""
    module = ctx.module_at(node.start_byte)
    fn = ctx.function_at(node.start_byte)
    if module is None or fn is None:
        return ""
    last = module.name.rsplit(".", 1)[-1]
    configures = any(name == "Config.Provider" for name, _ in ctx.behaviours(module))
    if configures or last.endswith(
        ("Config", "Configuration", "ConfigParser", "ConfigLoader", "ConfigProvider")
    ):
        return f"{module.name} parses the operator's configuration"
    names = {f.name for f in module.functions}
    callers = call_graph(ctx, module).backward([fn]) - {fn}
    for reader in [fn, *sorted(callers, key=lambda f: f.start_byte)]:
        for read, write in _READ_BACK:
            if read in reader.name and reader.name.replace(read, write) in names:
                writer = reader.name.replace(read, write)
                return (
                    f"{reader.name}/{reader.arity} reads back what {writer} writes: the "
                    "module's own serialised data"
                )
    return ""


def _operator_page(ctx: FileContext, node: Node) -> str:
    """Why the request comes from an operator who can already do worse, or "": a
    LiveDashboard page, which only those with the dashboard's access reach, and the dashboard
    already lets them inspect and kill any process of the node."""
    module = ctx.module_at(node.start_byte)
    if module is None or ctx.uses(module, "Phoenix.LiveDashboard.PageBuilder") is None:
        return ""
    return (
        f"{module.name} is a LiveDashboard page: only operators with the dashboard's access, "
        "who can already inspect and stop the node's processes, send it events"
    )


def _runtime(ctx: FileContext, node: Node) -> bool:
    """Code this module runs at runtime in production: a def/defp body outside ``quote``, and
    not in a Mix task or a code generator (a module whose functions build quoted code, as
    template compilers and router builders do: they run at compile time)."""
    if not ctx.at_runtime(node.start_byte):
        return False
    module = ctx.module_at(node.start_byte)
    return module is None or not (_mix_module(module) or _builds_code(ctx, module))


def _mix_module(module: ModuleDef) -> bool:
    return module.name.startswith("Mix.") or any(used == "Mix.Task" for used, _ in module.uses)


def _builds_code(ctx: FileContext, module: ModuleDef) -> bool:
    for quote in ctx.calls("quote"):
        fn = ctx.function_at(quote.start_byte)
        if fn is not None and fn.module is module and fn.kind in ("def", "defp"):
            return True
    return False


def _capture(call: Node) -> Node | None:
    """The ``&String.to_atom/1`` capture a bare ``String.to_atom`` target belongs to."""
    slash = call.parent
    amp = slash.parent if slash is not None else None
    if (
        slash is not None
        and amp is not None
        and slash.type == "binary_operator"
        and amp.type == "unary_operator"
        and node_text(amp.child_by_field_name("operator")) == "&"
    ):
        return amp
    return None


def _interpolated_atoms(ctx: FileContext) -> Iterator[Node]:
    """``:"prefix_#{value}"`` atoms."""
    source = ctx.source
    start = source.find(b':"')
    while start >= 0:
        node = ctx.root.named_descendant_for_byte_range(start, start + 2)
        if (
            node is not None
            and node.type == "quoted_atom"
            and node.start_byte == start
            and any(child.type == "interpolation" for child in node.named_children)
        ):
            yield node
        start = source.find(b':"', start + 2)
