"""Rule ``blocking-call-in-callback``: sleeping, or HTTP/Repo work inside handle_call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    RemoteCall,
    effective_arguments,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import (
    GENSERVER_ARITY,
    http_calls,
    repo_calls,
    sleep_calls,
)
from elixir_pro.engine.rules._otp import (
    HTTP_BUILDERS,
    callbacks_reaching,
    elsewhere,
    halt_pause,
    parks,
)
from elixir_pro.engine.rules._waiting import (
    capped_retry,
    no_callers,
    no_client_api,
    scheduled_refresh,
    startup_continue,
    unnamed_worker,
)

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
        "as poolboy starts them) serves the one caller that checked it out: low confidence. "
        "A sleep in a server nobody calls (no handle_call and no GenServer.call in the module: "
        "a worker triggered only by casts, its own timers or a continue), such as a fetcher "
        "that pauses between polls or retries, or rate-limits its own work, stalls no caller: "
        "low confidence. So is a pause someone asked for: a fixed sleep of at most 100 ms, a "
        "duration the handled message carries (`handle_info({:pause, ms}, state)`), or the "
        "delay of a `{:retry, delay, _}` result being handled. A sleep followed by "
        "System.halt, System.stop or :init.stop is a grace delay before the VM exits, not "
        "blocking work: not reported. A database query "
        "in handle_call is low confidence: the caller needs the answer anyway, and only a "
        "shared, busy server (which the file does not show) makes it a bottleneck; HTTP "
        "requests stay medium, as the remote side decides how long they take. The blocking calls "
        "one callback reaches, directly or through helpers, are one finding at the first of "
        "them, naming how many there are: one design choice, one finding."
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
        groups: dict[tuple[int, str, Confidence], list[_Blocking]] = {}
        for found in _blocking_calls(ctx):
            key = (found.handler.start_byte, found.handler.name, found.confidence)
            groups.setdefault(key, []).append(found)
        for members in groups.values():
            first = members[0]
            message = first.message if len(members) == 1 else _summary(members)
            yield self.finding_on_line(
                ctx, first.call.node, f"{message}{first.note}", confidence=first.confidence
            )


@dataclass(frozen=True, slots=True)
class _Blocking:
    """One blocking call a callback runs: the call, the first callback reaching it, the
    function holding it, what it does, and the confidence and note the server gives it."""

    call: RemoteCall
    handler: FunctionDef
    holder: FunctionDef
    what: str
    confidence: Confidence
    note: str

    @property
    def message(self) -> str:
        where = f"{self.handler.name}/{self.handler.arity}"
        if (self.holder.name, self.holder.arity) != (self.handler.name, self.handler.arity):
            where = f"{self.holder.name}/{self.holder.arity} (called from {where})"
        return f"{self.call.module}.{self.call.fun} in {where} {self.what}"


def _blocking_calls(ctx: FileContext) -> Iterator[_Blocking]:
    """The blocking calls of the file's GenServers, each with the first callback reaching it
    (grouped per module by the first clause of that callback), in source order."""
    groups = (
        (sleep_calls(ctx), HANDLERS, SLEEPS),
        (_requests(ctx), ("handle_call",), REQUESTS),
        (repo_calls(ctx), ("handle_call",), QUERIES),
    )
    out: list[_Blocking] = []
    for calls, handlers, what in groups:
        for call in calls:
            fn = ctx.function_at(call.node.start_byte)
            if fn is None or fn.module is None or ctx.is_genserver(fn.module) is None:
                continue
            if elsewhere(call.node, fn.node) or ctx.in_quote(call.node.start_byte):
                continue  # runs in another process, or later
            if what == SLEEPS and (halt_pause(call.node) or parks(call.node)):
                continue  # a grace delay before the VM exits
            callbacks = callbacks_reaching(ctx, fn, handlers, GENSERVER_ARITY)
            if not callbacks:
                continue
            handler = fn.module.clauses(callbacks[0].name, callbacks[0].arity)[0]
            holder = callbacks[0] if fn in callbacks else fn
            does, note = _waiters(ctx, fn.module, fn, callbacks, what)
            if what == SLEEPS and not note:
                note = _asked_pause(fn, call)
            confidence = Confidence.LOW if does != what or note else Confidence.MEDIUM
            out.append(_Blocking(call, handler, holder, does, confidence, note))
    out.sort(key=lambda b: b.call.node.start_byte)
    return iter(out)


#: The longest fixed pause (milliseconds) read as a short deliberate wait.
SHORT_PAUSE_MS = 100


def _asked_pause(fn: FunctionDef, call: RemoteCall) -> str:
    """Why a sleep is a pause someone asked for, or "": a short literal pause (at most
    ``SHORT_PAUSE_MS``), or a duration bound by the pattern that matched the message or the
    result being handled (``handle_info({:pause, ms}, state)``, ``{:retry, delay, _} ->``):
    the sender or the handler chose to wait that long."""
    args = effective_arguments(call.node)
    if not args:
        return ""
    duration = args[0]
    if duration.type == "integer":
        try:
            ms = int(text(duration).replace("_", ""))
        except ValueError:
            return ""
        if ms <= SHORT_PAUSE_MS:
            return f" (a fixed pause of {ms} ms: the stall is short)"
        return ""
    if duration.type != "identifier":
        return ""
    name = text(duration)
    for param in fn.params[:1]:
        if any(n.type == "identifier" and text(n) == name for n in walk(param)):
            return " (the message itself asks for the pause: its sender chose to wait)"
    for node in walk(fn.node):
        if node.start_byte >= call.node.start_byte:
            break
        if node.type == "stab_clause" and _binds_retry_delay(node, name):
            return " (a retry back-off the handled result asked for)"
    return ""


def _binds_retry_delay(clause: Node, name: str) -> bool:
    """``{:retry, delay, ...} ->``: a case clause whose pattern binds ``name`` next to the
    ``:retry`` tag."""
    left = clause.child_by_field_name("left")
    if left is None:
        return False
    for node in walk(left):
        if node.type == "tuple" and node.named_children:
            first = node.named_children[0]
            if text(first) == ":retry" and any(
                c.type == "identifier" and text(c) == name for c in node.named_children[1:]
            ):
                return True
    return False


def _waiters(
    ctx: FileContext, module: ModuleDef, fn: FunctionDef, callbacks: list[FunctionDef], what: str
) -> tuple[str, str]:
    """(what the call does, a note) given who waits on the server (see ``_waiting.py``); a
    changed text or a note means nobody, or only the one who asked for it, waits: low."""
    if what != SLEEPS:
        if unnamed_worker(ctx, module):
            return what, (
                " (an unnamed worker: each caller holds its own server, as a pool checks "
                "workers out)"
            )
        scheduled = scheduled_refresh(ctx, module, fn)
        if scheduled:
            return what, (
                f" (the call asks for the refresh the server also runs on its own schedule "
                f"in {scheduled} and replies only :ok: its caller means to wait for it)"
            )
        if what == QUERIES:
            return what, (
                " (the caller needs the answer anyway: it is a bottleneck only when the "
                "server is shared and busy)"
            )
        return what, ""
    if startup_continue(module, callbacks):
        return (PAUSES if no_client_api(ctx, module) else STARTUP), ""
    if no_callers(ctx, module):
        return WORKER_PAUSES, ""
    if capped_retry(ctx, fn):
        return what, (
            f" (a back-off between the attempts of the capped retry {fn.name}/{fn.arity}: "
            "the stall is bounded)"
        )
    return what, ""


SLEEPS = "sleeps and stalls every message behind it"
REQUESTS = "makes an HTTP request while the caller waits"
QUERIES = "queries the database while the caller waits"
PAUSES = (
    "pauses a server that takes no calls or casts: nobody waits on it, only its own "
    "messages are delayed"
)
WORKER_PAUSES = (
    "pauses a worker nobody calls (no handle_call, no GenServer.call): no caller waits on "
    "it, only its own casts and messages are delayed"
)
STARTUP = (
    "pauses the server's startup (a continue only init/1 asks for): messages that arrive "
    "meanwhile wait for the setup to end either way"
)
#: How a summary names each kind of blocking work.
_PLURAL = {
    SLEEPS: "sleeps",
    PAUSES: "pauses a server that takes no calls or casts",
    WORKER_PAUSES: "pauses a worker nobody calls",
    STARTUP: "pauses the server's startup",
    REQUESTS: "makes HTTP requests",
    QUERIES: "queries the database",
}


def _summary(members: list[_Blocking]) -> str:
    """One message for every blocking call a callback reaches: one design choice, one
    finding."""
    handler = members[0].handler
    kinds = list(dict.fromkeys(m.what for m in members))
    doing = " and ".join(_PLURAL[k] for k in kinds)
    if kinds in ([PAUSES], [WORKER_PAUSES]):
        tail = "(nobody waits on it)"
    elif kinds == [STARTUP]:
        tail = "(messages wait for the setup to end either way)"
    elif kinds == [SLEEPS]:
        tail = "stalling every message behind it"
    else:
        tail = "while the caller waits" if SLEEPS not in kinds else "while callers wait"
    if len(members) <= 3:
        listed = ", ".join(
            f"{m.call.module}.{m.call.fun} at line {m.call.node.start_point[0] + 1}"
            for m in members
        )
        return f"{handler.name}/{handler.arity} {doing} {tail}: {listed}"
    holders = list(dict.fromkeys(f"{m.holder.name}/{m.holder.arity}" for m in members))
    first = members[0].call
    shown = ", ".join(holders[:3])
    if len(holders) > 3:
        more = len(holders) - 3
        shown += f" and {more} more function{'s' if more > 1 else ''}"
    return (
        f"{handler.name}/{handler.arity} {doing} {tail}: {len(members)} blocking calls in "
        f"{shown} (first {first.module}.{first.fun} at line {first.node.start_point[0] + 1})"
    )


def _requests(ctx: FileContext) -> list[RemoteCall]:
    """HTTP client calls that send a request (``Req.new`` only builds one)."""
    return [c for c in http_calls(ctx) if c.fun not in HTTP_BUILDERS]
