"""Rule ``slow-init``: slow work in GenServer init/1 instead of handle_continue/2."""

from __future__ import annotations

from collections.abc import Iterator

from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import (
    GENSERVER_ARITY,
    http_calls,
    in_callbacks,
    repo_calls,
    sleep_calls,
)


@register
class SlowInit(Rule):
    id = "slow-init"
    severity = Severity.MEDIUM
    title = "Slow work in init/1"
    triggers = (b"Repo", b"sleep", b"HTTPoison", b"Req.", b"Tesla", b"Finch", b"httpc")
    requires = (b"GenServer", b"init")
    rationale = (
        "init/1 runs while the supervisor waits: start_link does not return until it does. "
        "Database queries, HTTP requests or sleeps there delay the boot of every sibling "
        "started after it, and a timeout fails the whole application start."
    )
    impact = "Slow or failing boots; a slow dependency at start-up crashes the application."
    recommendation = (
        "Return `{:ok, state, {:continue, :load}}` from init/1 and do the work in "
        "handle_continue(:load, state)."
    )
    dirty_example = """\
use GenServer

@impl true
def init(_opts) do
  {:ok, %{rates: Repo.all(Rate)}}
end
"""
    clean_example = """\
use GenServer

@impl true
def init(_opts), do: {:ok, %{rates: []}, {:continue, :load}}

@impl true
def handle_continue(:load, state), do: {:noreply, %{state | rates: Repo.all(Rate)}}
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        calls = [*repo_calls(ctx), *http_calls(ctx), *sleep_calls(ctx)]
        for call in sorted(calls, key=lambda c: c.node.start_byte):
            fn = in_callbacks(ctx, call.node, ("init",), GENSERVER_ARITY)
            if fn is None or fn.module is None or ctx.is_genserver(fn.module) is None:
                continue
            yield self.finding_on_line(
                ctx,
                call.node,
                f"{call.module}.{call.fun} in init/1 blocks the supervisor; "
                "move it to handle_continue/2",
            )
