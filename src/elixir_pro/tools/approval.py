"""Bash approval: the request shown to the user, the decision, and the headless policy.

The Bash tool never runs a command without an :data:`ApproveBash` callback saying so. The TUI
passes a callback that shows its approval modal; the headless ``ask`` command passes
:class:`HeadlessBashPolicy`, which allows only commands matching the ``--allow-bash`` patterns.
"Always for this session" is remembered per exact command string (see docs/tools.md).

Used by the Bash tool, ``ToolContext``, the TUI approval modal and the CLI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BashRequest:
    """What the user is asked to approve."""

    command: str
    cwd: Path
    description: str = ""


class BashDecision(StrEnum):
    ALLOW_ONCE = "allow_once"
    ALLOW_SESSION = "allow_session"  # remembered for this exact command for the session
    DENY = "deny"


ApproveBash = Callable[[BashRequest], Awaitable[BashDecision]]


class HeadlessBashPolicy:
    """An :data:`ApproveBash` for headless runs: a command runs only when it matches one of
    ``patterns`` (fnmatch-style, case-sensitive, against the whole command string)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(p for p in (s.strip() for s in patterns) if p)

    def allows(self, command: str) -> bool:
        stripped = command.strip()
        return any(fnmatchcase(stripped, pattern) for pattern in self.patterns)

    async def __call__(self, request: BashRequest) -> BashDecision:
        return BashDecision.ALLOW_ONCE if self.allows(request.command) else BashDecision.DENY

    def denial_message(self, request: BashRequest) -> str:
        if not self.patterns:
            return (
                "Command refused: this is a headless run and no --allow-bash patterns were "
                "given, so no shell command may run. Do the work with Read, Grep and Glob."
            )
        allowed = ", ".join(repr(p) for p in self.patterns)
        return (
            f"Command refused: headless runs allow only commands matching --allow-bash "
            f"patterns ({allowed}); {request.command!r} matches none of them."
        )
