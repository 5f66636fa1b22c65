"""Running an Elixir tool (``mix``, ``elixir``) as a child in its own process group: text
output captured, stdin closed, and on a timeout the whole group (the VM and anything it
started) killed.

Used by :mod:`elixir_pro.engine.mix` and :mod:`elixir_pro.engine.docs`.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ChildResult:
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    timeout: float,
    cwd: Path | None = None,
) -> ChildResult:
    """Run ``argv`` to its end or ``timeout`` seconds. Raises OSError when it cannot start."""
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        stdout, stderr = proc.communicate()
        return ChildResult(proc.returncode, stdout, stderr, timed_out=True)
    return ChildResult(proc.returncode, stdout, stderr)


def kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill ``proc``'s process group (the child leads it), or the child alone."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
