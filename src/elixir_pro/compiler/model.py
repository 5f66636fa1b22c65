"""What the warm compiler companion returns: structured compiler diagnostics and the outcome of
one compile.

Frozen dataclasses, no I/O. Used by :mod:`elixir_pro.compiler.companion` (which fills them from
the BEAM's replies), by the project service (which turns diagnostics into findings with
``source="compiler"``), by ``audit --compile`` and by the review screen's shadow build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DiagnosticSeverity(StrEnum):
    """As Mix names them (``Mix.Task.Compiler.Diagnostic.severity``)."""

    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One compiler error or warning.

    ``path`` is relative to the project root in posix form, or absolute when the file lies
    outside it (a dependency), or ``""`` when the compiler named no file (a broken ``mix.exs``,
    a missing dependency). ``line`` and ``column`` are 1-based, 0 when unknown; ``end_line`` and
    ``end_column`` are 0 unless the compiler gave a span. ``compiler`` is Mix's
    ``compiler_name`` (``"Elixir"``, ``"Erlang"``, ``"app"``, ...).
    """

    path: str
    line: int
    column: int
    severity: DiagnosticSeverity
    message: str
    compiler: str = "Elixir"
    end_line: int = 0
    end_column: int = 0

    @property
    def location(self) -> str:
        if not self.path:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def summary(self) -> str:
        """The message's first line."""
        return self.message.strip().splitlines()[0] if self.message.strip() else ""

    @property
    def is_error(self) -> bool:
        return self.severity is DiagnosticSeverity.ERROR

    def one_line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity.value}: {self.summary}"


class CompileStatus(StrEnum):
    OK = "ok"  # compiled, no errors (warnings possible)
    NOOP = "noop"  # nothing was stale
    ERROR = "error"  # compilation failed: see the error diagnostics
    UNAVAILABLE = "unavailable"  # no mix, not a mix project, or the companion is turned off
    FAILED = "failed"  # the companion crashed or timed out; ``message`` says why


@dataclass(frozen=True, slots=True)
class CompileResult:
    """The outcome of one compile.

    ``diagnostics`` are what this run reported. ``compiled`` lists the files Mix compiled in
    this run (relative posix paths): their earlier diagnostics are superseded by this run's
    even when it reports none for them. ``duration`` is the wall time of the request, in
    seconds; ``message`` explains an UNAVAILABLE or FAILED run; ``output`` is what the compile
    printed (Mix's shell, compile-time ``IO.puts``), truncated.
    """

    status: CompileStatus
    diagnostics: tuple[Diagnostic, ...] = ()
    duration: float = 0.0
    compiled: tuple[str, ...] = ()
    message: str = ""
    output: str = ""

    @property
    def ok(self) -> bool:
        """It compiled (or nothing needed compiling)."""
        return self.status in (CompileStatus.OK, CompileStatus.NOOP)

    @property
    def ran(self) -> bool:
        """The compiler ran and reported (OK, NOOP or ERROR)."""
        return self.status in (CompileStatus.OK, CompileStatus.NOOP, CompileStatus.ERROR)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is DiagnosticSeverity.WARNING)

    def headline(self) -> str:
        """One line saying how the compile went."""
        if self.status in (CompileStatus.UNAVAILABLE, CompileStatus.FAILED):
            return f"compile: {self.message or self.status.value}"
        errors, warnings = len(self.errors), len(self.warnings)
        counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        verdict = "failed" if self.status is CompileStatus.ERROR else "ok"
        return f"compile: {verdict} ({counts}) in {self.duration * 1000:.0f} ms"


@dataclass(frozen=True, slots=True)
class CompanionInfo:
    """What the companion said about itself when it started."""

    elixir: str  # "1.14.0"
    otp: str  # "25"
    mix_env: str  # "dev"
    build_path: str  # absolute
    pid: int  # the BEAM's OS process id
    extra: dict[str, str] = field(default_factory=dict)
