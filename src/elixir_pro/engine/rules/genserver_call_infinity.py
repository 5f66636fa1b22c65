"""Rule ``genserver-call-infinity``: a GenServer.call that never times out."""

from __future__ import annotations

from collections.abc import Iterator

from elixir_pro.engine.context import FileContext, effective_arguments, text
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import Rule, register


@register
class GenServerCallInfinity(Rule):
    id = "genserver-call-infinity"
    severity = Severity.MEDIUM
    title = "GenServer.call with an :infinity timeout"
    triggers = (b"GenServer.call", b":gen_server.call")
    requires = (b":infinity",)
    rationale = (
        "The default 5 second call timeout is a safety net: it turns a stuck server into an "
        "error in the caller. `:infinity` removes it, so one stuck process can freeze every "
        "caller behind it."
    )
    impact = "A slow or deadlocked server blocks its callers forever; failures cascade silently."
    recommendation = (
        "Use a finite timeout sized to the work, and handle the exit, or make the work "
        "asynchronous (cast plus a reply message, or a Task)."
    )
    dirty_example = """\
def export(server), do: GenServer.call(server, :export, :infinity)
"""
    clean_example = """\
def export(server), do: GenServer.call(server, :export, 60_000)
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        calls = [*ctx.remote("call", module="GenServer"), *ctx.remote("call", module=":gen_server")]
        for call in calls:
            args = effective_arguments(call.node)
            if len(args) == 3 and text(args[2]) == ":infinity":
                yield self.finding(
                    ctx, call.node, f"{call.module}.call with :infinity never times out"
                )
