"""Rule ``genserver-missing-terminate``: a GenServer that holds releasable resources (or traps
exits) with no terminate/2, or a terminate/2 that releases none of them."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    arguments,
    effective_arguments,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import last_binding
from elixir_pro.engine.rules._otp import process_code, runs_in_process, traps_exits

#: Resources a server can acquire, with how sure it is that they outlive the process. Open
#: files, :global locks, ETS tables and monitors are released by the VM when their owner dies
#: and are not listed. A port is closed too, but the OS program behind it only sees its stdin
#: close and may keep running.
ACQUIRE: dict[str, tuple[str, Confidence]] = {
    "Port.open": ("an OS process (Port.open)", Confidence.LOW),
    ":erlang.open_port": ("an OS process (open_port)", Confidence.LOW),
    "File.touch": ("a marker file", Confidence.LOW),
    "File.touch!": ("a marker file", Confidence.LOW),
    ":telemetry.attach": ("a telemetry handler", Confidence.LOW),
    ":telemetry.attach_many": ("a telemetry handler", Confidence.LOW),
}
RELEASE_FUNS = frozenset(
    {
        "close",
        "port_close",
        "rm",
        "rm!",
        "rm_rf",
        "rm_rf!",
        "delete",
        "delete!",
        "delete_all",
        "del_lock",
        "detach",
        "release",
        "unlock",
        "stop",
        "kill",
        "exit",
        "terminate_child",
        "cmd",
    }
)
LOCK_WORDS = ("lock", "lease", "mutex")
TIMERS = ("Process.send_after", ":erlang.send_after", ":timer.send_interval", ":timer.send_after")
#: Words naming a write-out of buffered state.
SAVE_WORDS = frozenset(
    {"flush", "persist", "save", "autosave", "sync", "write", "commit", "drain", "dump"}
    | {"checkpoint", "snapshot"}
)


@register
class GenServerMissingTerminate(Rule):
    id = "genserver-missing-terminate"
    severity = Severity.MEDIUM
    title = "GenServer holds resources but terminate/2 does not release them"
    requires = (b"GenServer",)
    triggers = (
        b"trap_exit",
        b"Port.",
        b"open_port",
        b"File.",
        b":file.",
        b"lock",
        b"Lock",
        b"LOCK",
        b"lease",
        b"Lease",
        b"mutex",
        b"Mutex",
        b"telemetry",
    )
    rationale = (
        "A GenServer that acquires things the VM does not clean up for it (lock or lease "
        "rows in a database, lock files on disk, telemetry handlers) must "
        "release them in terminate/2, and trap exits so that terminate/2 runs when its "
        "supervisor shuts it down. Without it, a restart finds the lock still held and the "
        "file still there. What the VM releases when the owner dies is not reported: open "
        "files, :global locks, ETS tables, monitors, links. Only the server's own code "
        "counts (its callbacks and the helpers they call), not its client API nor the tasks "
        "it starts. Confidence is medium for lock and lease rows, lock files, locks taken "
        "without handing the lock's owner this pid, and telemetry handlers under a fixed id "
        "that the restarted server attaches again (`:ok = :telemetry.attach(...)` then fails "
        "at every restart, or the handler left behind feeds the dead pid); low for ports "
        "(closed with the server, though the OS program behind may keep running), plain "
        "marker files, handlers attached under an id made with `self()` (left behind, they "
        "only message the dead pid or write to its deleted table), other telemetry "
        "handlers, locks taken for `self()` "
        "(the lock's owner can watch this process), and for exits trapped with no "
        "terminate/2 (often on purpose: trapping alone makes shutdown wait for the message "
        "being handled). Trapping exits and writing out buffered state on a timer "
        "(`Process.send_after(self(), :flush, t)`) with no terminate/2 is medium: what is "
        "pending at shutdown is lost."
    )
    scope_reason = (
        "Servers started by tests and scripts die with the test run or the script; what they "
        "leave behind does not reach production."
    )
    impact = (
        "Stale locks and leases block the restarted process or other nodes; temp files and "
        "OS processes pile up with every restart."
    )
    recommendation = (
        "Trap exits in init/1 and implement terminate/2 to release every resource the "
        "server acquired (delete the lease row, remove the lock file, close the port)."
    )
    dirty_example = """\
use GenServer

@impl true
def init(path) do
  Process.flag(:trap_exit, true)
  :ok = File.touch(path <> ".lock")
  {:ok, %{lock: path <> ".lock"}}
end
"""
    clean_example = """\
use GenServer

@impl true
def init(path) do
  Process.flag(:trap_exit, true)
  :ok = File.touch(path <> ".lock")
  {:ok, %{lock: path <> ".lock"}}
end

@impl true
def terminate(_reason, %{lock: lock}), do: File.rm(lock)
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for module in ctx.modules:
            anchor = ctx.is_genserver(module)
            if anchor is None:
                continue
            traps, resources = _acquisitions(ctx, module)
            if not traps and not resources:
                continue
            terminate = module.clauses("terminate", 2)
            held = ", ".join(sorted({what for what, _ in resources}))
            sure = max((c for _, c in resources), key=lambda c: c.rank, default=Confidence.LOW)
            if not terminate and resources:
                yield self.finding_on_line(
                    ctx,
                    anchor,
                    f"GenServer holds {held} but defines no terminate/2",
                    confidence=sure,
                )
            elif not terminate and (flush := _timed_flush(ctx, module)):
                yield self.finding_on_line(
                    ctx,
                    anchor,
                    f"GenServer traps exits and writes out its state on a timer ({flush}), but "
                    "defines no terminate/2: what is pending at shutdown is lost",
                )
            elif not terminate:
                yield self.finding_on_line(
                    ctx,
                    anchor,
                    "GenServer traps exits but defines no terminate/2: nothing is cleaned up "
                    "on shutdown",
                    confidence=Confidence.LOW,
                )
            elif resources and not _releases(module, terminate):
                yield self.finding_on_line(
                    ctx,
                    anchor,
                    f"GenServer holds {held} but terminate/2 releases none of it",
                    confidence=sure,
                )
            elif resources and not traps:
                yield self.finding_on_line(
                    ctx,
                    anchor,
                    f"terminate/2 releases {held}, but the server does not trap exits: a "
                    "supervisor's shutdown skips terminate/2",
                    confidence=sure,
                )


def _acquisitions(ctx: FileContext, module: ModuleDef) -> tuple[bool, list[tuple[str, Confidence]]]:
    """Whether the server process traps exits, and the resources it acquires that may outlive
    it, in its own code (callbacks and the local functions they reach, terminate/2 aside;
    neither the client API nor tasks it starts)."""
    code = {f for f in process_code(ctx, module, "genserver") if f.name != "terminate"}

    def in_scope(node: Node) -> bool:
        return runs_in_process(ctx, code, node)

    traps = traps_exits(ctx, code)
    resources: list[tuple[str, Confidence]] = []
    for target, (what, sure) in ACQUIRE.items():
        mod, fun = target.rsplit(".", 1)
        for call in ctx.remote(fun, module=mod):
            if not in_scope(call.node):
                continue
            if target.startswith("File.touch") and _mentions_lock(call.node):
                resources.append(("a lock file", Confidence.MEDIUM))
            elif target.startswith(":telemetry"):
                resources.append(_telemetry_handler(ctx, call.node))
            else:
                resources.append((what, sure))
    lowered = ctx.source.lower()
    if any(word.encode() in lowered for word in LOCK_WORDS):
        for fn in sorted(code, key=lambda f: f.start_byte):
            for node in walk(fn.node):
                name = call_target(node) if node.type == "call" else None
                if name is None or name in ACQUIRE or not in_scope(node):
                    continue
                if _inserts_lock_row(node, name):
                    resources.append(("a lock or lease row", Confidence.MEDIUM))
                elif _is_lock_acquire(name):
                    # a lock taken for this pid can be freed by the lock's owner when it dies
                    sure = Confidence.LOW if _mentions_self(node) else Confidence.MEDIUM
                    resources.append(("a lock or lease", sure))
    return traps, resources


def _telemetry_handler(ctx: FileContext, attach: Node) -> tuple[str, Confidence]:
    """How much a telemetry handler left attached after the server died matters. Under an id
    made with ``self()`` it does little: the restarted server attaches its own under a new id,
    and the old one only messages a dead pid or writes to a deleted table (telemetry detaches
    a handler that raises). Under a fixed id the restarted server cannot attach again:
    ``{:error, :already_exists}`` crashes an ``:ok = :telemetry.attach(...)`` at every
    restart, and a handler bound to the dead process keeps the new one from getting events.
    Detaching the id first (in the same function) makes the restart safe."""
    args = arguments(attach)
    fn = ctx.function_at(attach.start_byte)
    handler_id = args[0] if args else None
    if handler_id is None or fn is None:
        return "a telemetry handler", Confidence.LOW
    if "self()" in _bound_text(fn, handler_id, attach.start_byte):
        return "a telemetry handler attached for this pid", Confidence.LOW
    if _detached_before(fn, attach, text(handler_id)):
        return "a telemetry handler", Confidence.LOW
    config = _bound_text(fn, args[3], attach.start_byte) if len(args) >= 4 else ""
    if _result_required(attach) or "self()" in config:
        return "a telemetry handler under a fixed id", Confidence.MEDIUM
    return "a telemetry handler", Confidence.LOW


def _bound_text(fn: FunctionDef, node: Node, before: int) -> str:
    """The text of ``node``, or of what the variable ``node`` was last bound to before."""
    if node.type == "identifier":
        bound = last_binding(fn, text(node), before)
        if bound is not None:
            return text(bound)
    return text(node)


def _detached_before(fn: FunctionDef, attach: Node, handler_id: str) -> bool:
    return any(
        n.type == "call"
        and n.end_byte <= attach.start_byte
        and call_target(n) == ":telemetry.detach"
        and [text(a) for a in arguments(n)] == [handler_id]
        for n in walk(fn.node)
    )


def _result_required(call: Node) -> bool:
    """``:ok = call`` or ``:ok <- call``: anything else than :ok raises."""
    parent = call.parent
    return (
        parent is not None
        and parent.type == "binary_operator"
        and text(parent.child_by_field_name("operator")) in ("=", "<-")
        and parent.child_by_field_name("right") == call
        and text(parent.child_by_field_name("left")) == ":ok"
    )


def _timed_flush(ctx: FileContext, module: ModuleDef) -> str:
    """The timer message (``:flush``) with which the server writes out what it buffered, when
    it has one: a message it sends itself later whose name, or the name of a local function
    its handle_info clause calls, says it saves (flush, persist, save, sync, write...)."""
    code = process_code(ctx, module, "genserver")
    for target in TIMERS:
        mod, fun = target.rsplit(".", 1)
        for call in ctx.remote(fun, module=mod):
            if not runs_in_process(ctx, code, call.node):
                continue
            message = _timer_message(call.node)
            if message is None:
                continue
            if _saving(text(message)) or any(
                _saving(call_target(n) or "")
                for clause in _handlers_of(module, text(message))
                for n in walk(clause.node)
                if n.type == "call" and n.start_byte >= clause.head_end
            ):
                return text(message)
    return ""


def _timer_message(call: Node) -> Node | None:
    """The message of ``Process.send_after(self(), :flush, t)`` or ``:timer.send_interval(t,
    :flush)``, when it is an atom."""
    args = arguments(call)
    candidates = [a for a in args if a.type == "atom"]
    return candidates[0] if candidates else None


def _handlers_of(module: ModuleDef, message: str) -> list[FunctionDef]:
    out = []
    for clause in module.clauses("handle_info", 2):
        params = clause.params
        if params and text(params[0]) == message:
            out.append(clause)
    return out


def _saving(name: str) -> bool:
    words = set(name.lstrip(":").rsplit(".", 1)[-1].rstrip("!?").split("_"))
    return bool(words & SAVE_WORDS)


def _mentions_lock(call: Node) -> bool:
    args = text(call).lower()
    return any(w in args for w in (*LOCK_WORDS, ".pid"))


def _mentions_self(call: Node) -> bool:
    return "self()" in text(call)


def _is_lock_acquire(target: str) -> bool:
    """``Locks.acquire(...)``, ``:global.set_lock``, ``Repo.insert(lock_row)``: a call of a
    module (``state.lock_fun.()`` or ``opts.lock`` reads a field, it takes no lock)."""
    if "." not in target:
        return False
    module, fun = target.rsplit(".", 1)
    if not module[:1].isupper() and not module.startswith(":"):
        return False
    lowered = target.lower()
    return any(w in lowered for w in LOCK_WORDS) and (
        fun.startswith(("acquire", "lock", "take", "claim")) or "Repo" in module
    )


def _inserts_lock_row(call: Node, target: str) -> bool:
    """``Repo.insert(%Lease{...})`` and friends: a lock or lease row written to the database."""
    module, _, fun = target.rpartition(".")
    if not module.endswith("Repo") or not fun.startswith("insert"):
        return False
    args = effective_arguments(call)
    return bool(args) and any(w in text(args[0]).lower() for w in LOCK_WORDS)


def _releases(module: ModuleDef, terminate: list[FunctionDef]) -> bool:
    """terminate/2 (or a local function it calls) calls something that releases."""
    local = {f.name: f for f in module.functions}
    pending: list[Node] = [c.node for c in terminate]
    seen: set[str] = {"terminate"}
    while pending:
        for node in walk(pending.pop()):
            target = call_target(node) if node.type == "call" else None
            if target is None:
                continue
            if "." in target and target.rsplit(".", 1)[1] in RELEASE_FUNS:
                return True
            if target in local and target not in seen:
                seen.add(target)
                pending.extend(f.node for f in module.functions if f.name == target)
    return False
