"""The shadow build: a proposed tree compiled outside the project, so a staged change is known
to compile (and to be formatted) before anything is written to the project.

A :class:`ShadowTree` is a temporary directory that looks like the project with some files
replaced: every directory on the way to a replaced file is a real directory, every other entry
is a symlink to the project's own (sources, ``deps``, ``config``, ``mix.exs``), and the replaced
files are real files written there. The project's ``_build/<env>`` is *copied* (never linked or
hard-linked: Mix rewrites .beam files and manifests in place) into the shadow's own build path,
so only the changed files and their dependents recompile. ``mix`` runs with the shadow as its
working directory, ``MIX_BUILD_PATH`` pointing into the shadow and ``--no-deps-check`` (no
dependency is fetched or compiled): nothing is written under the project root. Where bubblewrap
works, every mix run is also sandboxed so that this holds by construction: the whole file system
is read-only but the shadow (and there is no network), so not even a compile-time script or a
formatter plugin can write into the project through a link.

Used by :mod:`elixir_pro.compiler.precheck` (the review screen's check before apply). No Textual.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from elixir_pro.compiler.model import CompileResult, CompileStatus, Diagnostic, DiagnosticSeverity
from elixir_pro.engine.mix import MixResult, has_formatter, run_mix
from elixir_pro.engine.mix_output import Diagnostic as PrintedDiagnostic
from elixir_pro.engine.mix_output import parse_compile_diagnostics

SKIPPED_AT_ROOT = frozenset({"_build", ".git", ".elixir_ls", ".lexical", ".expert"})
MANIFEST_AGE = 2.0  # seconds the copied manifests are made older than anything written now
FORMATTABLE = (".ex", ".exs")
PREFIX = "elixir-pro-shadow-"
STALE_AFTER_S = 24 * 3600.0
_ELIXIR_FILE = re.compile(r"\.(?:exs?|erl|hrl|eex|heex|leex)$")


def sweep_stale_shadows(now: float | None = None) -> None:
    """Remove shadows left behind by a process that was killed mid-build (older than a day)."""
    cutoff = (now if now is not None else time.time()) - STALE_AFTER_S
    for leftover in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            if leftover.is_dir() and leftover.lstat().st_mtime < cutoff:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            continue


class ShadowError(Exception):
    """The shadow tree could not be made (a path outside the project, a file system error)."""


class ShadowTree:
    """The project with ``files`` laid over it, in a temporary directory of its own.

    ``files`` maps project-relative posix paths to their bytes (``None`` removes the file from
    the shadow). Use as a context manager; the directory is removed on exit.
    """

    def __init__(self, root: Path, files: Mapping[str, bytes | None], *, env: str = "dev") -> None:
        self.root = Path(root).resolve()
        self.files = dict(files)
        self.env = env
        sweep_stale_shadows()
        self.base = Path(tempfile.mkdtemp(prefix=PREFIX)).resolve()
        self.dir = self.base / "tree"  # the project's mirror
        self.tmp = self.base / "tmp"  # TMPDIR of the mix runs
        self.build_path = self.dir / "_build" / env
        self.seeded = False
        try:
            self.dir.mkdir()
            self.tmp.mkdir()
            self._lay_out()
            self._seed()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> ShadowTree:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)

    # ------------------------------------------------------------------ layout

    def _lay_out(self) -> None:
        real_dirs: set[PurePosixPath] = set()
        for rel in self.files:
            path = PurePosixPath(rel)
            if path.is_absolute() or ".." in path.parts or not path.parts:
                raise ShadowError(f"not a path inside the project: {rel}")
            real_dirs.update(path.parents)
        self._mirror(PurePosixPath("."), real_dirs)
        for rel, text in self.files.items():
            if text is None:
                continue
            target = self.dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            self._check_inside(target.parent)
            target.write_bytes(text)

    def _mirror(self, rel_dir: PurePosixPath, real_dirs: set[PurePosixPath]) -> None:
        source = self.root / rel_dir
        if not source.is_dir() or source.is_symlink():
            return
        for entry in sorted(os.scandir(source), key=lambda e: e.name):
            rel = rel_dir / entry.name
            if rel_dir == PurePosixPath(".") and entry.name in SKIPPED_AT_ROOT:
                continue
            if rel.as_posix() in self.files:
                continue  # written (or left out, when deleted) by _lay_out
            target = self.dir / rel
            if rel in real_dirs and entry.is_dir(follow_symlinks=False):
                target.mkdir()
                self._mirror(rel, real_dirs)
            else:
                os.symlink(entry.path, target)

    def _check_inside(self, directory: Path) -> None:
        """A file is only ever written in a real directory of the shadow (never through a
        link into the project)."""
        resolved = directory.resolve()
        if not resolved.is_relative_to(self.dir) or resolved.is_relative_to(self.root):
            raise ShadowError(f"refusing to write outside the shadow build: {directory}")

    def _seed(self) -> None:
        """Copy the project's build for this env, then age the copied manifests so every file
        written into the shadow now is newer than the last compile Mix remembers."""
        project_build = self.root / "_build" / self.env
        self.build_path.parent.mkdir(parents=True, exist_ok=True)
        if not project_build.is_dir():
            return
        shutil.copytree(project_build, self.build_path, symlinks=True)
        self.seeded = True
        aged = time.time() - MANIFEST_AGE
        for manifest in self.build_path.glob("lib/*/.mix/*"):
            if manifest.is_file() and not manifest.is_symlink():
                stat = manifest.stat()
                when = min(stat.st_mtime, aged)
                os.utime(manifest, (when, when))

    # ------------------------------------------------------------------ running mix

    def mix_env(self) -> dict[str, str]:
        return {
            "MIX_ENV": self.env,
            "MIX_BUILD_PATH": str(self.build_path),
            "MIX_BUILD_ROOT": str(self.dir / "_build"),
            "TMPDIR": str(self.tmp),
        }

    @property
    def sandboxed(self) -> bool:
        return bool(sandbox_wrapper(self.base))

    def _mix(self, args: tuple[str, ...], timeout: float) -> MixResult:
        wrapper = sandbox_wrapper(self.base)
        return run_mix(self.dir, args, timeout=timeout, env=self.mix_env(), wrapper=wrapper)

    def compile(self, *, timeout: float) -> CompileResult:
        """``mix compile --no-deps-check`` in the shadow, diagnostics relative to the project."""
        started = time.monotonic()
        result = self._mix(("compile", "--no-deps-check"), timeout)
        duration = time.monotonic() - started
        if result.unavailable or result.timed_out:
            return CompileResult(CompileStatus.FAILED, duration=duration, message=result.message)
        printed = parse_compile_diagnostics(result.output)
        diagnostics = tuple(self.relative(from_printed(d)) for d in printed)
        status = CompileStatus.OK if result.ok else CompileStatus.ERROR
        if status is CompileStatus.ERROR and not any(d.is_error for d in diagnostics):
            line = _last_line(result.output) or f"mix compile failed (exit {result.returncode})"
            diagnostics += (Diagnostic("", 0, 0, DiagnosticSeverity.ERROR, line, "mix"),)
        return CompileResult(
            status, diagnostics, duration, message=result.headline(), output=result.output[-4000:]
        )

    def format_files(
        self, paths: Iterable[str], *, timeout: float
    ) -> tuple[dict[str, bytes] | None, tuple[Diagnostic, ...]]:
        """Run ``mix format`` on ``paths`` (written files only) inside the shadow: the formatted
        bytes of each, or None when the project has no ``.formatter.exs`` or the formatter
        failed; and the syntax errors it reported (a test or script the compile never reads)."""
        targets = [
            p
            for p in paths
            if p.endswith(FORMATTABLE)
            and self.files.get(p) is not None
            and (self.dir / p).is_file()
        ]
        if not targets or not has_formatter(self.root):
            return None, ()
        result = self._mix(("format", *targets), timeout)
        if not result.ok:
            printed = parse_compile_diagnostics(result.output)
            errors = (self.relative(from_printed(d)) for d in printed if d.severity == "error")
            return None, tuple(_with_compiler(d, "mix format") for d in errors if d.path)
        return {p: (self.dir / p).read_bytes() for p in targets}, ()

    def relative(self, diagnostic: Diagnostic) -> Diagnostic:
        """The diagnostic's path relative to the project (the compiler may name the shadow)."""
        path = diagnostic.path
        if not path or not os.path.isabs(path):
            return diagnostic
        for base in (self.dir, self.root):
            if Path(path).is_relative_to(base):
                rel = Path(path).relative_to(base).as_posix()
                return _with_path(diagnostic, rel)
        # a module compiled where the project was before it moved (a copy, a renamed folder)
        # is named by its old absolute path: keep the longest tail that is a project file
        parts = Path(path).parts
        for i in range(1, len(parts)):
            tail = PurePosixPath(*parts[i:])
            if (self.dir / tail).is_file():
                return _with_path(diagnostic, tail.as_posix())
        return diagnostic


def sandbox_wrapper(writable: Path) -> tuple[str, ...]:
    """The bwrap command line under which only ``writable`` can be written (no network), or ()
    where bubblewrap is not installed or cannot start here (probed once per process)."""
    from elixir_pro.tools.sandbox import Sandbox

    sandbox = Sandbox()
    if sandbox.bwrap is None or not sandbox.status().available:
        return ()
    return (
        sandbox.bwrap,
        "--die-with-parent",
        "--unshare-net",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--bind",
        str(writable),
        str(writable),
        "--",
    )


def from_printed(printed: PrintedDiagnostic) -> Diagnostic:
    """A diagnostic read from mix's printed output, as the compiler model holds it."""
    severity = (
        DiagnosticSeverity.ERROR if printed.severity == "error" else DiagnosticSeverity.WARNING
    )
    path = printed.file or ""
    compiler = "Erlang" if path.endswith((".erl", ".hrl")) else "Elixir"
    return Diagnostic(
        path, printed.line or 0, printed.column or 0, severity, printed.message, compiler
    )


def _with_path(diagnostic: Diagnostic, path: str) -> Diagnostic:
    d = diagnostic
    return Diagnostic(
        path, d.line, d.column, d.severity, d.message, d.compiler, d.end_line, d.end_column
    )


def _with_compiler(diagnostic: Diagnostic, compiler: str) -> Diagnostic:
    d = diagnostic
    return Diagnostic(
        d.path, d.line, d.column, d.severity, d.message, compiler, d.end_line, d.end_column
    )


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def is_compiled_source(path: str) -> bool:
    return _ELIXIR_FILE.search(path) is not None
