"""Bash approval: the request shown to the user, the decision, and the headless policy.

The Bash tool never runs a command without an :data:`ApproveBash` callback saying so. The
request carries the command parsed into its simple commands and concerns
(:mod:`.shell_parse`) and what the sandbox will allow, so the TUI's modal can show them; the
headless ``ask`` command passes :class:`HeadlessBashPolicy`, which allows a command only when
its allow rules approve every simple command in it (:mod:`.bash_rules`) and refuses anything
else with the reasons. "Always for this session" is remembered per exact command string, and
only while the sandbox is available (see docs/tools.md).

Used by the Bash tool, ``ToolContext``, the TUI approval modal and the CLI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from elixir_pro.tools.bash_rules import evaluate, parse_rules
from elixir_pro.tools.shell_parse import ShellScript, parse_script


@dataclass(frozen=True, slots=True)
class BashRequest:
    """What the user is asked to approve. ``script`` is the parsed command (parsed here when
    not given); ``sandbox`` says where it will run (one line, see ``SandboxStatus``);
    ``no_sandbox`` why it would run without one (empty when sandboxed); ``network`` whether
    commands already have the network this session."""

    command: str
    cwd: Path
    description: str = ""
    script: ShellScript = field(default=None, compare=False)  # type: ignore[assignment]
    sandbox: str = ""
    no_sandbox: str = ""
    network: bool = False

    def __post_init__(self) -> None:
        if self.script is None:
            object.__setattr__(self, "script", parse_script(self.command))

    @property
    def sandboxed(self) -> bool:
        return not self.no_sandbox


class BashDecision(StrEnum):
    ALLOW_ONCE = "allow_once"
    ALLOW_SESSION = "allow_session"  # remembered for this exact command for the session
    ALLOW_NETWORK = "allow_network"  # once, and commands get the network for the session
    DENY = "deny"


ApproveBash = Callable[[BashRequest], Awaitable[BashDecision]]


class HeadlessBashPolicy:
    """An :data:`ApproveBash` for headless runs: a command runs only when the allow rules
    (``--allow-bash``, config ``tools.allow_bash``) approve all of it, and only sandboxed.
    ``network`` gives approved commands the network. A malformed rule is a UserError."""

    def __init__(
        self, patterns: Sequence[str], *, network: bool = False, origin: str = "--allow-bash"
    ) -> None:
        self.patterns = tuple(p for p in (s.strip() for s in patterns) if p)
        self.rules = parse_rules(self.patterns, origin=origin)
        self.network = network

    def allows(self, command: str, cwd: Path | None = None) -> bool:
        return evaluate(parse_script(command), self.rules, cwd or Path.cwd()).allowed

    async def __call__(self, request: BashRequest) -> BashDecision:
        if not request.sandboxed:
            return BashDecision.DENY
        if not evaluate(request.script, self.rules, request.cwd).allowed:
            return BashDecision.DENY
        return BashDecision.ALLOW_NETWORK if self.network else BashDecision.ALLOW_ONCE

    def denial_message(self, request: BashRequest) -> str:
        if not request.sandboxed:
            return (
                f"Command refused: the Bash sandbox is unavailable ({request.no_sandbox}) and a "
                "headless run cannot ask the user, so no shell command runs. Do the work with "
                "Read, Grep and Glob."
            )
        if not self.patterns:
            return (
                "Command refused: this is a headless run and no --allow-bash patterns were "
                "given, so no shell command may run. Do the work with Read, Grep and Glob."
            )
        allowed = ", ".join(repr(p) for p in self.patterns)
        reasons = "; ".join(evaluate(request.script, self.rules, request.cwd).reasons)
        return (
            f"Command refused: headless runs allow only commands whose every part matches an "
            f"--allow-bash rule ({allowed}), with no substitution, background job or "
            f"redirection outside the project. {request.command!r}: {reasons}. Run the allowed "
            "commands on their own, one per call."
        )
