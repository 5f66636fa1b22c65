"""Allow rules for Bash (``--allow-bash``, config ``tools.allow_bash``) and the verdict on a
parsed command line.

A rule is one simple command's leading words: ``mix test`` allows exactly ``mix test``;
``mix test *`` (or ``mix test*``) allows ``mix test`` followed by any further arguments. Rule
words are matched against the command's words after quote removal, so ``'mix' "test"`` is
``mix test``; a word that expands at run time ($VAR, a glob, ~) never matches a rule word.
Assignments before the command name (``MIX_ENV=test mix test``) must be written in the rule.

A command line is approved by the rules only when **every** simple command in it (in lists,
pipelines, subshells, and ``sh -c`` / ``eval`` scripts) matches a rule and it has no concern:
no command or process substitution, no background job, no unchecked syntax, no redirection to
a file outside the project or to a target known only at run time.

Used by the headless Bash policy and the approval modal (to say why a command needs asking).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.errors import UserError
from elixir_pro.tools.shell_parse import Redirect, ShellScript, SimpleCommand, parse_script

_FD_OPERATORS = frozenset({">&", "<&", ">&-", "<&-"})
_SAFE_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty"})


@dataclass(frozen=True, slots=True)
class AllowRule:
    text: str
    assignments: tuple[str, ...]
    words: tuple[str, ...]
    any_args: bool

    @classmethod
    def parse(cls, raw: str, *, origin: str = "--allow-bash") -> AllowRule:
        """A rule from its text; UserError (one line naming the rule) when it is not one
        simple command of fixed words, with ``*`` only at the end."""
        text = raw.strip()
        body = text[:-1].rstrip() if text.endswith("*") else text
        any_args = body != text
        if not body:
            if any_args:
                return cls(text, (), (), True)
            raise UserError(f"empty Bash rule {raw!r}", field=origin)
        if any(ch in body for ch in "*?["):
            raise UserError(
                f"Bash rule {text!r}: a wildcard may only end the rule ('mix test *')",
                field=origin,
            )
        script = parse_script(body)
        if script.concerns or script.redirects or len(script.commands) != 1:
            raise UserError(
                f"Bash rule {text!r} must be one simple command of fixed words "
                "(no ;, &&, |, $(...), redirections or quotes left open)",
                field=origin,
            )
        command = script.commands[0]
        words = tuple(w.literal for w in command.words)
        assignments = tuple(w.literal for w in command.assignments)
        if any(w is None for w in words) or any(a is None for a in assignments):
            raise UserError(
                f"Bash rule {text!r} must be fixed words (no $VAR, ~ or braces)", field=origin
            )
        return cls(
            text,
            tuple(a for a in assignments if a is not None),
            tuple(w for w in words if w is not None),
            any_args,
        )

    def matches(self, command: SimpleCommand) -> bool:
        assignments = tuple(w.literal for w in command.assignments)
        if assignments != self.assignments:
            return False
        words = command.words
        if len(words) < len(self.words) or (not self.any_args and len(words) != len(self.words)):
            return False
        return all(w.literal == r for w, r in zip(words, self.words, strict=False))


def parse_rules(raw: Sequence[str], *, origin: str = "--allow-bash") -> tuple[AllowRule, ...]:
    return tuple(AllowRule.parse(r, origin=origin) for r in raw if r.strip())


@dataclass(frozen=True, slots=True)
class Verdict:
    """``allowed`` when the rules approve the whole command line; otherwise ``reasons``
    says why it needs the user (one short phrase each)."""

    allowed: bool
    reasons: tuple[str, ...]


def redirect_concern(redirect: Redirect, cwd: Path, root: Path) -> str | None:
    """Why a redirection keeps a command from being approved by a rule, or None."""
    if redirect.target is None or (redirect.operator in _FD_OPERATORS and _is_fd(redirect)):
        return None
    target = redirect.target.literal
    if target is None:
        return f"redirection {redirect.text!r} to a target known only at run time"
    if target in _SAFE_TARGETS or target.startswith("/dev/fd/"):
        return None
    path = Path(target) if os.path.isabs(target) else cwd / target
    real = Path(os.path.realpath(path))
    if real == root or real.is_relative_to(root):
        return None
    return f"redirection {redirect.text!r} outside the project"


def _is_fd(redirect: Redirect) -> bool:
    literal = redirect.target.literal if redirect.target is not None else None
    return literal is not None and (literal.isdigit() or literal == "-")


def evaluate(script: ShellScript, rules: Sequence[AllowRule], cwd: Path) -> Verdict:
    """Whether ``rules`` approve ``script`` run in ``cwd`` (the project root)."""
    root = Path(os.path.realpath(cwd))
    reasons = list(script.concerns)
    for redirect in script.redirects:
        concern = redirect_concern(redirect, root, root)
        if concern is not None:
            reasons.append(concern)
    for command in script.commands:
        if not any(rule.matches(command) for rule in rules):
            reasons.append(f"{command.display!r} matches no allow rule")
    if not script.commands and not reasons:
        reasons.append("no command to run")
    return Verdict(not reasons, tuple(reasons))
