"""Words of a shell command line: what a word says when it is fixed text.

A word's ``literal`` is its value after quote removal when nothing in it expands at run time;
None for ``$VAR``, globs (``*``, ``?``, ``[``), a leading ``~``, brace expansion and ANSI-C
quoting, so that a rule word can only ever match what bash will really see. Used by
:mod:`.shell_parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

_GLOB_CHARS = re.compile(r"(?<!\\)[*?\[]|^~|(?<!\\)\{[^}]*(,|\.\.)[^}]*\}")
_DQ_ESCAPE = re.compile(r'\\([$`"\\\n])')
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Word:
    """One word as written (``text``) and, when it is fixed text, its value after quote
    removal (``literal``); None when it expands at run time ($VAR, globs, ~, braces)."""

    text: str
    literal: str | None


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def plain_expansion(node: Node) -> bool:
    """``${NAME}`` alone: no operator, no index, no indirection."""
    kinds = [c.type for c in node.children]
    return kinds == ["${", "variable_name", "}"] or kinds == ["${", "special_variable_name", "}"]


def literal(node: Node) -> str | None:
    """The fixed value of a word (or NAME=value) node, or None when it expands at run time."""
    kind = node.type
    text = _text(node)
    if kind == "variable_assignment":
        parts = node.named_children
        value = parts[1] if len(parts) > 1 else None
        name = _text(parts[0]) if parts else ""
        inner = "" if value is None else literal(value)
        return None if inner is None else f"{name}={inner}"
    if kind == "number":
        return text
    if kind == "raw_string":
        return text[1:-1]
    if kind == "string":
        if any(c.type != "string_content" for c in node.named_children):
            return None
        return _DQ_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text[1:-1])
    if kind == "word":
        if _GLOB_CHARS.search(text):
            return None
        return _ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)
    if kind == "concatenation":
        pieces = [literal(child) for child in node.named_children]
        if any(p is None for p in pieces) or _GLOB_CHARS.search(text):
            return None
        return "".join(p for p in pieces if p is not None)
    return None
