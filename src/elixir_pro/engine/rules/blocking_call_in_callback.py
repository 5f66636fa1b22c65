"""Rule ``blocking-call-in-callback``: sleeping, or HTTP/Repo work inside handle_call."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.parse import call_target
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import (
    GENSERVER_ARITY,
    http_calls,
    in_callbacks,
    repo_calls,
    sleep_calls,
)

SPAWNS = frozenset({"spawn", "spawn_link", "spawn_monitor", "Process.spawn"})
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
        "crash callers."
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
            (http_calls(ctx), ("handle_call",), "makes an HTTP request while the caller waits"),
            (repo_calls(ctx), ("handle_call",), "queries the database while the caller waits"),
        )
        for calls, handlers, what in groups:
            for call in calls:
                fn = in_callbacks(ctx, call.node, handlers, GENSERVER_ARITY)
                if fn is None or fn.module is None or ctx.is_genserver(fn.module) is None:
                    continue
                if _runs_elsewhere(call.node, fn.node):
                    continue
                yield self.finding_on_line(
                    ctx, call.node, f"{call.module}.{call.fun} in {fn.name}/{fn.arity} {what}"
                )


def _runs_elsewhere(node: Node, stop: Node) -> bool:
    """True inside a function handed to Task.* or spawn: it runs in another process."""
    current = node.parent
    while current is not None and current != stop:
        if current.type == "anonymous_function":
            args = current.parent
            owner = args.parent if args is not None and args.type == "arguments" else None
            target = call_target(owner) if owner is not None else None
            if target is not None and (target.startswith("Task.") or target in SPAWNS):
                return True
        current = current.parent
    return False
