"""Rule ``changeset-bypass``: writing a struct or map literal straight to the Repo.

The literal's field values are traced (``_taint.Tracer``): request data written without a
changeset is the real case (high), values read out of a params-shaped map by string keys are
likely it (medium), internal data (literals, computed values, a singleton row at boot) is only
possibly a problem (low).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, effective_arguments, text
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import is_map_literal, last_binding, repo_calls
from elixir_pro.engine.rules._per_element import one_off
from elixir_pro.engine.rules._sources import Origin, Trace
from elixir_pro.engine.rules._taint import Tracer

WRITES = ("insert", "insert!", "update", "update!", "insert_or_update", "insert_or_update!")
_MAP_READS = frozenset({"Map.get", "Map.fetch", "Map.fetch!", "Access.get"})


@register
class ChangesetBypass(Rule):
    id = "changeset-bypass"
    severity = Severity.HIGH
    title = "Repo write without a changeset"
    triggers = (b"insert", b"update")
    requires = (b"Repo",)
    uses_schema_facts = True
    scope_reason = (
        "Seeds, fixtures and test factories insert known rows on purpose; priv/ and test/ "
        "are theirs."
    )
    rationale = (
        "Ecto validates, casts and enforces constraints only through changesets. Inserting "
        "or updating a struct or map literal skips all of it, so invalid data reaches the "
        "database and constraint errors raise instead of returning {:error, changeset}. "
        "Confidence follows the fields written: high when a value comes from request data "
        "(controller params, LiveView events, Channel payloads), medium when values are read "
        'out of a params-shaped map by string keys (`attrs["email"]`) or come from other '
        "outside data, or when the same file writes that schema through its changeset "
        "elsewhere (the validation exists and this write skips it) with a write that returns "
        "`{:error, changeset}` to its caller; low for other internal data (literals, computed "
        "or generated values, rows created at boot), for a bang write (`insert!`) of internal "
        "values, which raises on any error either way, and in seeds and modules run by hand. "
        "A write of a schema of the project that defines no changeset function at all is low "
        "whatever its fields: there is no validation to bypass (append-only logs and result "
        "tables are often written this way on purpose)."
    )
    impact = (
        "Unvalidated data is persisted; unique and foreign-key violations crash the caller "
        "instead of coming back as errors the UI can show."
    )
    recommendation = (
        "Build a changeset (`%User{} |> User.changeset(attrs)`) and pass that to the Repo; "
        "use insert_all/update_all deliberately for bulk writes."
    )
    dirty_example = """\
def create_user(attrs) do
  Repo.insert(%User{email: attrs["email"], role: attrs["role"]})
end
"""
    clean_example = """\
def create_user(attrs) do
  %User{}
  |> User.changeset(attrs)
  |> Repo.insert()
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        tracer: Tracer | None = None
        for call in repo_calls(ctx, WRITES):
            args = effective_arguments(call.node)
            if not args:
                continue
            subject = args[0]
            literal: Node | None = None
            what = ""
            if is_map_literal(subject):
                literal = subject
                what = "a struct literal" if _is_struct(subject) else "a map literal"
            elif subject.type == "identifier":
                fn = ctx.function_at(call.node.start_byte)
                bound = last_binding(fn, text(subject), call.node.start_byte) if fn else None
                if bound is not None and is_map_literal(bound):
                    literal = bound
                    what = f"`{text(subject)}`, bound to a literal"
            if literal is None:
                continue
            tracer = tracer or Tracer(ctx)
            confidence, source = _judge(ctx, tracer, literal, call.fun.endswith("!"))
            tail = _schema(literal).rsplit(".", 1)[-1]
            if tail and ctx.project_schemas.get(tail) is False:
                confidence = Confidence.LOW
                source = f"{source}, but {tail} defines no changeset: there is none to bypass"

            yield self.finding_on_line(
                ctx,
                call.node,
                f"{call.module}.{call.fun} is given {what}{source}, bypassing changeset validation",
                confidence=confidence,
            )


def _judge(ctx: FileContext, tracer: Tracer, literal: Node, bang: bool) -> tuple[Confidence, str]:
    """The confidence of a write of ``literal`` and what its fields come from (for the
    message)."""
    values = _field_values(literal)
    trace = Trace(Origin.SAFE)
    for value in values:
        trace = trace.worst(tracer.trace(value))
    if trace.origin == Origin.REQUEST:
        return Confidence.HIGH, f" with fields from {trace.why}"
    module = ctx.module_at(literal.start_byte)
    by_hand = one_off(ctx, module)
    if by_hand:
        return Confidence.LOW, f" (in {by_hand}, which writes known rows on purpose)"
    if trace.origin == Origin.EXTERNAL:
        return Confidence.MEDIUM, f" with fields from {trace.why}"
    fn = ctx.function_at(literal.start_byte)
    for value in values:
        keyed = _string_keyed(value) or (
            value.type == "identifier"
            and fn is not None
            and (bound := last_binding(fn, text(value), value.start_byte)) is not None
            and _string_keyed(bound)
        )
        if keyed:
            return Confidence.MEDIUM, " with fields read from a params map by string keys"
    schema = _schema(literal)
    if schema and _changeset_used(ctx, schema):
        tail = schema.rsplit(".", 1)[-1]
        if bang:  # the write raises on any error: no {:error, changeset} is expected back
            return Confidence.LOW, (
                f" while other {tail} writes in this file use its changeset (a bang write of "
                "internal values: it raises on any error either way)"
            )
        return Confidence.MEDIUM, f" while other {tail} writes in this file use its changeset"
    return Confidence.LOW, " (its fields are not traced to outside input)"


def _schema(literal: Node) -> str:
    """The struct module written: ``%Delivery{...}`` or ``struct(Delivery, ...)``."""
    if literal.type == "call":
        args = effective_arguments(literal)
        return text(args[0]) if args and args[0].type == "alias" else ""
    for child in literal.children:
        if child.type == "struct":
            return text(child).lstrip("%")
    return ""


def _changeset_used(ctx: FileContext, schema: str) -> bool:
    """The file builds changesets of ``schema`` (``Delivery.changeset(...)``,
    ``Delivery.status_changeset(...)``): the project's way to write it exists and is used."""
    tail = schema.rsplit(".", 1)[-1]
    calls = ctx.remote_module(tail, tail=True)
    return any("changeset" in fun for fun in calls)


def _field_values(literal: Node) -> list[Node]:
    """The values written: each field of ``%S{k: v}`` / ``%{s | k: v}`` / ``%{"k" => v}``,
    the attributes of ``struct(S, attrs)``."""
    if literal.type == "call":
        return effective_arguments(literal)[1:]
    out: list[Node] = []
    for content in literal.named_children:
        if content.type != "map_content":
            continue
        for item in content.named_children:
            if item.type == "binary_operator":
                op = text(item.child_by_field_name("operator"))
                right = item.child_by_field_name("right")
                if op == "|" and right is not None:  # %{struct | k: v}
                    out.extend(_pair_values(right))
                elif right is not None:  # "k" => v
                    out.append(right)
            else:
                out.extend(_pair_values(item))
    return out


def _pair_values(node: Node) -> list[Node]:
    if node.type != "keywords":
        return [node]
    return [
        value
        for pair in node.named_children
        if (value := pair.child_by_field_name("value")) is not None
    ]


def _string_keyed(node: Node) -> bool:
    """``attrs["email"]`` or ``Map.get(attrs, "email")`` somewhere in ``node``: a value read
    out of a map with string keys, the shape of request params."""
    for sub in walk(node):
        if sub.type == "access_call":
            key = sub.child_by_field_name("key")
            if key is not None and key.type == "string":
                return True
        elif sub.type == "call" and text(sub.child_by_field_name("target")) in _MAP_READS:
            args = effective_arguments(sub)
            if len(args) >= 2 and args[1].type == "string":
                return True
    return False


def _is_struct(node: Node) -> bool:
    return node.type == "call" or any(c.type == "struct" for c in node.children)
