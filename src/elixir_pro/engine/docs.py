"""Local Elixir documentation: module and function docs read from the installed BEAM files.

Erlang modules (``:ets``, ``:global.register_name/2``) are documented when the installed OTP
has their doc chunks (Debian's ``erlang-doc``, or an OTP built with docs), rendered as text by
``:shell_docs``; without them the answer points to the install and to erlang.org.

Used by the informative mode (the symbols a question mentions, found with
:func:`extract_symbols`, are looked up and their docs added to the context), by the offline
backend and by ``elixir-pro docs SYMBOL``. Lookups run ``Code.fetch_docs/1`` in one ``elixir
-e`` subprocess per batch (see ``docs_fetch.exs``); the symbols travel in an environment
variable, already split into module, function and arity, and are never put into code.
Answers are cached in memory for the life of the process. Every outcome is a value:
:class:`DocResult` when docs were found, :class:`DocsUnavailable` (with a one-line message)
when Elixir is missing, the symbol is unknown or undocumented, or the lookup failed.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from elixir_pro.engine.child import run_child

DEFAULT_TIMEOUT = 20.0
MAX_SYMBOLS = 8

_MODULE = r"(?:[A-Z]\w*(?:\.[A-Z]\w*)*|:[a-z]\w*)"
_FUNCTION = r"(?:[a-z_]\w*[?!]?|[-+*/<>=!&|^~\\.]+?)"
_SYMBOL = re.compile(
    rf"^(?:(?P<module>{_MODULE})(?:\.(?P<function>{_FUNCTION}))?"
    rf"|(?P<bare>[a-z_]\w*[?!]?))(?:/(?P<arity>\d{{1,3}}))?$"
)

Reason = Literal[
    "elixir-missing", "invalid-symbol", "not-found", "no-docs", "erlang", "timeout", "failed"
]


@dataclass(frozen=True, slots=True)
class DocEntry:
    """The docs of one function, macro or callback."""

    kind: str  # "function", "macro", "callback" or "macrocallback"
    name: str
    arity: int
    signatures: tuple[str, ...]
    doc: str
    deprecated: str = ""


@dataclass(frozen=True, slots=True)
class DocResult:
    """Docs found for ``symbol``: the module's docs when no function was named, otherwise every
    matching arity of the function (``Enum.reduce`` gives /2 and /3)."""

    symbol: str
    module: str
    function: str | None
    arity: int | None
    signatures: tuple[str, ...]
    markdown: str
    entries: tuple[DocEntry, ...] = ()

    @property
    def title(self) -> str:
        if self.function is None:
            return self.module
        arity = f"/{self.arity}" if self.arity is not None else ""
        return f"{self.module}.{self.function}{arity}"


@dataclass(frozen=True, slots=True)
class DocsUnavailable:
    """No docs for ``symbol``; ``message`` is one line for the user."""

    symbol: str
    reason: Reason
    message: str


DocsAnswer = DocResult | DocsUnavailable


@dataclass(frozen=True, slots=True)
class SymbolQuery:
    """A symbol split into its parts. ``module`` is "" for a bare ``spawn/1`` (Kernel)."""

    module: str
    function: str
    arity: int | None

    def wire(self) -> str:
        return f"{self.module}\t{self.function}\t{'' if self.arity is None else self.arity}"


def parse_symbol(symbol: str) -> SymbolQuery | None:
    """``Enum``, ``Enum.map``, ``Enum.map/2``, ``:ets``, ``:ets.lookup/2``, ``spawn/1``; None
    for anything else."""
    match = _SYMBOL.match(symbol.strip())
    if match is None:
        return None
    arity = int(match.group("arity")) if match.group("arity") else None
    if match.group("bare"):
        return SymbolQuery("", match.group("bare"), arity)
    function = match.group("function") or ""
    if arity is not None and not function:
        return None  # "Enum/2"
    return SymbolQuery(match.group("module"), function, arity)


def elixir_available() -> bool:
    return _find_elixir() is not None


def _find_elixir() -> str | None:
    return shutil.which("elixir", path=os.environ.get("PATH", os.defpath))


class DocsLookup:
    """Looks symbols up and remembers the answers (not failures that may pass, such as a
    timeout). Thread-safe; one instance serves the whole process (:func:`fetch_docs`)."""

    def __init__(
        self, *, timeout: float = DEFAULT_TIMEOUT, code_paths: Sequence[Path] = ()
    ) -> None:
        self.timeout = timeout
        self.code_paths = tuple(code_paths)  # ebin directories added with -pa (dependencies)
        self._cache: dict[str, DocsAnswer] = {}
        self._lock = threading.Lock()
        self.subprocess_runs = 0

    def fetch(self, symbol: str) -> DocsAnswer:
        return self.fetch_many([symbol])[0]

    def fetch_many(self, symbols: Sequence[str]) -> list[DocsAnswer]:
        """Answers in the order of ``symbols``; every uncached one in one subprocess."""
        keys = [s.strip() for s in symbols]
        with self._lock:
            missing = [k for k in dict.fromkeys(keys) if k not in self._cache]
        if missing:
            fresh = self._lookup(missing)
            with self._lock:
                for key, answer in fresh.items():
                    if not (isinstance(answer, DocsUnavailable) and answer.reason in _TRANSIENT):
                        self._cache[key] = answer
        else:
            fresh = {}
        with self._lock:
            return [fresh.get(k) or self._cache[k] for k in keys]

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def _lookup(self, symbols: list[str]) -> dict[str, DocsAnswer]:
        answers: dict[str, DocsAnswer] = {}
        queries: dict[str, SymbolQuery] = {}
        for symbol in symbols:
            query = parse_symbol(symbol)
            if query is None:
                answers[symbol] = DocsUnavailable(
                    symbol,
                    "invalid-symbol",
                    f"'{symbol}' is not an Elixir module or function "
                    "(try Enum, Enum.map, Enum.map/2 or :ets)",
                )
            else:
                queries[symbol] = query
        if queries:
            answers.update(self._run(queries))
        return answers

    def _run(self, queries: dict[str, SymbolQuery]) -> dict[str, DocsAnswer]:
        elixir = _find_elixir()
        if elixir is None:
            return _all(queries, "elixir-missing", "Elixir is not installed (no 'elixir' on PATH)")
        script = resources.files("elixir_pro.engine").joinpath("docs_fetch.exs").read_text("utf-8")
        env = dict(os.environ)
        env["ELIXIR_PRO_DOC_QUERIES"] = "\n".join(q.wire() for q in queries.values())
        env.setdefault("LANG", "C.UTF-8")
        self.subprocess_runs += 1
        try:
            code_path = [arg for ebin in self.code_paths for arg in ("-pa", str(ebin))]
            command = [elixir, *code_path, "-e", script]
            result = run_child(command, env=env, timeout=self.timeout)
        except OSError as exc:
            return _all(queries, "failed", f"could not run elixir: {exc.strerror or exc}")
        if result.timed_out:
            return _all(queries, "timeout", f"the docs lookup timed out after {self.timeout:g}s")
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            return _all(queries, "failed", f"the docs lookup failed: {last}")
        return _decode(queries, result.stdout)


_TRANSIENT = frozenset({"timeout", "failed", "elixir-missing"})


def _all(queries: dict[str, SymbolQuery], reason: Reason, message: str) -> dict[str, DocsAnswer]:
    return {symbol: DocsUnavailable(symbol, reason, message) for symbol in queries}


def _b64(text: str) -> str:
    return base64.b64decode(text).decode("utf-8", errors="replace")


def _decode(queries: dict[str, SymbolQuery], stdout: str) -> dict[str, DocsAnswer]:
    records: dict[int, list[list[str]]] = {}
    for line in stdout.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0].isdigit():
            records.setdefault(int(fields[0]), []).append(fields[1:])
    answers: dict[str, DocsAnswer] = {}
    for index, (symbol, query) in enumerate(queries.items()):
        answers[symbol] = _answer(symbol, query, records.get(index, []))
    return answers


def _answer(symbol: str, query: SymbolQuery, records: list[list[str]]) -> DocsAnswer:
    if not records:
        return DocsUnavailable(symbol, "failed", f"no answer from the docs lookup for {symbol}")
    first = records[0]
    if first[0] == "ERR":
        return _error(symbol, query, first[1], first[2] if len(first) > 2 else query.module)
    if first[0] == "ERL" and len(first) >= 5:
        module, function, text = first[1], _b64(first[2]), _b64(first[4]).strip("\n")
        arity = int(first[3]) if first[3] else query.arity
        title = f"{module}.{function}" if function else module
        markdown = f"# {title}\n\n```text\n{text}\n```\n"
        return DocResult(symbol, module, function or None, arity, (), markdown)
    if first[0] == "MOD":
        module, doc = first[1], _b64(first[2])
        markdown = f"# {module}\n\n{doc}".rstrip() + "\n"
        return DocResult(symbol, module, None, None, (), markdown)
    funs = [r for r in records if r[0] == "FUN" and len(r) >= 8]
    entries = tuple(
        DocEntry(
            r[2],
            _b64(r[3]),
            int(r[4]),
            tuple(s for s in _b64(r[5]).split("\x1e") if s),
            _b64(r[6]),
            _b64(r[7]),
        )
        for r in funs
    )
    module = funs[0][1] if funs else (query.module or "Kernel")
    arity = (
        query.arity
        if query.arity is not None
        else (entries[0].arity if len(entries) == 1 else None)
    )
    signatures = tuple(s for e in entries for s in e.signatures)
    return DocResult(
        symbol,
        module,
        query.function,
        arity,
        signatures,
        _entries_markdown(module, entries),
        entries,
    )


def _entries_markdown(module: str, entries: Iterable[DocEntry]) -> str:
    parts: list[str] = []
    for entry in entries:
        label = "" if entry.kind == "function" else f" ({entry.kind})"
        parts.append(f"## {module}.{entry.name}/{entry.arity}{label}")
        if entry.signatures:
            parts.append("```elixir\n" + "\n".join(entry.signatures) + "\n```")
        if entry.deprecated:
            parts.append(f"**Deprecated:** {entry.deprecated}")
        parts.append(entry.doc.strip() or "_(no documentation)_")
    return "\n\n".join(parts) + "\n"


def _error(symbol: str, query: SymbolQuery, code: str, module: str) -> DocsUnavailable:
    target = module or "Kernel"
    if code == "erlang":
        name = target.lstrip(":")
        return DocsUnavailable(
            symbol,
            "erlang",
            f"{target} is an Erlang module and the installed OTP has no docs for it: install "
            f"them (Debian: apt-get install erlang-doc) or see "
            f"https://www.erlang.org/doc/man/{name}.html",
        )
    if code == "module_not_found":
        return DocsUnavailable(symbol, "not-found", f"no module {target} is installed")
    if code == "no_docs":
        return DocsUnavailable(symbol, "no-docs", f"{target} was compiled without docs")
    if code == "hidden":
        return DocsUnavailable(symbol, "no-docs", f"{symbol} is not documented (@doc false)")
    arity = f"/{query.arity}" if query.arity is not None else ""
    return DocsUnavailable(symbol, "not-found", f"{target} has no function {query.function}{arity}")


_DEFAULT = DocsLookup()


def fetch_docs(symbol: str) -> DocsAnswer:
    """The docs of one symbol, through the process-wide cache."""
    return _DEFAULT.fetch(symbol)


def fetch_docs_many(symbols: Sequence[str]) -> list[DocsAnswer]:
    """The docs of several symbols with at most one subprocess, through the process-wide cache."""
    return _DEFAULT.fetch_many(symbols)


def docs_for_text(
    text: str, *, limit: int = MAX_SYMBOLS, lookup: DocsLookup | None = None
) -> list[DocResult]:
    """The docs of the symbols ``text`` mentions that have docs (at most one subprocess), for the
    informative mode's context. Symbols without docs, and a missing Elixir, give nothing."""
    symbols = extract_symbols(text, limit=limit)
    if not symbols:
        return []
    answers = (lookup or _DEFAULT).fetch_many(symbols)
    return [a for a in answers if isinstance(a, DocResult)]


# --------------------------------------------------------------------------- symbols in text

# Standard modules worth looking up even when written as a plain word ("what does a Supervisor
# do"); dotted names (GenServer.call, MyApp.Repo) and CamelCase words (GenServer) need no list.
_STANDARD_MODULES = """Access Agent Application Atom Base Bitwise Calendar Code Date DateTime
Enum Exception File Float Function IO Inspect Integer Kernel Keyword List Logger Macro Map MapSet
Module Node Path Port Process Protocol Range Record Regex Registry Stream String Supervisor System
Task Time Tuple URI Version"""
_OTP_MODULES = """application atomics calendar code counters crypto dets erlang ets file fprof eprof
gen_event gen_server gen_statem global io lists logger maps mnesia observer os persistent_term pg
proc_lib queue rand rpc erpc sys timer"""
KNOWN_MODULES = frozenset(_STANDARD_MODULES.split())
KNOWN_ERLANG = frozenset(_OTP_MODULES.split())
_IN_TEXT = re.compile(
    r"(?<![\w./:@-])(?:"
    r"(?P<elixir>[A-Z][A-Za-z0-9_]*(?:\.[A-Z][A-Za-z0-9_]*)*(?:\.[a-z_][A-Za-z0-9_]*[?!]?)?)"
    r"|(?P<erlang>:[a-z][a-z0-9_]*(?:\.[a-z_][A-Za-z0-9_]*)?)"
    r"|(?P<bare>[a-z_][a-z0-9_]*[?!]?)(?=/\d)"
    r")(?P<arity>/\d{1,3})?(?![\w(])"
)
_CAMEL = re.compile(r"[a-z][A-Z]")


def extract_symbols(text: str, *, limit: int = MAX_SYMBOLS) -> list[str]:
    """Elixir and Erlang symbols a question mentions, in order, without repeats:
    ``GenServer.handle_call``, ``Task.async_stream/3``, ``Supervisor``, ``:ets.lookup/2``,
    ``spawn/1``. Plain capitalised words count only when they name a standard module, are
    CamelCase or are quoted in backticks; bare atoms only when they name an OTP module."""
    quoted = {m.group(1) for m in re.finditer(r"`([^`\s]+)`", text)}
    found: dict[str, None] = {}
    for match in _IN_TEXT.finditer(text):
        name = match.group("elixir") or match.group("erlang") or match.group("bare")
        arity = match.group("arity") or ""
        symbol = name + arity
        plain_word = match.group("elixir") and "." not in name and not arity
        if plain_word and not (name in KNOWN_MODULES or _CAMEL.search(name) or name in quoted):
            continue
        if match.group("erlang") and "." not in name and name[1:] not in KNOWN_ERLANG:
            continue
        if parse_symbol(symbol) is None:
            continue
        found.setdefault(symbol, None)
        if len(found) >= limit:
            break
    return list(found)
