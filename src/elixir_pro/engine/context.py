"""The per-file context every rule reads: path, source bytes, tree, and cheap lazy indexes
(calls by name, remote calls, module and function spans, loop bodies).

Rules look things up here instead of re-walking the whole tree, which keeps a full audit close
to the cost of parsing. Indexes are built lazily, so a rule that is skipped costs nothing.
Used by the rules under ``engine/rules/``, by suppression and by the analyzer.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from tree_sitter import Node, Tree

from elixir_pro.engine.locate import Locator, alias_at
from elixir_pro.engine.locate import RemoteCall as RemoteCall
from elixir_pro.engine.nodes import argument_count as argument_count
from elixir_pro.engine.nodes import arguments as arguments
from elixir_pro.engine.nodes import arguments_node as arguments_node
from elixir_pro.engine.nodes import contains as contains
from elixir_pro.engine.nodes import do_body as do_body
from elixir_pro.engine.nodes import effective_arguments as effective_arguments
from elixir_pro.engine.nodes import keyword_value as keyword_value
from elixir_pro.engine.nodes import pipe_subject as pipe_subject
from elixir_pro.engine.nodes import statements as statements
from elixir_pro.engine.nodes import text as text
from elixir_pro.engine.scope import TEST, category

DEF_KINDS = frozenset({"def", "defp", "defmacro", "defmacrop"})
TYPESPEC_ATTRIBUTES = frozenset({"spec", "callback", "macrocallback", "type", "typep", "opaque"})


class FunctionDef:
    """One clause of a ``def``/``defp``/``defmacro``. The name is read when the file is indexed;
    the head (parameters, guard, arity) and the body are worked out on first use."""

    __slots__ = (
        "_arity",
        "_body",
        "_head",
        "end_byte",
        "kind",
        "module",
        "name",
        "node",
        "start_byte",
    )

    def __init__(self, kind: str, name: str, node: Node) -> None:
        self.kind = kind
        self.name = name
        self.node = node
        self.start_byte = node.start_byte
        self.end_byte = node.end_byte
        self.module: ModuleDef | None = None
        self._head: tuple[Node | None, Node | None, int] | None = None
        self._arity: int | None = None
        self._body: tuple[Node | None] | None = None

    def __repr__(self) -> str:
        return f"FunctionDef({self.kind} {self.name} at byte {self.start_byte})"

    def _parse_head(self) -> tuple[Node | None, Node | None, int]:
        """(head call or identifier, guard, end of head)."""
        if self._head is None:
            args = arguments_node(self.node)
            first = args.named_child(0) if args is not None else None
            head, guard = first, None
            if (
                first is not None
                and first.type == "binary_operator"
                and first.child_by_field_name("operator") is not None
                and text(first.child_by_field_name("operator")) == "when"
            ):
                guard = first.child_by_field_name("right")
                head = first.child_by_field_name("left")
            self._head = (head, guard, first.end_byte if first is not None else self.start_byte)
        return self._head

    @property
    def params(self) -> list[Node]:
        head = self._parse_head()[0]
        return arguments(head) if head is not None and head.type == "call" else []

    @property
    def guard(self) -> Node | None:
        return self._parse_head()[1]

    @property
    def arity(self) -> int:
        if self._arity is None:
            head = self._parse_head()[0]
            self._arity = argument_count(head) if head is not None and head.type == "call" else 0
        return self._arity

    @property
    def head_end(self) -> int:
        """Where the head (name, parameters, guard) ends: the body starts after it."""
        return self._parse_head()[2]

    @property
    def body(self) -> Node | None:
        if self._body is None:
            self._body = (do_body(self.node),)
        return self._body[0]


@dataclass(slots=True)
class ModuleDef:
    name: str
    node: Node
    uses: list[tuple[str, Node]] = field(default_factory=list)
    functions: list[FunctionDef] = field(default_factory=list)

    def clauses(self, name: str, arity: int | None = None) -> list[FunctionDef]:
        return [
            f
            for f in self.functions
            if f.name == name and (arity is None or f.arity == arity) and f.kind == "def"
        ]


def _function_def(kind: str, node: Node, source: bytes) -> FunctionDef | None:
    """A clause from its ``def`` call, named by reading the identifier after the keyword."""
    match = _DEF_NAME.match(source, node.start_byte + len(kind))
    if match is None or match.group(1) == b"unquote":
        return None
    return FunctionDef(kind, match.group(1).decode(), node)


class FileContext:
    """Everything a rule may look at for one file. Built once per (path, content)."""

    def __init__(self, path: str, source: bytes, tree: Tree) -> None:
        self.path = path
        self.source = source
        self.tree = tree
        self.root = tree.root_node
        #: The path's category (``lib``, ``test``, ``script``, ``config``, ``build``).
        self.category = category(path)
        self.is_test = self.category == TEST
        self.is_mix_exs = path == "mix.exs" or path.endswith("/mix.exs")
        #: Callbacks of the behaviours the project defines (``{module: {(name, arity)}}``).
        self.project_callbacks: Mapping[str, frozenset[tuple[str, int]]] = {}
        #: Public functions of the project's other modules that query the Repo, directly or
        #: through local helpers (``{module: {name}}``): filled by the project analyzer.
        self.project_repo_functions: Mapping[str, frozenset[str]] = {}
        #: The project's Ecto schemas by last name segment: True when one of them defines a
        #: changeset function (``{"User": True}``): filled by the project analyzer.
        self.project_schemas: Mapping[str, bool] = {}
        #: For a ``mix.exs``: the deployment files beside it (Dockerfile, Procfile, fly.toml,
        #: ...) by relative path, filled by the analyzer (see ``engine/deploy.py``).
        self.deploy_files: Mapping[str, bytes] = {}
        self._locator = Locator(source, self.root)
        #: Which byte strings occur in the source, memoised by ``Rule.applies``.
        self.needles: dict[bytes, bool] = {}

    # -- call lookups (see engine/locate.py) -------------------------------------------------

    def calls(self, name: str) -> list[Node]:
        """Calls whose target is the bare identifier ``name`` (``def``, ``receive``, ``loop``)."""
        return self._locator.calls(name)

    def remote(
        self, fun: str, module: str | None = None, tail: str | None = None
    ) -> list[RemoteCall]:
        """Calls ``module.fun(...)`` with the exact module text, or, with ``tail``, of any
        module whose last segment is ``tail`` (``tail="Repo"`` matches ``MyApp.Repo``)."""
        if module is not None:
            return self._locator.remote(module, fun=fun).get(fun, [])
        if tail is not None:
            return self._locator.remote(tail, tail=True, fun=fun).get(fun, [])
        raise ValueError("remote() needs module= or tail=")

    def remote_module(self, module: str, tail: bool = False) -> dict[str, list[RemoteCall]]:
        """Every call into ``module`` (or a module ending in it, with ``tail``), by function."""
        return self._locator.remote(module, tail)

    def captures(self, name: str) -> list[Node]:
        """``&name/arity`` captures of the local function ``name``."""
        return self._locator.captures(name)

    def comments_with(self, marker: bytes) -> list[Node]:
        return self._locator.comments_with(marker)

    # -- modules and functions -------------------------------------------------------------

    @cached_property
    def modules(self) -> list[ModuleDef]:
        """Every ``defmodule`` in the file (nested ones too), in source order, with their
        ``use`` declarations and function clauses attached. Module names are read from the
        bytes right after the keyword (the node is already confirmed as a call)."""
        src = self.source
        mods = [
            ModuleDef(alias_at(src, node.start_byte + 9) or "?", node)
            for node in self.calls("defmodule")
        ]
        for use in self.calls("use"):
            mod = _innermost(mods, use.start_byte)
            used = alias_at(src, use.start_byte + 3)
            if mod is not None and used:
                mod.uses.append((used, use))
        for fn in self._functions:
            fn.module = _innermost(mods, fn.start_byte)
            if fn.module is not None:
                fn.module.functions.append(fn)
        return mods

    def module_at(self, byte: int) -> ModuleDef | None:
        """The innermost module whose span holds ``byte``."""
        return _innermost(self.modules, byte)

    @property
    def functions(self) -> list[FunctionDef]:
        """Every function clause in source order, each with its module attached."""
        _ = self.modules
        return self._functions

    @cached_property
    def _functions(self) -> list[FunctionDef]:
        found: list[FunctionDef] = []
        for kind in DEF_KINDS:
            for node in self.calls(kind):
                fn = _function_def(kind, node, self.source)
                if fn is not None:
                    found.append(fn)
        found.sort(key=lambda f: f.start_byte)
        return found

    @cached_property
    def _function_starts(self) -> list[int]:
        return [f.start_byte for f in self.functions]

    def function_at(self, byte: int) -> FunctionDef | None:
        """The (innermost) function clause whose span holds ``byte``."""
        i = bisect.bisect_right(self._function_starts, byte) - 1
        while i >= 0:
            fn = self.functions[i]
            if fn.start_byte <= byte < fn.end_byte:
                return fn
            i -= 1
        return None

    def module_functions(self, fn: FunctionDef) -> dict[str, list[FunctionDef]]:
        """Clauses of the functions defined in ``fn``'s module, by name."""
        out: dict[str, list[FunctionDef]] = {}
        pool = fn.module.functions if fn.module is not None else self.functions
        for other in pool:
            out.setdefault(other.name, []).append(other)
        return out

    def calls_in_body(self, fn: FunctionDef, name: str) -> list[Node]:
        """Calls of ``name`` inside ``fn``'s body (its own head excluded)."""
        return [c for c in self.calls(name) if fn.head_end <= c.start_byte < fn.end_byte]

    def is_recursive(self, fn: FunctionDef) -> bool:
        return bool(self.calls_in_body(fn, fn.name))

    def uses(self, module: ModuleDef, *names: str) -> Node | None:
        """The ``use X`` node in ``module`` for the first matching name, else None."""
        for used, node in module.uses:
            if used in names:
                return node
        return None

    def attributes(self, name: str) -> list[Node]:
        """``@name value`` attribute nodes (the ``unary_operator``)."""
        out: list[Node] = []
        for call in self.calls(name):
            parent = call.parent
            if (
                parent is not None
                and parent.type == "unary_operator"
                and text(parent.child_by_field_name("operator")) == "@"
            ):
                out.append(parent)
        return out

    def behaviours(self, module: ModuleDef) -> list[tuple[str, Node]]:
        """``@behaviour X`` declarations inside ``module`` (own body only)."""
        out: list[tuple[str, Node]] = []
        for attr in self.attributes("behaviour"):
            if self.module_at(attr.start_byte) is module:
                operand = attr.child_by_field_name("operand")
                args = arguments(operand) if operand is not None else []
                if args:
                    out.append((text(args[0]), attr))
        return out

    def is_genserver(self, module: ModuleDef) -> Node | None:
        """The ``use GenServer`` (or ``@behaviour GenServer``) node of a GenServer module."""
        node = self.uses(module, "GenServer")
        if node is not None:
            return node
        for name, attr in self.behaviours(module):
            if name == "GenServer":
                return attr
        return None

    # -- generated and compile-time code --------------------------------------------------

    @cached_property
    def _quote_spans(self) -> list[tuple[int, int]]:
        return [(q.start_byte, q.end_byte) for q in self.calls("quote")]

    def in_quote(self, byte: int) -> bool:
        """True inside a ``quote`` block: code generated for another module, where the
        pattern belongs to the code that uses it, not to this file."""
        return any(start <= byte < end for start, end in self._quote_spans)

    def at_runtime(self, byte: int) -> bool:
        """True in the body of a ``def``/``defp`` outside any ``quote``: code this module runs
        at runtime. Module bodies, macros and quoted code run at compile time or elsewhere."""
        fn = self.function_at(byte)
        return fn is not None and fn.kind in ("def", "defp") and not self.in_quote(byte)

    def is_signature(self, call: Node) -> bool:
        """True when ``call`` names a function instead of running it: the head of a
        ``def``/``defp``/``defmacro`` (``def receive(conn)``) or a call inside a typespec
        (``@spec receive(t) :: t``). ``calls(name)`` returns those too, being a lookup by name."""
        head, parent = call, call.parent
        if (
            parent is not None
            and parent.type == "binary_operator"
            and parent.child_by_field_name("left") == call
            and text(parent.child_by_field_name("operator")) == "when"
        ):
            head, parent = parent, parent.parent
        if parent is not None and parent.type == "arguments":
            owner = parent.parent
            if owner is not None and owner.type == "call" and parent.named_child(0) == head:
                target = owner.child_by_field_name("target")
                if target is not None and text(target) in DEF_KINDS:
                    return True
        node = call.parent
        while node is not None:
            if node.type == "unary_operator" and text(node.child_by_field_name("operator")) == "@":
                operand = node.child_by_field_name("operand")
                target = operand.child_by_field_name("target") if operand is not None else None
                return target is not None and text(target) in TYPESPEC_ATTRIBUTES
            if node.type in ("do_block", "stab_clause"):
                return False
            node = node.parent
        return False

    # -- loops -----------------------------------------------------------------------------

    @cached_property
    def loop_bodies(self) -> list[tuple[Node, Node]]:
        """(loop call, per-element body) for Enum/Stream callbacks and ``for`` bodies that run
        at runtime: inside a function clause. A ``for`` in a module body (or in a macro, outside
        ``quote``) runs once at compile time, typically to define functions."""
        out: list[tuple[Node, Node]] = []
        for mod in ("Enum", "Stream", "Task"):
            for fun, calls in self.remote_module(mod).items():
                if fun not in LOOP_FUNS or (mod == "Task") != (fun == "async_stream"):
                    continue
                for call in calls:
                    args = arguments(call.node)
                    if args and args[-1].type in ("anonymous_function", "unary_operator"):
                        out.append((call.node, args[-1]))
        for node in self.calls("for"):
            body = do_body(node)
            if body is not None:
                out.append((node, body))
        out = [pair for pair in out if self._runtime_loop(pair[0])]
        out.sort(key=lambda pair: pair[1].start_byte)
        return out

    def _runtime_loop(self, loop: Node) -> bool:
        fn = self.function_at(loop.start_byte)
        if fn is None:
            return False
        return fn.kind in ("def", "defp") or self.in_quote(loop.start_byte)

    def loop_around(self, node: Node) -> Node | None:
        """The innermost loop call whose per-element body holds ``node`` in the same function
        clause (a ``def`` generated by a loop is not run per element of it), else None."""
        found: Node | None = None
        for loop, body in self.loop_bodies:
            if body.start_byte > node.start_byte:
                break
            if contains(body, node) and self.function_at(loop.start_byte) is self.function_at(
                node.start_byte
            ):
                found = loop
        return found


LOOP_FUNS = frozenset(
    {"map", "each", "flat_map", "reduce", "reduce_while", "map_reduce", "filter", "reject"}
    | {"find", "async_stream"}
)


_DEF_NAME = re.compile(rb"[ \t]+([a-z_][A-Za-z0-9_]*[?!]?)")


def _innermost(modules: list[ModuleDef], byte: int) -> ModuleDef | None:
    if len(modules) == 1:
        only = modules[0]
        return only if only.node.start_byte <= byte < only.node.end_byte else None
    best: ModuleDef | None = None
    for mod in modules:
        if mod.node.start_byte > byte:
            break
        if byte < mod.node.end_byte:
            best = mod
    return best
