"""Rule ``unsafe-atom-creation``: atoms created from runtime input."""

from __future__ import annotations

from collections.abc import Iterator

from elixir_pro.engine.context import FileContext, effective_arguments, keyword_value, text
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import is_literal

CONVERSIONS = (
    ("String", "to_atom"),
    ("List", "to_atom"),
    (":erlang", "binary_to_atom"),
    (":erlang", "list_to_atom"),
)
DECODERS = (("Jason", "decode"), ("Jason", "decode!"), ("Poison", "decode"), ("Poison", "decode!"))


@register
class UnsafeAtomCreation(Rule):
    id = "unsafe-atom-creation"
    severity = Severity.CRITICAL
    title = "Atoms created from runtime input"
    triggers = (b"to_atom", b"atoms")
    rationale = (
        "Atoms are never garbage collected and the atom table is limited (1,048,576 by "
        "default). Turning user or network input into atoms lets anyone exhaust it, which "
        "crashes the whole BEAM node, not just one process."
    )
    impact = "A remote caller can crash the entire node by sending many distinct strings."
    recommendation = (
        "Use String.to_existing_atom/1, an explicit whitelist (a map from strings to atoms), "
        "or keep the keys as strings (`Jason.decode(body)` or `keys: :atoms!`)."
    )
    dirty_example = """\
def sort_by(params) do
  field = String.to_atom(params["sort"])
  Repo.all(from p in Post, order_by: ^field)
end
"""
    clean_example = """\
@sortable %{"title" => :title, "inserted_at" => :inserted_at}

def sort_by(params) do
  field = Map.get(@sortable, params["sort"], :inserted_at)
  Repo.all(from p in Post, order_by: ^field)
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for module, fun in CONVERSIONS:
            for call in ctx.remote(fun, module=module):
                args = effective_arguments(call.node)
                if not args or is_literal(args[0]) or not _at_runtime(ctx, call.node.start_byte):
                    continue
                yield self.finding_on_line(
                    ctx, call.node, f"{module}.{fun} on runtime input can exhaust the atom table"
                )
        for module, fun in DECODERS:
            for call in ctx.remote(fun, module=module):
                args = effective_arguments(call.node)
                opts = args[-1] if len(args) >= 2 else None
                keys = keyword_value(opts, "keys") if opts is not None else None
                if keys is None or text(keys) != ":atoms":
                    continue
                if not _at_runtime(ctx, call.node.start_byte):
                    continue
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    f"{module}.{fun} with keys: :atoms turns every key of the input into an atom",
                )


def _at_runtime(ctx: FileContext, byte: int) -> bool:
    """Code inside def/defp runs at runtime; module bodies and macros run at compile time."""
    fn = ctx.function_at(byte)
    return fn is not None and fn.kind in ("def", "defp")
