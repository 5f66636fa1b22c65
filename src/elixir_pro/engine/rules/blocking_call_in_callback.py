"""Rule ``blocking-call-in-callback``: sleeping, or HTTP/Repo work inside handle_call."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, ModuleDef, RemoteCall, arguments, keyword_value
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import (
    GENSERVER_ARITY,
    http_calls,
    repo_calls,
    sleep_calls,
)
from elixir_pro.engine.rules._otp import HTTP_BUILDERS, callbacks_reaching, elsewhere

HANDLERS = ("handle_call", "handle_cast", "handle_info", "handle_continue")


@register
class BlockingCallInCallback(Rule):
    id = "blocking-call-in-callback"
    severity = Severity.MEDIUM
    title = "Blocking call inside a GenServer callback"
    triggers = (b"sleep", b"Repo", b"HTTPoison", b"Req.", b"Tesla", b"Finch", b"httpc")
    requires = (b"GenServer", b"def handle_")
    rationale = (
        "A GenServer handles one message at a time. Process.sleep in a callback stalls every "
        "message behind it; an HTTP request or a database query in handle_call also keeps "
        "the caller blocked, and a slow dependency turns into 5-second call timeouts that "
        "crash callers. Calls made through local helpers count (functions are matched by "
        "name and arity); work handed to a Task, a spawned process or a closure kept for "
        "later does not. A server started without a name by `start_link/1` (a pool worker, "
        "as poolboy starts them) serves the one caller that checked it out: low confidence."
    )
    scope_reason = (
        "Servers in tests and scripts serve one caller, the test itself; a blocked callback "
        "there stalls no one else."
    )
    impact = (
        "Mailbox backlog and caller timeouts under load; one slow dependency stalls the "
        "whole service."
    )
    recommendation = (
        "Schedule delays with Process.send_after, and move slow I/O out of the server "
        "(a Task under Task.Supervisor replying with GenServer.reply/2, or the caller's "
        "own process)."
    )
    dirty_example = """\
use GenServer

@impl true
def handle_call({:lookup, url}, _from, state) do
  {:ok, resp} = HTTPoison.get(url)
  {:reply, resp.body, state}
end
"""
    clean_example = """\
use GenServer

@impl true
def handle_call({:lookup, url}, from, state) do
  Task.Supervisor.start_child(MyApp.TaskSup, fn ->
    GenServer.reply(from, HTTPoison.get(url))
  end)
  {:noreply, state}
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        groups = (
            (sleep_calls(ctx), HANDLERS, "sleeps and stalls every message behind it"),
            (_requests(ctx), ("handle_call",), "makes an HTTP request while the caller waits"),
            (repo_calls(ctx), ("handle_call",), "queries the database while the caller waits"),
        )
        for calls, handlers, what in groups:
            for call in calls:
                fn = ctx.function_at(call.node.start_byte)
                if fn is None or fn.module is None or ctx.is_genserver(fn.module) is None:
                    continue
                if elsewhere(call.node, fn.node) or ctx.in_quote(call.node.start_byte):
                    continue  # runs in another process, or later
                callbacks = callbacks_reaching(ctx, fn, handlers, GENSERVER_ARITY)
                if not callbacks:
                    continue
                where = f"{callbacks[0].name}/{callbacks[0].arity}"
                if fn not in callbacks:
                    where = f"{fn.name}/{fn.arity} (called from {where})"
                message = f"{call.module}.{call.fun} in {where} {what}"
                if handlers == ("handle_call",) and _unnamed_worker(ctx, fn.module):
                    yield self.finding_on_line(
                        ctx,
                        call.node,
                        f"{message} (an unnamed worker: each caller holds its own server, "
                        "as a pool checks workers out)",
                        confidence=Confidence.LOW,
                    )
                    continue
                yield self.finding_on_line(ctx, call.node, message)


def _unnamed_worker(ctx: FileContext, module: ModuleDef) -> bool:
    """The server is started as a worker of a pool: ``start_link/1`` starts it without a name
    (``GenServer.start_link(__MODULE__, args)``, the signature poolboy calls), so no caller
    shares it with others; the one holding it waits for its own work, which is the worker's
    purpose. A name anywhere (``name: __MODULE__``, options passed through) keeps it shared."""
    if not module.clauses("start_link", 1):
        return False
    starts = [
        c.node
        for fun in ("start_link", "start")
        for c in ctx.remote(fun, module="GenServer")
        if ctx.module_at(c.node.start_byte) is module
    ]
    return bool(starts) and all(_no_name(start) for start in starts)


def _no_name(start: Node) -> bool:
    """``GenServer.start_link(__MODULE__, args)`` or with options that set no ``name``."""
    args = arguments(start)
    if len(args) < 3:
        return True
    options = args[2]
    return options.type in ("list", "keywords") and keyword_value(options, "name") is None


def _requests(ctx: FileContext) -> list[RemoteCall]:
    """HTTP client calls that send a request (``Req.new`` only builds one)."""
    return [c for c in http_calls(ctx) if c.fun not in HTTP_BUILDERS]
