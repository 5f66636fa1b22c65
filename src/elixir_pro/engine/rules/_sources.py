"""The vocabulary and tables of the value tracer (``_taint.py``): origins and traces, which
callback parameters carry request data, which calls produce outside data, which are trusted,
which only pass data along, and which names read as allowlist checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, FunctionDef, ModuleDef, arguments, text


class Origin(IntEnum):
    """Where a value comes from, from harmless to attacker-controlled (ordered)."""

    SAFE = 0
    UNKNOWN = 1
    EXTERNAL = 2
    REQUEST = 3


@dataclass(frozen=True, slots=True)
class Trace:
    origin: Origin
    #: What the value was traced to, for messages ("the params of the controller action
    #: create/2"); empty for SAFE.
    why: str = ""
    #: The value is the result of a call the tracer cannot see into (not an argument passed
    #: in): a map read from it by string keys is not thereby request params.
    computed: bool = False
    #: The value is outside input only by its shape (read by string key from a map passed
    #: in, whose origin is not traced): what it is, without calling it params
    #: ("the value of the key \"status\" of a map passed to update/2").
    shaped: str = ""

    def worst(self, other: Trace) -> Trace:
        return other if other.origin > self.origin else self


REQUEST = Origin.REQUEST
EXTERNAL = Origin.EXTERNAL

#: ``conn.<field>`` values that come straight from the request.
CONN_FIELDS = frozenset(
    {
        "params",
        "body_params",
        "query_params",
        "path_params",
        "req_headers",
        "req_cookies",
        "cookies",
        "query_string",
        "path_info",
        "request_path",
    }
)

#: Reads of one key of a map: with a string key, the map has the shape of request params.
MAP_READS = frozenset(
    {("Map", "get"), ("Map", "fetch"), ("Map", "fetch!"), ("Access", "get"), ("Map", "pop")}
)

#: JSON decoders: the result is as trustworthy as the text decoded.
DECODERS = frozenset(
    (module, fun)
    for module in ("Jason", "JSON", "Poison", ":json")
    for fun in ("decode", "decode!")
)

_SOCKET = "data read from a socket"
REMOTE_SOURCES: dict[tuple[str, str], Trace] = {
    ("Plug.Conn", "read_body"): Trace(REQUEST, "the request body"),
    ("Plug.Conn", "get_req_header"): Trace(REQUEST, "a request header"),
    ("Plug.Conn", "fetch_query_params"): Trace(REQUEST, "the query params"),
    ("Phoenix.LiveView", "get_connect_params"): Trace(REQUEST, "the connect params"),
    (":gen_tcp", "recv"): Trace(REQUEST, _SOCKET),
    (":gen_udp", "recv"): Trace(REQUEST, _SOCKET),
    (":ssl", "recv"): Trace(REQUEST, _SOCKET),
}
_HTTP = Trace(EXTERNAL, "an HTTP response")
MODULE_SOURCES: dict[str, Trace] = {
    module: _HTTP
    for module in ("Req", "HTTPoison", "Tesla", "Finch", ":httpc", ":hackney", "Mint.HTTP")
}
LOCAL_SOURCES: dict[str, Trace] = {
    "read_body": Trace(REQUEST, "the request body"),
    "get_req_header": Trace(REQUEST, "a request header"),
    "fetch_query_params": Trace(REQUEST, "the query params"),
    "get_connect_params": Trace(REQUEST, "the connect params"),
}

#: Calls whose result is bounded or set by the operator (configuration, names of atoms that
#: already exist, dates and versions).
TRUSTED_REMOTE = frozenset(
    {
        ("String", "to_existing_atom"),
        ("Module", "split"),
        ("Module", "concat"),
        (":erlang", "atom_to_binary"),
        (":erlang", "atom_to_list"),
        (":erlang", "binary_to_existing_atom"),
        (":erlang", "phash2"),
        ("Macro", "to_string"),
    }
)
TRUSTED_MODULES = frozenset(
    {"Atom", "Date", "Time", "DateTime", "NaiveDateTime", "System"}
    | {"Application", "Node", "Mix", "Mix.Project", "Code", "Version", ":code"}
)
TRUSTED_LOCAL = frozenset({"node", "self", "make_ref", "__MODULE__"})
#: Library functions that hand their input back transformed: the result is as trustworthy
#: as the arguments.
PASS_MODULES = frozenset(
    {"String", "Enum", "List", "Map", "Keyword", "Path", "URI", "Base", "Stream", "Access"}
    | {"Tuple", "MapSet", "Kernel", "Macro", "Regex", "Plug.Conn.Query", "Phoenix.Naming"}
    | {"File"}  # a file's content is as trusted as the choice of the file
    | {":binary", ":string", ":lists", ":unicode", ":maps", ":proplists"}
)
PASS_LOCAL = frozenset(
    {"to_string", "to_charlist", "hd", "tl", "elem", "binary_part", "get_in", "then"}
    | {"inspect", "max", "min", "struct", "struct!", "length", "byte_size", "map_size"}
    | {"tuple_size", "round", "trunc", "div", "rem", "abs"}
)

_CHECK = re.compile(
    r"^(is_)?(valid|allowed|permitted|supported|known|whitelisted|allowlisted)(_\w+)?\??$"
    r"|_(valid|allowed|permitted|supported|known|whitelisted|allowlisted)\??$"
)
_CHECK_CALLS = frozenset({"member?", "has_key?", "is_atom", "any?", "is_existing_atom?"})


def is_check(name: str) -> bool:
    """A call that reads as an allowlist check of its argument (``valid_sort?(x)``,
    ``allowed_field?(x)``, ``Enum.member?(list, x)``)."""
    return name in _CHECK_CALLS or _CHECK.search(name) is not None


def stops(name: str) -> bool:
    """A call that ends the function when a check fails (``raise``, ``abort!``)."""
    return name in ("raise", "reraise", "throw", "exit") or "raise" in name or "abort" in name


def message_source(pattern: Node) -> Trace | None:
    """``{:tcp, socket, data}``-style messages carry data read from a socket."""
    if pattern.type != "tuple" or not pattern.named_children:
        return None
    tag = text(pattern.named_children[0])
    if tag in (":tcp", ":ssl", ":udp"):
        return Trace(REQUEST, _SOCKET)
    return None


# -- entry points ---------------------------------------------------------------------------

_WEB_KINDS = {
    ":controller": "controller",
    ":live_view": "live",
    ":live_component": "live",
    ":channel": "channel",
}
_USED_KINDS = {
    "Phoenix.Controller": "controller",
    "Phoenix.LiveView": "live",
    "Phoenix.LiveComponent": "live",
    "Phoenix.Channel": "channel",
    "Phoenix.Socket": "socket",
    "Phoenix.LiveDashboard.PageBuilder": "live",
}
#: {kind: {(callback, arity): {parameter index: what it carries}}}
_ENTRY: dict[str, dict[tuple[str, int], dict[int, str]]] = {
    "live": {
        ("handle_event", 3): {0: "the event name", 1: "the handle_event/3 params"},
        ("handle_params", 3): {0: "the handle_params/3 params", 1: "the URL"},
        ("mount", 3): {0: "the mount/3 params"},
    },
    "channel": {
        ("handle_in", 3): {0: "the event name", 1: "the handle_in/3 payload"},
        ("join", 3): {0: "the joined topic", 1: "the join/3 payload"},
    },
    "socket": {("connect", 3): {0: "the connect/3 params"}, ("connect", 2): {0: "the params"}},
}
_NOT_ACTIONS = frozenset({"init", "call", "action"})


def module_kind(module: ModuleDef) -> str:
    """``controller``, ``live``, ``channel``, ``socket`` or ""."""
    for used, node in module.uses:
        kind = _USED_KINDS.get(used)
        if kind:
            return kind
        args = arguments(node)
        if len(args) >= 2:
            kind_atom = text(args[1])
            if kind_atom in _WEB_KINDS:
                return _WEB_KINDS[kind_atom]
            if kind_atom.startswith(":") and kind_atom.endswith("_controller"):
                return "controller"  # use MyAppWeb, :api_controller
    return ""


def entry_point(ctx: FileContext, fn: FunctionDef, index: int) -> Trace | None:
    """The request data parameter ``index`` of ``fn`` carries, when ``fn`` is a callback the
    framework calls with it (controller actions, LiveView and Channel callbacks, socket
    messages); else None."""
    module = fn.module
    if module is None or fn.kind != "def":
        return None
    if fn.name == "handle_info" and fn.arity == 2 and index == 0 and fn.params:
        return message_source(fn.params[0])
    kind = module_kind(module)
    if kind == "controller" or (kind == "" and _named_action(module, fn)):
        if fn.arity == 2 and index == 1 and fn.name not in _NOT_ACTIONS:
            return Trace(REQUEST, f"the params of the controller action {fn.name}/2")
        return None
    what = _ENTRY.get(kind, {}).get((fn.name, fn.arity), {}).get(index)
    return Trace(REQUEST, what) if what else None


def _named_action(module: ModuleDef, fn: FunctionDef) -> bool:
    """An action of a controller module that does not ``use`` a known controller module:
    ``XController.name(conn, params)``."""
    params = fn.params
    return (
        module.name.endswith("Controller")
        and len(params) == 2
        and _is_conn(text(params[0]))
        and not module.name.startswith("Phoenix.")
    )


def _is_conn(param: str) -> bool:
    """``conn``, ``_conn``, ``_``, or a pattern bound to conn (``%{assigns: a} = conn``)."""
    bare = param.lstrip("_")
    if bare in ("conn", ""):
        return True
    left, _, right = param.rpartition("=")
    return bool(left) and (right.strip() == "conn" or left.strip() == "conn")
