"""A Bash command line understood, not pattern-matched: parsed with tree-sitter-bash into its
simple commands (argv words, prefix assignments), redirections and the constructs that make a
command impossible to judge ahead of running it (``concerns``).

The walk is a whitelist: lists, pipelines, subshells, ``{ ...; }`` groups, ``!`` and simple
commands with plain words, quotes and ``$VAR`` / ``${VAR}`` are understood; anything else
(loops, functions, arithmetic, ``${x:-...}``, a parse error) is a concern, and so are command
and process substitutions, background jobs (``&``), control characters and a line
continuation that joins two words. ``eval TEXT`` and ``sh -c TEXT`` (bash, dash, zsh ...) with
fixed text are parsed in turn and their commands take their place; with text only known at run
time they are a concern, as are ``source`` and a shell reading a script file or stdin.

Used by the Bash approval rules (:mod:`.bash_rules`), the Bash tool and the approval modal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import tree_sitter_bash
from tree_sitter import Language, Node, Parser

from elixir_pro.tools.shell_words import Word, literal, plain_expansion

MAX_DEPTH = 4
"""How deep ``sh -c '...'`` / ``eval`` scripts are parsed inside each other."""

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"})
_SYSTEM_BIN = frozenset({"/bin", "/usr/bin", "/usr/local/bin"})
_SHELL_FLAGS = re.compile(r"-[eluxvc]+|-o|pipefail|errexit|nounset|--norc|--noprofile")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_JOINING_CONTINUATION = re.compile(r"(?<![\s\\])\\\n")

_STRUCTURE = frozenset({"program", "list", "pipeline", "subshell", "compound_statement"})
_WORD_PARTS = frozenset(
    {
        "word",
        "string",
        "string_content",
        "raw_string",
        "concatenation",
        "number",
        "simple_expansion",
        "variable_name",
        "special_variable_name",
        "ansi_c_string",
        "brace_expression",
    }
)
_SUBSTITUTIONS = {"command_substitution": "command", "process_substitution": "process"}


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    text: str
    words: tuple[Word, ...]
    assignments: tuple[Word, ...] = ()  # NAME=value words before the command name

    @property
    def display(self) -> str:
        """One line for the approval modal."""
        return " ".join(self.text.split())


@dataclass(frozen=True, slots=True)
class Redirect:
    """A redirection: ``operator`` (``>``, ``>>``, ``<``, ``&>``, ``>&`` ...) and its target
    word (None for here-documents and here-strings)."""

    text: str
    operator: str
    target: Word | None


@dataclass(frozen=True, slots=True)
class ShellScript:
    source: str
    commands: tuple[SimpleCommand, ...]
    redirects: tuple[Redirect, ...]
    concerns: tuple[str, ...]


@dataclass(slots=True)
class _Collector:
    commands: list[SimpleCommand] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    def concern(self, text: str) -> None:
        if text not in self.concerns:
            self.concerns.append(text)


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_bash.language()))


def parse_script(source: str) -> ShellScript:
    """The parts of ``source``; never raises (what cannot be parsed is a concern)."""
    found = _Collector()
    _parse_into(source, found, depth=0)
    return ShellScript(source, tuple(found.commands), tuple(found.redirects), tuple(found.concerns))


def _parse_into(source: str, found: _Collector, depth: int) -> None:
    if _CONTROL.search(source):
        found.concern("a control character in the command")
    if _JOINING_CONTINUATION.search(source):
        found.concern("a line continuation (\\ at a line end) that joins two words")
    if not source.strip():
        found.concern("an empty command")
        return
    tree = _parser().parse(source.encode("utf-8", errors="surrogateescape"))
    root = tree.root_node
    if root.has_error:
        found.concern(f"shell syntax that does not parse{_error_hint(root)}")
    _statement(root, found, depth)


def _error_hint(root: Node) -> str:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            text = _text(node).strip() or node.type
            return f" (near {_short(text)})"
        stack.extend(reversed(node.children))
    return ""


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _statement(node: Node, found: _Collector, depth: int, extra: Sequence[Word] = ()) -> None:
    """Walk one statement. ``extra``: words bash gives its last simple command (see the
    redirected statement)."""
    kind = node.type
    if extra and kind not in ("list", "pipeline", "command", "redirected_statement"):
        words = " ".join(w.text for w in extra)
        found.concern(f"words after a redirection that are not a command's ({_short(words)})")
        extra = ()
    if kind in _STRUCTURE:
        named = [c for c in node.children if c.is_named and c.type != "comment"]
        for child in node.children:
            if child.type == "&":
                found.concern("a background job (&)")
            elif child.is_named:
                _statement(child, found, depth, extra if named and child == named[-1] else ())
    elif kind == "negated_command":
        for child in node.named_children:
            _statement(child, found, depth)
    elif kind == "redirected_statement":
        # tree-sitter files the words after a redirection's target under the redirection,
        # and may put ``a && b > f`` under one redirection; for bash the redirection and
        # those words belong to the last simple command (``a && b x > f``)
        trailing: list[Word] = []
        bodies = []
        for child in node.named_children:
            if child.type.endswith("redirect"):
                trailing += _redirect(child, found, depth)
            else:
                bodies.append(child)
        trailing += extra
        for i, body in enumerate(bodies):
            _statement(body, found, depth, trailing if i == len(bodies) - 1 else ())
        if trailing and not bodies:
            words = " ".join(w.text for w in trailing)
            found.concern(f"words after a redirection that are not a command's ({_short(words)})")
    elif kind == "command":
        _command(node, found, depth, extra)
    elif kind in ("comment", "heredoc_body"):
        _scan(node, found, depth)
    elif kind == "ERROR":
        return
    elif kind in ("variable_assignment", "variable_assignments"):
        found.concern(f"a variable assignment on its own ({_short(_text(node))})")
        _scan(node, found, depth, substitutions_only=True)
    else:
        found.concern(f"shell syntax that is not checked ({kind.replace('_', ' ')})")
        _scan(node, found, depth, substitutions_only=True)


def _command(node: Node, found: _Collector, depth: int, extra: Sequence[Word] = ()) -> None:
    at = len(found.commands)  # the command goes before those of its substitutions
    words: list[Word] = []
    assignments: list[Word] = []
    for child in node.named_children:
        kind = child.type
        if kind == "variable_assignment":
            assignments.append(_word(child, found, depth))
        elif kind == "command_name":
            inner = child.named_children
            words.append(_word(inner[0] if inner else child, found, depth))
        elif kind.endswith("redirect"):
            words += _redirect(child, found, depth)
        else:
            words.append(_word(child, found, depth))
    words += extra
    text = " ".join([_text(node), *(w.text for w in extra)])
    command = SimpleCommand(text, tuple(words), tuple(assignments))
    if not words:
        found.concern(f"a variable assignment on its own ({_short(command.text)})")
        return
    if not _unwrap(command, found, depth):
        found.commands.insert(at, command)


def _unwrap(command: SimpleCommand, found: _Collector, depth: int) -> bool:
    """For ``eval`` and ``sh -c``: parse the inner script in place of the command. True when
    the command was handled here (replaced by its inner commands, or a concern)."""
    name = command.words[0].literal
    if name is None:
        return False
    directory, _, base = name.rpartition("/")
    rest = command.words[1:]
    if name in ("source", "."):
        found.concern(f"{name} runs the shell code of a file ({_short(command.text)})")
        return True
    if name == "eval":
        texts = [w.literal for w in rest]
        if any(t is None for t in texts):
            found.concern(f"eval of text known only at run time ({_short(command.text)})")
        else:
            _nested(" ".join(t for t in texts if t is not None), command, found, depth)
        return True
    if base not in SHELLS or (directory and directory not in _SYSTEM_BIN):
        return False  # ./sh is a project file, not a shell: an ordinary command
    script = _shell_c_script(rest)
    if script is None:
        found.concern(f"{base} runs a script that is not shown here ({_short(command.text)})")
    else:
        _nested(script, command, found, depth)
    return True


def _shell_c_script(args: tuple[Word, ...]) -> str | None:
    """The fixed script of ``sh [-e -u -x -o pipefail ...] -c SCRIPT [name args...]``."""
    saw_c = False
    for word in args:
        value = word.literal
        if value is None:
            return None
        if saw_c:
            return value
        if not _SHELL_FLAGS.fullmatch(value):
            return None
        saw_c = value.startswith("-") and "c" in value and not value.startswith("--")
    return None


def _nested(script: str, command: SimpleCommand, found: _Collector, depth: int) -> None:
    if depth >= MAX_DEPTH:
        found.concern(f"shell scripts nested too deep ({_short(command.text)})")
        return
    for word in command.assignments:
        found.concern(f"{word.text} set for an inner shell script")
    _parse_into(script, found, depth + 1)


def _redirect(node: Node, found: _Collector, depth: int) -> list[Word]:
    """Record a redirection; returns the words tree-sitter put after its target (arguments
    of the command, for bash). A here-document's node also holds the rest of its line
    (``cat <<EOF | sh``, ``<<EOF > out``): those parts are walked like any other."""
    if node.type == "heredoc_redirect":
        return _heredoc(node, found, depth)
    operator = ""
    target: Word | None = None
    end = node.end_byte
    extra: list[Word] = []
    for child in node.children:
        if not child.is_named:
            operator += child.type
        elif child.type == "file_descriptor":
            continue
        elif node.type == "file_redirect" and target is None:
            target = _word(child, found, depth)
            end = child.end_byte
        elif node.type == "file_redirect":
            extra.append(_word(child, found, depth))
        else:
            _scan(child, found, depth)
    own = (node.text or b"")[: end - node.start_byte].decode("utf-8", errors="replace")
    found.redirects.append(Redirect(own, operator, target))
    return extra


def _heredoc(node: Node, found: _Collector, depth: int) -> list[Word]:
    operator = ""
    extra: list[Word] = []
    for child in node.children:
        kind = child.type
        if not child.is_named:
            if kind in ("<<", "<<-"):
                operator = kind
            elif kind == "&":
                found.concern("a background job (&)")
        elif kind in ("heredoc_start", "heredoc_end"):
            continue
        elif kind == "heredoc_body":
            _scan(child, found, depth)
        elif kind.endswith("redirect"):
            extra += _redirect(child, found, depth)
        elif kind in _WORD_PARTS or kind == "expansion":
            extra.append(_word(child, found, depth))
        else:
            _statement(child, found, depth)
    found.redirects.append(Redirect(operator, operator, None))
    return extra


def _word(node: Node, found: _Collector, depth: int) -> Word:
    """A word (or NAME=value) with its fixed value when it has one; substitutions and
    unchecked expansions inside it become concerns."""
    _scan(node, found, depth)
    return Word(_text(node), literal(node))


def _scan(node: Node, found: _Collector, depth: int, *, substitutions_only: bool = False) -> None:
    """Concerns for everything under ``node``; the commands inside substitutions are listed
    too (so the user sees them), though a substitution is never approved by a rule."""
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind in _SUBSTITUTIONS:
            found.concern(f"{_SUBSTITUTIONS[kind]} substitution {_short(_text(current))}")
            for child in current.named_children:
                _statement(child, found, depth)
            continue
        unknown = kind not in _WORD_PARTS and kind not in _ALLOWED_INNER
        if current.is_named and unknown and not substitutions_only:
            if kind == "expansion" and plain_expansion(current):
                continue
            found.concern(f"{kind.replace('_', ' ')} {_short(_text(current))} is not checked")
        stack.extend(current.children)


_ALLOWED_INNER = frozenset(
    {
        "variable_assignment",
        "command_name",
        "comment",
        "heredoc_body",
        "heredoc_content",
    }
)
