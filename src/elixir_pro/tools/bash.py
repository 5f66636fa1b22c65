"""The Bash tool: a shell command parsed (:mod:`.shell_parse`), approved by the user (the
context's ``approve_bash`` callback, or an earlier "always for this session" for the exact
same command) and run in the OS sandbox (:mod:`.sandbox`): bwrap with its own PID namespace,
no network unless allowed for the session, the project writable only in a mode that may change
files. Without a working sandbox every command is asked for (never remembered) and says it
runs unsandboxed. Timeout (default from the config, at most 600 s) kills the whole process
group (and with it the sandbox's PID namespace); output is read incrementally and capped,
keeping its head and tail.

Registered in the tool registry; run through ``Toolset``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from dataclasses import dataclass, field
from typing import Any

from elixir_pro.tools.approval import BashDecision, BashRequest
from elixir_pro.tools.base import Tool, ToolOutcome, register
from elixir_pro.tools.params import Args, Param, ToolError
from elixir_pro.tools.sandbox import command_env, shell_argv

MAX_TIMEOUT_MS = 600_000
MAX_OUTPUT_CHARS = 30_000
_KEEP_BYTES = MAX_OUTPUT_CHARS * 4  # per stream, head and tail each: enough for any encoding
SETTLE_S = 0.5  # how long a killed command's pipes may take to close


@dataclass(slots=True)
class _Capture:
    """A stream's bytes, keeping only the head and the tail once it grows past the cap."""

    head: bytearray = field(default_factory=bytearray)
    tail: bytearray = field(default_factory=bytearray)
    total: int = 0

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = _KEEP_BYTES - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            del self.tail[: max(0, len(self.tail) - _KEEP_BYTES)]

    def text(self) -> str:
        head = self.head.decode("utf-8", errors="replace")
        if not self.tail:
            return head
        dropped = self.total - len(self.head) - len(self.tail)
        gap = f"\n[... {dropped} bytes omitted ...]\n" if dropped else ""
        return head + gap + self.tail.decode("utf-8", errors="replace")


def cap_output(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Cut ``text`` to about ``limit`` characters in the middle, with a note."""
    if len(text) <= limit:
        return text
    keep_head = limit * 2 // 3
    keep_tail = limit - keep_head
    cut = len(text) - keep_head - keep_tail
    return (
        text[:keep_head]
        + f"\n\n[... output truncated: {cut} characters omitted ...]\n\n"
        + text[-keep_tail:]
    )


async def _drain(stream: asyncio.StreamReader | None, capture: _Capture) -> None:
    if stream is None:
        return
    while chunk := await stream.read(65536):
        capture.feed(chunk)


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: never "exception was never retrieved" on stderr


async def _settle(proc: asyncio.subprocess.Process, reading: asyncio.Future[Any]) -> None:
    """After a kill: let the output drain and the process be reaped (briefly; a grandchild
    that left the group may hold a pipe open), so nothing is left for a closed event loop."""
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(asyncio.shield(reading), SETTLE_S)
    if not reading.done():
        reading.cancel()
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(proc.wait(), SETTLE_S)


@register
class BashTool(Tool):
    name = "Bash"
    params = (
        Param("command", "string", required=True),
        Param("timeout", "integer", minimum=1, maximum=MAX_TIMEOUT_MS),
        Param("description", "string"),
    )

    async def run(self, args: Args) -> ToolOutcome:
        command = args.string("command")
        if not command.strip():
            raise ToolError("Invalid input: Bash.command must not be empty.")
        ctx = self.ctx
        status = await asyncio.to_thread(ctx.sandbox.status)
        network = ctx.bash_network
        request = BashRequest(
            command,
            ctx.root,
            args.opt_string("description") or "",
            sandbox=status.describe(writable=self.project_writable, network=network),
            no_sandbox=status.reason,
            network=network,
        )
        await self._approve(request)
        timeout_ms = args.opt_int("timeout")
        timeout = timeout_ms / 1000 if timeout_ms is not None else ctx.bash_timeout
        timeout = min(max(timeout, 0.001), MAX_TIMEOUT_MS / 1000)
        if status.available:
            argv = ctx.sandbox.argv(
                command, root=ctx.root, writable=self.project_writable, network=ctx.bash_network
            )
        else:
            argv = shell_argv(command)
        return await self._execute(argv, request, timeout)

    async def _approve(self, request: BashRequest) -> None:
        if request.sandboxed and request.command in self.ctx.bash_allowed:
            return
        approve = self.ctx.approve_bash
        if approve is None:
            raise ToolError(
                "Command refused: this session has no way to ask the user for approval, so no "
                "shell command may run."
            )
        decision = BashDecision(await approve(request))
        if decision is BashDecision.DENY:
            explain = getattr(approve, "denial_message", None)
            if callable(explain):
                raise ToolError(str(explain(request)))
            raise ToolError(
                "Command refused: the user denied running it. Do not retry it; continue "
                "without it or ask the user what to do."
            )
        if decision is BashDecision.ALLOW_SESSION and request.sandboxed:
            self.ctx.bash_allowed.add(request.command)
        if decision is BashDecision.ALLOW_NETWORK:
            self.ctx.bash_network = True

    async def _execute(self, argv: list[str], request: BashRequest, timeout: float) -> ToolOutcome:
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                cwd=request.cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                env=command_env(),
            )
        except OSError as exc:
            raise ToolError(f"Could not start the shell: {exc}.") from None
        out, err = _Capture(), _Capture()
        timed_out = False
        reading = asyncio.ensure_future(
            asyncio.gather(_drain(proc.stdout, out), _drain(proc.stderr, err), proc.wait())
        )
        reading.add_done_callback(_retrieve)
        try:
            await asyncio.wait_for(asyncio.shield(reading), timeout)
        except TimeoutError:
            timed_out = True
            _kill_group(proc)
            await _settle(proc, reading)
        except BaseException:  # cancelled (ctrl-c, a stopped turn): nothing may outlive it
            _kill_group(proc)
            await _settle(proc, reading)
            raise
        code = proc.returncode
        parts = []
        if timed_out:
            parts.append(f"Command timed out after {timeout:g} s; its process group was killed.")
        else:
            parts.append(f"Exit code: {code}")
        if not request.sandboxed:
            parts.append("(ran without the sandbox, with the user's approval)")
        stdout, stderr = out.text(), err.text()
        if stdout:
            parts.append("stdout:\n" + stdout.rstrip("\n"))
        if stderr:
            parts.append("stderr:\n" + stderr.rstrip("\n"))
        if not stdout and not stderr:
            parts.append("(no output)")
        return ToolOutcome(cap_output("\n\n".join(parts)), is_error=timed_out or code != 0)
