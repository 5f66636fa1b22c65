"""The warm compiler companion: a long-lived BEAM running Mix in one project, so a recompile after
a save costs the compile itself (~50-150 ms on the example project) instead of starting a VM and
loading Mix each time (~0.7 s).

::

    companion = CompilerCompanion(project_root, env="dev", build_path=None)
    result = companion.compile()      # -> CompileResult; starts the BEAM on first use
    companion.stop()                  # idempotent; the next compile starts a new BEAM
    companion.close()                 # stop for good (also done at interpreter exit)

The BEAM side is ``companion.exs`` (shipped next to this module); the protocol is described at
its top: requests ``compile <id>`` / ``ping <id>`` / ``stop`` on its stdin, one JSON object per
line on its stdout behind an ``@ep`` prefix. It compiles with ``mix compile --return-errors
--all-warnings`` in the project's own ``MIX_ENV`` and build path (``build_path`` selects another,
e.g. a shadow build), after clearing Mix's record of tasks already run, so each request is what
a fresh ``mix compile`` would do and plain ``mix`` agrees afterwards.

Lifecycle: started lazily; restarted on the next request when it died, timed out, or when
``mix.exs``, ``mix.lock`` or ``config/*.exs`` changed (Mix reads them once per VM); stopped by
:meth:`CompilerCompanion.stop` or at exit. It never outlives its parent: the BEAM halts at the
end of its stdin (the pipe closes when this process dies, SIGKILL included) and when its parent
process changes. Thread-safe: one request at a time.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import re
import shutil
import subprocess
import threading
import time
import weakref
from pathlib import Path

from elixir_pro.compiler.model import CompanionInfo, CompileResult, CompileStatus
from elixir_pro.compiler.process import BeamProcess, CompanionError
from elixir_pro.compiler.wire import clean_message, compile_result

__all__ = ["CompanionError", "CompilerCompanion", "companion_script", "mix_missing_reason"]

DEFAULT_COMPILE_TIMEOUT = 300.0
DEFAULT_BOOT_TIMEOUT = 120.0
_SCRIPT = Path(__file__).with_name("companion.exs")
_LIVE: weakref.WeakSet[CompilerCompanion] = weakref.WeakSet()


def companion_script() -> Path:
    """The BEAM side, shipped as package data."""
    return _SCRIPT


def mix_missing_reason(project_root: Path) -> str:
    """Why no companion can run for ``project_root`` ("" when one can)."""
    if shutil.which("mix") is None or shutil.which("elixir") is None:
        return "mix is not installed (no 'mix' or 'elixir' on PATH)"
    if not (Path(project_root) / "mix.exs").is_file():
        return "not a mix project (no mix.exs)"
    return ""


class CompilerCompanion:
    """One warm BEAM with Mix for one project."""

    def __init__(
        self,
        project_root: Path,
        *,
        env: str = "dev",
        build_path: Path | None = None,
        boot_timeout: float = DEFAULT_BOOT_TIMEOUT,
    ) -> None:
        """``env`` is the ``MIX_ENV``; ``build_path`` (made absolute) replaces the project's
        ``_build/<env>`` (``MIX_BUILD_PATH``)."""
        self.root = Path(project_root).resolve()
        self.env = env
        self.build_path = Path(build_path).resolve() if build_path is not None else None
        self.boot_timeout = boot_timeout
        #: How many times a BEAM was started (the first start included).
        self.starts = 0
        self._lock = threading.Lock()
        self._proc: BeamProcess | None = None
        self._stamp: tuple[tuple[str, int, int], ...] = ()
        #: The project stamp (deps folder included) at which the dependencies were found
        #: missing, and that answer: the BEAM is not started again until the stamp moves.
        self._no_deps: tuple[tuple[tuple[str, int, int], ...], CompileResult] | None = None
        self._ids = itertools.count(1)
        self._closed = False
        _LIVE.add(self)

    # -- state -----------------------------------------------------------------------------

    @property
    def unavailable_reason(self) -> str:
        return mix_missing_reason(self.root)

    @property
    def available(self) -> bool:
        """``mix`` is installed and the project has a ``mix.exs``."""
        return not self.unavailable_reason

    @property
    def running(self) -> bool:
        proc = self._proc
        return proc is not None and proc.alive

    @property
    def pid(self) -> int | None:
        """The BEAM's OS process id while it runs."""
        proc = self._proc
        return proc.pid if proc is not None and proc.alive else None

    @property
    def info(self) -> CompanionInfo | None:
        proc = self._proc
        return proc.info if proc is not None and proc.alive else None

    # -- requests --------------------------------------------------------------------------

    def start(self) -> CompanionInfo:
        """Start the BEAM now (``compile`` does it when needed). Raises :class:`CompanionError`
        when it cannot start or the project does not load."""
        with self._lock:
            return self._ensure_started().info

    def compile(self, *, timeout: float = DEFAULT_COMPILE_TIMEOUT) -> CompileResult:
        """Recompile what changed, as ``mix compile`` would, and return every current error
        and warning. Never raises: a missing ``mix`` is UNAVAILABLE, a project that does not
        load is ERROR with the reason as a diagnostic, a crash or timeout is FAILED."""
        reason = "the compiler companion was closed" if self._closed else self.unavailable_reason
        if reason:
            return CompileResult(CompileStatus.UNAVAILABLE, message=reason)
        started = time.monotonic()
        with self._lock:
            known = self._no_deps
            if known is not None and known[0] == self._deps_stamp():
                return known[1]
            try:
                proc = self._ensure_started()
            except CompanionError as exc:
                return self._missing_deps(_boot_failure(exc, time.monotonic() - started))
            request_id = str(next(self._ids))
            try:
                reply = proc.request(f"compile {request_id}", request_id, timeout)
            except CompanionError as exc:
                self._discard()
                return CompileResult(
                    CompileStatus.FAILED, duration=time.monotonic() - started, message=str(exc)
                )
            result = compile_result(reply, self.root, time.monotonic() - started)
            return self._missing_deps(result)

    def _missing_deps(self, result: CompileResult) -> CompileResult:
        """A project whose dependencies are not fetched does not compile, and that is not a
        fault of its code: UNAVAILABLE, saying how to fix it, remembered until ``mix.exs``,
        ``mix.lock``, ``config/`` or ``deps/`` change (no BEAM is started meanwhile)."""
        if result.status is not CompileStatus.ERROR or not any(
            _DEPS_MISSING.search(d.message) for d in result.diagnostics
        ):
            self._no_deps = None
            return result
        self._discard()
        first = next(d.message for d in result.diagnostics if _DEPS_MISSING.search(d.message))
        answer = CompileResult(
            CompileStatus.UNAVAILABLE,
            duration=result.duration,
            message=(
                "the project's dependencies are not fetched or compiled "
                f"(run `mix deps.get`): {first.splitlines()[0]}"
            ),
        )
        self._no_deps = (self._deps_stamp(), answer)
        return answer

    def _deps_stamp(self) -> tuple[tuple[str, int, int], ...]:
        deps = self.root / "deps"
        extra: tuple[tuple[str, int, int], ...] = ()
        with contextlib.suppress(OSError):
            st = deps.stat()
            extra = (("deps/", st.st_mtime_ns, st.st_nlink),)
        return self._project_stamp() + extra

    def ping(self, *, timeout: float = 10.0) -> bool:
        """Whether the BEAM answers (starting it if needed)."""
        with self._lock:
            try:
                proc = self._ensure_started()
                request_id = str(next(self._ids))
                proc.request(f"ping {request_id}", request_id, timeout)
            except CompanionError:
                return False
        return True

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the BEAM (idempotent): ask it to halt, then kill it if it has not. Safe from any
        thread, also while another waits for a compile (that one returns FAILED)."""
        self._discard(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the BEAM for good: later compiles are UNAVAILABLE and start nothing."""
        self._closed = True
        self._discard(timeout)

    def __enter__(self) -> CompilerCompanion:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- lifecycle -------------------------------------------------------------------------

    def _ensure_started(self) -> BeamProcess:
        proc = self._proc
        if proc is not None and proc.alive and self._stamp == self._project_stamp():
            return proc
        self._discard()
        self._stamp = self._project_stamp()
        self.starts += 1
        proc = BeamProcess.launch(self._argv(), self.root, self._env())
        self._proc = proc
        try:
            proc.wait_ready(self.boot_timeout)
        except CompanionError:
            self._discard()
            raise
        if self._closed:  # closed from another thread while it started
            self._discard()
            raise CompanionError("the compiler companion was closed")
        return proc

    def _discard(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.stop(timeout)

    def _argv(self) -> list[str]:
        elixir = shutil.which("elixir") or "elixir"
        # +Bd: no break menu (SIGINT just ends it); +sbwt none...: idle schedulers sleep at
        # once instead of spinning after each compile, leaving the CPU to elixir-pro
        flags = "+Bd +sbwt none +sbwtdcpu none +sbwtdio none"
        return [elixir, "--erl", flags, str(_SCRIPT)]

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["MIX_ENV"] = self.env
        env.pop("MIX_BUILD_PATH", None)
        if self.build_path is not None:
            env["MIX_BUILD_PATH"] = str(self.build_path)
        if not (env.get("LC_ALL") or env.get("LANG")):
            env["LANG"] = "C.UTF-8"  # otherwise the VM warns about latin1 file names
        return env

    def _project_stamp(self) -> tuple[tuple[str, int, int], ...]:
        """What Mix reads once per VM: a change means a restart."""
        files = [self.root / "mix.exs", self.root / "mix.lock"]
        config = self.root / "config"
        if config.is_dir():
            files.extend(sorted(config.glob("*.exs")))
        stamp: list[tuple[str, int, int]] = []
        for path in files:
            try:
                st = path.stat()
            except OSError:
                continue
            stamp.append((path.name, st.st_mtime_ns, st.st_size))
        return tuple(stamp)


#: What Mix says when the project's dependencies are not there to compile against.
_DEPS_MISSING = re.compile(
    r"Could not find an SCM for dependency|Unchecked dependencies|"
    r"dependency is not available|mix deps\.get|the dependency does not match|"
    r"Can't continue due to errors on dependencies"
)


def _boot_failure(exc: CompanionError, duration: float) -> CompileResult:
    from elixir_pro.compiler.model import Diagnostic, DiagnosticSeverity

    if exc.boot_error:
        text, line, column = clean_message(exc.message, "mix.exs")
        diagnostic = Diagnostic("mix.exs", line, column, DiagnosticSeverity.ERROR, text, "mix")
        return CompileResult(CompileStatus.ERROR, (diagnostic,), duration, message=text)
    return CompileResult(CompileStatus.FAILED, duration=duration, message=exc.message)


@atexit.register
def _stop_all() -> None:
    for companion in list(_LIVE):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            companion.close(timeout=2.0)
