"""Running the real ``mix`` toolchain and reading what it prints.

Used by verify-after-apply (``mix format`` on the touched files, ``mix compile``, ``mix test
--stale``), by the implementation and test gates (``mix compile --warnings-as-errors``, ``mix
test``) and by the example-project tests. :func:`run_mix` never raises when the tool fails, is
missing or hangs: every outcome is a :class:`MixResult`. The parsers understand the Elixir 1.14
output formats and the boxed diagnostics of Elixir 1.16 and later.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.engine.child import run_child
from elixir_pro.engine.mix_output import (
    Diagnostic,
    TestFailure,
    TestSummary,
    parse_compile_diagnostics,
    parse_test_failures,
    strip_ansi,
)

__all__ = [
    "CompileReport",
    "Diagnostic",
    "MixResult",
    "TestFailure",
    "TestReport",
    "TestSummary",
    "has_formatter",
    "mix_available",
    "mix_compile",
    "mix_format",
    "mix_test",
    "parse_compile_diagnostics",
    "parse_test_failures",
    "run_mix",
    "strip_ansi",
]

DEFAULT_COMPILE_TIMEOUT = 300.0
DEFAULT_TEST_TIMEOUT = 600.0
DEFAULT_FORMAT_TIMEOUT = 120.0
FORMATTABLE_SUFFIXES = frozenset({".ex", ".exs"})
EXIT_MISSING = 127  # the shell's "command not found"


def mix_available(env: Mapping[str, str] | None = None) -> bool:
    """Whether ``mix`` is on PATH (``env``'s PATH when given, else this process's)."""
    return _find_mix(env) is not None


def _find_mix(env: Mapping[str, str] | None) -> str | None:
    path = (env if env is not None else os.environ).get("PATH", os.defpath)
    return shutil.which("mix", path=path)


@dataclass(frozen=True, slots=True)
class MixResult:
    """The outcome of one mix run. ``returncode`` is the process's status (negative when it
    was killed, :data:`EXIT_MISSING` when mix is not installed); ``message`` explains a run that
    did not happen or did not finish."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False
    unavailable: bool = False
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.unavailable

    @property
    def output(self) -> str:
        """stdout and stderr together, colour codes removed."""
        return strip_ansi(self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr)

    @property
    def command(self) -> str:
        return " ".join(("mix", *self.args))

    def headline(self) -> str:
        """One line saying how the run went."""
        if self.unavailable or self.timed_out:
            return f"{self.command}: {self.message}"
        verdict = "ok" if self.ok else f"failed (exit {self.returncode})"
        return f"{self.command}: {verdict} in {self.duration:.1f}s"


def _mix_env_for(args: tuple[str, ...], env: Mapping[str, str] | None) -> str:
    if env is not None and env.get("MIX_ENV"):
        return env["MIX_ENV"]
    return "test" if args and args[0] == "test" else "dev"


def run_mix(
    project_root: str | Path,
    args: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    wrapper: Sequence[str] = (),
) -> MixResult:
    """Run ``mix ARGS`` in ``project_root`` and capture everything it prints.

    ``env`` adds to (and overrides) this process's environment. ``MIX_ENV`` is ``test`` for the
    ``test`` task and ``dev`` otherwise unless ``env`` sets it; an inherited ``MIX_ENV=prod`` is
    never picked up by accident. Stdin is closed, so a prompt (such as installing Hex) cannot
    hang the run; on timeout the whole process group is killed. ``wrapper`` is a command line
    that runs mix (a sandbox such as ``bwrap ... --``), when given.
    """
    argv = tuple(str(a) for a in args)
    full_env = dict(os.environ)
    if env is not None:
        full_env.update(env)
    full_env["MIX_ENV"] = _mix_env_for(argv, env)
    if not (full_env.get("LC_ALL") or full_env.get("LANG")):
        full_env["LANG"] = "C.UTF-8"  # otherwise the VM warns about latin1 file names
    root = Path(project_root)
    if not root.is_dir():
        message = f"not a directory: {root}"
        return MixResult(argv, 2, "", "", 0.0, unavailable=True, message=message)
    mix = _find_mix(full_env)
    if mix is None:
        message = "mix is not installed (no 'mix' on PATH); install Elixir to verify with mix"
        return MixResult(argv, EXIT_MISSING, "", "", 0.0, unavailable=True, message=message)
    started = time.monotonic()
    try:
        result = run_child([*wrapper, mix, *argv], env=full_env, timeout=timeout, cwd=root)
    except OSError as exc:
        message = f"could not run mix: {exc.strerror or exc}"
        return MixResult(argv, EXIT_MISSING, "", "", 0.0, unavailable=True, message=message)
    elapsed = time.monotonic() - started
    if result.timed_out:
        message = f"timed out after {timeout:g}s and was stopped"
        return MixResult(
            argv,
            result.returncode,
            result.stdout,
            result.stderr,
            elapsed,
            timed_out=True,
            message=message,
        )
    return MixResult(argv, result.returncode, result.stdout, result.stderr, elapsed)


# --------------------------------------------------------------------------- high-level helpers


@dataclass(frozen=True, slots=True)
class CompileReport:
    result: MixResult
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")


@dataclass(frozen=True, slots=True)
class TestReport:
    result: MixResult
    summary: TestSummary
    diagnostics: tuple[Diagnostic, ...]  # compiler output printed before the tests ran

    @property
    def ok(self) -> bool:
        return self.result.ok and self.summary.passed


def has_formatter(project_root: str | Path) -> bool:
    return (Path(project_root) / ".formatter.exs").is_file()


def mix_format(
    project_root: str | Path,
    files: Sequence[str | Path],
    *,
    check: bool = False,
    timeout: float = DEFAULT_FORMAT_TIMEOUT,
) -> MixResult:
    """``mix format`` on ``files`` (.ex/.exs only, given relative to the root or absolute inside
    it). Other files are left alone; with nothing to format, nothing runs and the result is ok."""
    root = Path(project_root).resolve()
    targets: list[str] = []
    for name in files:
        path = Path(name)
        path = path if path.is_absolute() else root / path
        if path.suffix in FORMATTABLE_SUFFIXES and path.resolve().is_relative_to(root):
            targets.append(path.resolve().relative_to(root).as_posix())
    args = ("format", *(["--check-formatted"] if check else []), *targets)
    if not targets:
        return MixResult(args, 0, "", "", 0.0, message="no Elixir files to format")
    return run_mix(root, args, timeout=timeout)


def mix_compile(
    project_root: str | Path,
    *,
    warnings_as_errors: bool = False,
    timeout: float = DEFAULT_COMPILE_TIMEOUT,
    mix_env: str | None = None,
) -> CompileReport:
    """``mix compile`` (in ``mix_env``, default dev); pass ``mix_env="test"`` before a test run
    so both share one build."""
    args = ["compile", *(["--warnings-as-errors"] if warnings_as_errors else [])]
    env = {"MIX_ENV": mix_env} if mix_env else None
    result = run_mix(project_root, args, timeout=timeout, env=env)
    return CompileReport(result, tuple(parse_compile_diagnostics(result.output)))


def mix_test(
    project_root: str | Path,
    *,
    stale: bool = False,
    files: Sequence[str] = (),
    timeout: float = DEFAULT_TEST_TIMEOUT,
) -> TestReport:
    """``mix test`` (``--stale`` to run only the tests affected by changed modules)."""
    args = ["test", *(["--stale"] if stale else []), *files]
    result = run_mix(project_root, args, timeout=timeout)
    output = result.output
    return TestReport(result, parse_test_failures(output), tuple(parse_compile_diagnostics(output)))
