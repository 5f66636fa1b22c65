"""Finding calls in a parsed file fast: the bytes of a name are searched in the source (C speed)
and every hit is confirmed on the tree, so a name inside a comment, a string or a longer
identifier never counts. The tree stays the only authority; the byte search only tells where
to look. This keeps per-file analysis well under the cost of parsing, where a full tree walk
or a tree-sitter query over every node would cost about as much as the parse itself.

Used by :class:`~elixir_pro.engine.context.FileContext`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

_IDENT = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_IDENT_END = _IDENT | frozenset(b"?!")
_IDENT_OR_DOT = _IDENT | frozenset(b".:@")


@dataclass(frozen=True, slots=True)
class RemoteCall:
    """``Mod.fun(...)``: ``module`` is the text left of the last dot (``MyApp.Repo``, ``:ets``)."""

    module: str
    fun: str
    node: Node

    @property
    def module_tail(self) -> str:
        return self.module.rsplit(".", 1)[-1]


def _hits(source: bytes, needle: bytes) -> list[int]:
    out: list[int] = []
    i = source.find(needle)
    while i >= 0:
        out.append(i)
        i = source.find(needle, i + len(needle))
    return out


_IDENT_RE = re.compile(rb"[A-Za-z0-9_]*[?!]?")
_ALIAS_RE = re.compile(rb"[A-Z][A-Za-z0-9_]*(?:\.[A-Z][A-Za-z0-9_]*)*")


def ident_end(source: bytes, start: int) -> int:
    """Where the identifier starting at ``start`` ends (``?``/``!`` suffix included)."""
    match = _IDENT_RE.match(source, start)
    return match.end() if match is not None else start


def alias_at(source: bytes, start: int) -> str:
    """The module alias (``MyApp.Repo``) starting at ``start``, after blanks; "" if none."""
    while start < len(source) and source[start] in b" \t(":
        start += 1
    match = _ALIAS_RE.match(source, start)
    return match.group().decode() if match is not None else ""


DEFINERS = frozenset({"def", "defp", "defmacro", "defmacrop", "defmodule"})
# starts with a literal so the regex engine can jump between candidates; the character before
# the match is checked by hand (a look-behind at the start would test every position)
_DEFINER_RE = re.compile(rb"def(?:p|macrop|macro|module)?(?![A-Za-z0-9_?!])")


def _call_of(ident: Node) -> Node | None:
    """The call whose target is ``ident``, if any."""
    parent = ident.parent
    # a call that starts where the identifier starts has it as its target
    if parent is not None and parent.type == "call" and parent.start_byte == ident.start_byte:
        return parent
    return None


def has_word(source: bytes, word: bytes) -> bool:
    """``word`` occurs with no identifier character glued to either end (so ``receive`` does
    not match ``assert_receive`` and ``GenServer.start`` does not match ``start_link``)."""
    size = len(source)
    i = source.find(word)
    while i >= 0:
        end = i + len(word)
        before_ok = i == 0 or source[i - 1] not in _IDENT
        after_ok = end >= size or source[end] not in _IDENT_END
        if before_ok and after_ok:
            return True
        i = source.find(word, end)
    return False


class Locator:
    """Call lookups for one (source, tree) pair; results are cached per name."""

    def __init__(self, source: bytes, root: Node) -> None:
        self.source = source
        self.root = root
        self._calls: dict[str, list[Node]] = {}
        self._idents: dict[str, list[Node]] = {}
        self._captures: dict[str, list[Node]] = {}
        self._remote: dict[tuple[str, bool, str | None], dict[str, list[RemoteCall]]] = {}

    def _identifiers(self, name: str) -> list[Node]:
        """Identifier nodes spelled exactly ``name``."""
        cached = self._idents.get(name)
        if cached is None:
            cached = self._idents[name] = self._find_identifiers(name)
        return cached

    def _find_identifiers(self, name: str) -> list[Node]:
        src = self.source
        needle = name.encode()
        size = len(needle)
        found: list[Node] = []
        for i in _hits(src, needle):
            if i > 0 and src[i - 1] in _IDENT:
                continue
            end = i + size
            if end < len(src) and src[end] in _IDENT_END:
                continue
            node = self.root.named_descendant_for_byte_range(i, end)
            if (
                node is not None
                and node.type == "identifier"
                and node.start_byte == i
                and node.end_byte == end
            ):
                found.append(node)
        return found

    def calls(self, name: str) -> list[Node]:
        """``call`` nodes whose target is the bare identifier ``name``, in source order."""
        cached = self._calls.get(name)
        if cached is not None:
            return cached
        if name in DEFINERS:
            self._scan_definers()
            return self._calls[name]
        out = [call for ident in self._identifiers(name) if (call := _call_of(ident))]
        self._calls[name] = out
        return out

    def _scan_definers(self) -> None:
        """One pass over every ``def...`` word fills the lookups of all definers at once."""
        found: dict[str, list[Node]] = {name: [] for name in DEFINERS}
        root = self.root
        src = self.source
        for match in _DEFINER_RE.finditer(src):
            start, end = match.span()
            if start > 0 and src[start - 1] in _IDENT_OR_DOT:
                continue
            node = root.named_descendant_for_byte_range(start, end)
            if node is None or node.type != "identifier" or node.start_byte != start:
                continue
            call = _call_of(node)
            if call is not None:
                found[match.group().decode()].append(call)
        self._calls.update(found)

    def captures(self, name: str) -> list[Node]:
        """``&name/arity`` capture nodes of the local function ``name``."""
        cached = self._captures.get(name)
        if cached is not None:
            return cached
        out: list[Node] = []
        if b"&" in self.source:
            for ident in self._identifiers(name):
                slash = ident.parent
                amp = slash.parent if slash is not None else None
                if (
                    slash is not None
                    and amp is not None
                    and slash.type == "binary_operator"
                    and amp.type == "unary_operator"
                    and self.source[amp.start_byte : amp.start_byte + 1] == b"&"
                ):
                    out.append(amp)
        self._captures[name] = out
        return out

    def remote(
        self, module: str, tail: bool = False, fun: str | None = None
    ) -> dict[str, list[RemoteCall]]:
        """``{fun: [calls]}`` for calls ``module.fun(...)``; with ``tail``, any module whose last
        segment is ``module`` (``Repo`` matches ``MyApp.Repo``). With ``fun``, only calls of that
        function are looked at (cheaper when a module is called often)."""
        key = (module, tail, fun)
        cached = self._remote.get(key)
        if cached is not None:
            return cached
        whole = self._remote.get((module, tail, None))
        if whole is not None and fun is not None:
            found = {fun: whole[fun]} if fun in whole else {}
            self._remote[key] = found
            return found
        out: dict[str, list[RemoteCall]] = {}
        src = self.source
        needle = module.encode() + b"."
        fun_bytes = fun.encode() if fun is not None else b""
        for i in _hits(src, needle + fun_bytes):
            start = i + len(needle)
            end = ident_end(src, start)
            if end == start or (fun is not None and end - start != len(fun_bytes)):
                continue
            ident = self.root.named_descendant_for_byte_range(start, end)
            if ident is None or ident.type != "identifier" or ident.start_byte != start:
                continue
            dot = ident.parent
            call = dot.parent if dot is not None else None
            if dot is None or call is None or dot.type != "dot" or call.type != "call":
                continue
            left = dot.child_by_field_name("left")
            if left is None:
                continue
            left_text = src[left.start_byte : left.end_byte].decode()
            exact = left_text == module
            if not exact and not (tail and left_text.endswith("." + module)):
                continue
            name = src[start:end].decode()
            out.setdefault(name, []).append(RemoteCall(left_text, name, call))
        self._remote[key] = out
        return out

    def comments_with(self, marker: bytes) -> list[Node]:
        """Comment nodes containing ``marker``."""
        out: list[Node] = []
        for i in _hits(self.source, marker):
            node = self.root.descendant_for_byte_range(i, i + len(marker))
            if node is not None and node.type == "comment" and node not in out:
                out.append(node)
        return out
