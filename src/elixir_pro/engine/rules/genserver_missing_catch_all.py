"""Rule ``genserver-missing-catch-all``: handle_info clauses with no catch-all clause."""

from __future__ import annotations

from collections.abc import Iterator

from elixir_pro.engine.context import FileContext, FunctionDef, ModuleDef, effective_arguments
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import Rule, register

CHECKED = (("handle_info", 2), ("handle_call", 3), ("handle_cast", 2))


@register
class GenServerMissingCatchAll(Rule):
    id = "genserver-missing-catch-all"
    severity = Severity.MEDIUM
    title = "GenServer message handler without a catch-all clause"
    requires = (b"GenServer", b"def handle_")
    rationale = (
        "Any process can receive messages it did not ask for: late replies after a timeout, "
        "monitors' :DOWN messages, stray sends. Once a GenServer defines handle_info it "
        "replaces the default one, and an unmatched message raises FunctionClauseError and "
        "crashes the server. The same holds for handle_call/handle_cast when the module "
        "forwards arbitrary terms as requests."
    )
    impact = (
        "One unexpected message crashes the server and loses its state; under a supervisor "
        "it restarts, but every in-flight request fails and repeated crashes take the "
        "supervisor down."
    )
    recommendation = (
        "End the clauses with `def handle_info(msg, state)` that logs the message and "
        "returns `{:noreply, state}`."
    )
    dirty_example = """\
use GenServer

@impl true
def handle_info(:tick, state) do
  {:noreply, tick(state)}
end
"""
    clean_example = """\
use GenServer

@impl true
def handle_info(:tick, state) do
  {:noreply, tick(state)}
end

def handle_info(msg, state) do
  Logger.warning("unexpected message: #{inspect(msg)}")
  {:noreply, state}
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for module in ctx.modules:
            if ctx.is_genserver(module) is None:
                continue
            arbitrary = _forwards_arbitrary_requests(ctx, module)
            for name, arity in CHECKED:
                if name != "handle_info" and not arbitrary:
                    continue
                clauses = module.clauses(name, arity)
                if not clauses or any(_is_catch_all(c) for c in clauses):
                    continue
                yield self.finding_on_line(
                    ctx,
                    clauses[0].node,
                    f"{name}/{arity} has no catch-all clause: an unexpected message crashes "
                    "the server",
                )


def _is_catch_all(clause: FunctionDef) -> bool:
    return clause.guard is None and bool(clause.params) and clause.params[0].type == "identifier"


def _forwards_arbitrary_requests(ctx: FileContext, module: ModuleDef) -> bool:
    """The module's client API passes a caller-supplied term straight to call/cast."""
    for fun in ("call", "cast"):
        for call in ctx.remote(fun, module="GenServer"):
            args = effective_arguments(call.node)
            if len(args) < 2 or args[1].type != "identifier":
                continue
            fn = ctx.function_at(call.node.start_byte)
            if fn is None or fn.module is not module:
                continue
            if any(p.type == "identifier" and p.text == args[1].text for p in fn.params):
                return True
    return False
