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
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register

ACQUIRE: dict[str, str] = {
    "Port.open": "an OS process (Port.open)",
    ":erlang.open_port": "an OS process (open_port)",
    "File.open": "an open file",
    "File.open!": "an open file",
    ":file.open": "an open file",
    "File.touch": "a lock or temp file",
    "File.touch!": "a lock or temp file",
    ":global.set_lock": "a global lock",
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
        "release",
        "unlock",
        "stop",
        "kill",
        "cmd",
    }
)
LOCK_WORDS = ("lock", "lease", "mutex")


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
    )
    rationale = (
        "A GenServer that acquires things the VM does not clean up for it (lock or lease "
        "rows, lock and temp files, OS processes behind ports) must release them in "
        "terminate/2; one that traps exits does so precisely so terminate/2 runs on "
        "shutdown. Without it, a restart finds the lock still held and the file still there."
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
            if not terminate:
                held = ", ".join(sorted(set(resources))) or "trapped exits"
                yield self.finding_on_line(
                    ctx, anchor, f"GenServer holds {held} but defines no terminate/2"
                )
            elif resources and not _releases(module, terminate):
                held = ", ".join(sorted(set(resources)))
                yield self.finding_on_line(
                    ctx, anchor, f"GenServer holds {held} but terminate/2 releases none of it"
                )


def _acquisitions(ctx: FileContext, module: ModuleDef) -> tuple[bool, list[str]]:
    """Whether ``module`` traps exits, and what releasable resources it acquires (outside
    terminate/2). Looks up the few calls that matter instead of walking every function."""

    def in_scope(node: Node) -> bool:
        fn = ctx.function_at(node.start_byte)
        return fn is not None and fn.module is module and fn.name != "terminate"

    traps = False
    for call in ctx.remote("flag", module="Process"):
        args = arguments(call.node)
        if in_scope(call.node) and len(args) == 2 and text(args[0]) == ":trap_exit":
            traps = traps or text(args[1]) == "true"
    resources: list[str] = []
    for target, what in ACQUIRE.items():
        mod, fun = target.rsplit(".", 1)
        resources.extend(what for c in ctx.remote(fun, module=mod) if in_scope(c.node))
    lowered = ctx.source.lower()
    if any(word.encode() in lowered for word in LOCK_WORDS):
        for fn in module.functions:
            if fn.name == "terminate":
                continue
            for node in walk(fn.node):
                name = call_target(node) if node.type == "call" else None
                if name is None or name in ACQUIRE:
                    continue
                if _is_lock_acquire(name) or _inserts_lock_row(node, name):
                    resources.append("a lock or lease")
    return traps, resources


def _is_lock_acquire(target: str) -> bool:
    if "." not in target:
        return False
    module, fun = target.rsplit(".", 1)
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
