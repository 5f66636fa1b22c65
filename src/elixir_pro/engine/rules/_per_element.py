"""What runs per element of a loop, and where the loop lives, for ``n-plus-one``:

- :func:`runs_once`: a query that cannot run per element although it sits in a loop body: in
  the ``{:halt, ...}`` branch of ``Enum.reduce_while`` (it stops the loop), or in a clause of a
  reduce over a map of filter options that composes a query (one clause per key);
- :func:`per_element_work`: the writes and external calls the loop body makes, directly or
  through the module's own helpers (then the read is one step of a per-row procedure), and
  whether the body calls back the function the loop is in (a recursive traversal: each
  level is only known after loading the previous one);
- :func:`one_off`: code run by hand, once or rarely: Mix tasks, modules of a ``Scripts``,
  ``Seeds`` or ``Release`` namespace, modules whose ``@moduledoc`` says they are one-off,
  backfill or console tasks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    arguments,
    effective_arguments,
    text,
)
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rules import _flow as flow
from elixir_pro.engine.rules._common import HTTP_MODULES
from elixir_pro.engine.rules._sources import PASS_MODULES, TRUSTED_MODULES

#: Repo functions that write.
REPO_WRITES = frozenset(
    {"insert", "insert!", "update", "update!", "delete", "delete!", "insert_or_update"}
    | {"insert_or_update!", "insert_all", "update_all", "delete_all"}
)
#: Names of calls into other modules that change something or talk to the outside.
_EFFECT_NAME = re.compile(
    r"^(send|deliver|notify|push|post|publish|create|update|delete|remove|insert|upsert|revoke"
    r"|track|sync|enqueue|schedule|charge|refund|email|mail|start|cancel|destroy|archive"
    r"|invite|promote|execute|set|mark|add|save|store|write|persist|reset|expire|disable"
    r"|enable|activate|deactivate|grant|assign|subscribe|unsubscribe|register|approve|submit"
    r"|upload)(_|!|$)"
    r"|_or_(create|insert|update)"
)
#: Modules whose calls change nothing outside the process.
_QUIET_MODULES = (
    PASS_MODULES
    | TRUSTED_MODULES
    | {"Logger", "Process", "Ecto.Query", "Ecto.Changeset", "Jason", "Integer", "Float"}
    | {"Timex", "Decimal", "IO", "Phoenix.PubSub", "Task", "GenServer", "Registry", ":ets"}
)
_MAX_DEPTH = 4
_QUERYISH = re.compile(r"(^|_)(query|queryable|q)$")
_OPTIONS = re.compile(r"(filter|filters|opts|options|criteria|args|params|where)$")
_ONE_OFF_DOC = re.compile(
    r"\bone[- ]off\b|remote[_ ]console|(called|run|invoked|used) from (an? |the )?iex\b"
    r"|\brelease tasks?\b|\bdata migration|\bmigration script|\bbackfill script",
    re.IGNORECASE,
)
#: Namespaces of modules run by hand (``MyApp.Scripts.FixSlugs``, ``MyApp.Seeds.Dev``).
_SCRIPT_NAMESPACES = frozenset({"Scripts", "Seeds", "ReleaseTasks"})
#: Modules run by hand, by their own last name (``MyApp.Release``, ``MyApp.ReleaseTasks``).
_SCRIPT_MODULES = frozenset({"Seeds", "ReleaseTasks"})


# -- queries that run once ----------------------------------------------------------------


def runs_once(call: Node, loop: Node, body: Node | None) -> bool:
    """``call`` sits in the loop body but runs at most once per loop (or once per key of a
    map of options): see the module docstring."""
    name = call_target(loop) or ""
    if name.endswith("reduce_while") and _in_halt_branch(call, body):
        return True
    return name.endswith(".reduce") and _in_filter_clause(call, loop, body)


def _in_halt_branch(call: Node, body: Node | None) -> bool:
    child, node = call, call.parent
    while node is not None and (body is None or node != body):
        if node.type == "tuple" and _tag(node) == ":halt":
            return True
        if node.type in flow.SEQUENCES:
            last = flow.last_statement(node)
            if (
                last is not None
                and last != child
                and last.type == "tuple"
                and _tag(last) == ":halt"
            ):
                return True
        child, node = node, node.parent
    return False


def _tag(tuple_node: Node) -> str:
    first = tuple_node.named_child(0)
    return text(first) if first is not None else ""


def _in_filter_clause(call: Node, loop: Node, body: Node | None) -> bool:
    """A reduce over ``{key, value}`` pairs of options into a query: each clause handles one
    key, so a lookup inside runs once per option, not per row."""
    if body is None or body.type != "anonymous_function":
        return False
    clause = next(
        (c for c in body.named_children if c.start_byte <= call.start_byte < c.end_byte), None
    )
    left = clause.child_by_field_name("left") if clause is not None else None
    patterns = flow.clause_patterns(left) if left is not None else []
    if len(patterns) != 2 or patterns[0].type != "tuple":
        return False
    args = effective_arguments(loop)
    collection = args[0] if args else None
    initial = args[1] if len(args) >= 3 else None
    return bool(
        _QUERYISH.search(text(patterns[1]).lstrip("_"))
        or (initial is not None and _QUERYISH.search(text(initial)))
        or (
            collection is not None
            and collection.type == "identifier"
            and _OPTIONS.search(text(collection))
        )
    )


# -- what the body does -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Work:
    #: A write or an outside call the body makes (``"Repo.update!"``), or "".
    effect: str = ""
    #: The body calls back the function the loop is in.
    recursive: bool = False


def per_element_work(
    ctx: FileContext, loop: Node, body: Node | None, read_names: re.Pattern[str]
) -> Work:
    """The writes and outside calls of the loop body (and the module's helpers it calls), and
    whether it recurses into the loop's own function. ``read_names`` tells project functions
    that read from the others."""
    fn = ctx.function_at(loop.start_byte)
    if body is None or fn is None:
        return Work()
    module = fn.module
    effect = ""
    recursive = False
    seen: set[int] = set()
    frontier: list[tuple[Node, int]] = [(body, 0)]
    while frontier:
        node, depth = frontier.pop()
        for sub in walk(node):
            if sub.type == "call":
                target = sub.child_by_field_name("target")
                if target is None:
                    continue
                if target.type == "identifier":
                    name = text(target)
                    if name == fn.name:
                        recursive = True
                    frontier.extend(_local_clauses(ctx, module, name, seen, depth))
                elif not effect:
                    effect = _effect(ctx, sub, read_names)
            elif sub.type == "binary_operator" and text(sub.child_by_field_name("operator")) == "/":
                left = sub.child_by_field_name("left")
                if left is not None and left.type == "identifier" and _captured(sub):
                    name = text(left)
                    if name == fn.name:
                        recursive = True
                    frontier.extend(_local_clauses(ctx, module, name, seen, depth))
    return Work(effect, recursive)


def _captured(node: Node) -> bool:
    parent = node.parent
    return (
        parent is not None
        and parent.type == "unary_operator"
        and text(parent.child_by_field_name("operator")) == "&"
    )


def _local_clauses(
    ctx: FileContext, module: ModuleDef | None, name: str, seen: set[int], depth: int
) -> list[tuple[Node, int]]:
    if depth >= _MAX_DEPTH:
        return []
    out: list[tuple[Node, int]] = []
    pool: list[FunctionDef] = module.functions if module is not None else ctx.functions
    for clause in pool:
        if clause.name == name and clause.start_byte not in seen and clause.body is not None:
            seen.add(clause.start_byte)
            out.append((clause.body, depth + 1))
    return out


def _effect(ctx: FileContext, call: Node, read_names: re.Pattern[str]) -> str:
    target = call_target(call)
    if target is None or "." not in target:
        return ""
    module, _, fun = target.rpartition(".")
    if module == "Repo" or module.endswith(".Repo"):
        return target if fun in REPO_WRITES else ""
    if module in ("Ecto.Multi", "Multi"):
        return target if fun != "new" else ""
    if module in HTTP_MODULES:
        return target
    if module in _QUIET_MODULES or not module[:1].isupper() or fun.endswith("changeset"):
        return ""  # the standard library, Erlang modules, a field, a changeset built
    if _project_function(ctx, module, fun) and not read_names.match(fun):
        return target
    return target if _EFFECT_NAME.search(fun) else ""


def _project_function(ctx: FileContext, written: str, fun: str) -> bool:
    return any(
        fun in names and (module == written or module.endswith("." + written))
        for module, names in ctx.project_repo_functions.items()
    )


# -- code run by hand ---------------------------------------------------------------------


def one_off(ctx: FileContext, module: ModuleDef | None) -> str:
    """Why the module's code runs by hand, once or rarely ("a Mix task"), or ""."""
    if module is None:
        return ""
    name = module.name
    if name.startswith("Mix.Tasks.") or "/mix/tasks/" in f"/{ctx.path}":
        return "a Mix task"
    segments = name.split(".")
    if (
        _SCRIPT_NAMESPACES.intersection(segments[1:-1])
        or segments[-1] in _SCRIPT_MODULES
        or segments[1:] == ["Release"]
    ) and not _defines_data(ctx, module):
        return f"{name}, a script module"
    doc = _moduledoc(ctx, module)
    if doc and _ONE_OFF_DOC.search(doc):
        return f"{name}, documented as run by hand"
    return ""


def run_by_hand(ctx: FileContext, fn: FunctionDef) -> str:
    """Why ``fn`` runs by hand: its module is one (:func:`one_off`), or its own ``@doc`` says
    so ("call this from iex"); else ""."""
    why = one_off(ctx, fn.module)
    if why:
        return why
    doc = _function_doc(ctx, fn)
    if doc and _ONE_OFF_DOC.search(doc):
        return f"{fn.name}/{fn.arity}, documented as run by hand"
    return ""


def _function_doc(ctx: FileContext, fn: FunctionDef) -> str:
    """The ``@doc`` string written right before ``fn`` (after the previous function)."""
    pool = fn.module.functions if fn.module is not None else ctx.functions
    previous = max((f.end_byte for f in pool if f.end_byte <= fn.start_byte), default=0)
    found = ""
    for attr in ctx.attributes("doc"):
        if previous <= attr.start_byte < fn.start_byte:
            operand = attr.child_by_field_name("operand")
            args = arguments(operand) if operand is not None else []
            if args and args[0].type in ("string", "sigil"):
                found = text(args[0])
    return found


def _defines_data(ctx: FileContext, module: ModuleDef) -> bool:
    """The module is part of the application's model or runtime: an Ecto schema or a
    process (``NervesHub.Scripts.Script`` is a schema of device scripts, not a script)."""
    return ctx.uses(module, "Ecto.Schema", "GenServer", "Oban.Worker", "Supervisor") is not None


def _moduledoc(ctx: FileContext, module: ModuleDef) -> str:
    for attr in ctx.attributes("moduledoc"):
        if ctx.module_at(attr.start_byte) is not module:
            continue
        operand = attr.child_by_field_name("operand")
        args = arguments(operand) if operand is not None else []
        if args and args[0].type in ("string", "sigil"):
            return text(args[0])
    return ""


# -- lookups by a foreign key ---------------------------------------------------------------


def foreign_key_lookup(call: Node, body: Node | None) -> str:
    """``el.author_id`` when the query ``call`` looks up a record by a ``*_id`` field of the
    loop's element (``Repo.get(User, post.author_id)``): the elements are rows, and this is
    the association a preload would load for all of them at once; else ""."""
    if body is None:
        return ""
    names = _element_names(call, body)
    for sub in walk(call):
        if sub.type != "call" or sub.named_child_count != 1:
            continue
        target = sub.child_by_field_name("target")
        if target is None or target.type != "dot":
            continue
        left = target.child_by_field_name("left")
        right = target.child_by_field_name("right")
        if left is None or right is None or not text(right).endswith("_id"):
            continue
        if text(left) in names:
            return text(sub)
    return ""


def _element_names(call: Node, body: Node) -> set[str]:
    if body.type != "anonymous_function":
        return {"&1"}
    for clause in body.named_children:
        if clause.start_byte <= call.start_byte < clause.end_byte:
            left = clause.child_by_field_name("left")
            patterns = flow.clause_patterns(left) if left is not None else []
            if patterns and patterns[0].type == "identifier":
                return {text(patterns[0])}
    return set()
