"""Reading what ``mix compile`` and ``mix test`` print: compiler diagnostics with file:line and
ExUnit results with every failure.

Used by :mod:`elixir_pro.engine.mix` (which re-exports these names) and so by verify-after-apply
and the gates. Understands the Elixir 1.14 formats (``warning: ...`` followed by an indented
``lib/x.ex:12: Mod.fun/1``, ``** (CompileError) lib/x.ex:3: ...``) and the boxed diagnostics of
Elixir 1.16 and later (``└─ lib/x.ex:12:5: Mod.fun/1``). Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


Severity = Literal["warning", "error"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A compiler warning or error. ``file`` is as mix printed it (relative to the project)."""

    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    context: str = ""  # e.g. "MyApp.Worker.init/1" or the exception name

    @property
    def location(self) -> str:
        if self.file is None:
            return ""
        return self.file if self.line is None else f"{self.file}:{self.line}"

    @property
    def summary(self) -> str:
        return self.message.splitlines()[0] if self.message else ""

    def one_line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity}: {self.summary}"


_PATH = r"(?P<file>[^\s:│└][^\s:]*\.(?:exs?|erl|hrl|eex|heex|leex))"
_POS = r":(?P<line>\d+)(?::(?P<col>\d+))?"
_DIAG_START = re.compile(r"^\s*(?P<sev>warning|error): (?P<msg>.*)$")
_OLD_LOC = re.compile(rf"^\s+{_PATH}(?:{_POS})?(?:: (?P<ctx>.*))?\s*$")
_NEW_LOC = re.compile(rf"^\s*└─ {_PATH}(?:{_POS})?(?:: (?P<ctx>.*))?\s*$")
_BOX = re.compile(r"^\s*(?:\d+\s*)?│")
_RAISE = re.compile(r"^\*\* \((?P<kind>[\w.]+)\) (?P<rest>.*)$")
_RAISE_AT = re.compile(rf"^{_PATH}{_POS}: (?P<msg>.+)$")
_RAISE_FILE = re.compile(rf"^{_PATH}: (?P<msg>.+)$")
_RAISE_HEADER = re.compile(rf"^(?P<msg>.+?) on {_PATH}{_POS}:$")
_MAX_MESSAGE_LINES = 40
_BLOCK_END = re.compile(r"^(?:==|\*\*|Compiling |Generated |Compilation failed)")


def _loc_int(match: re.Match[str], name: str) -> int | None:
    value = match.group(name)
    return int(value) if value else None


def parse_compile_diagnostics(output: str) -> list[Diagnostic]:
    """Warnings and errors from ``mix compile`` (or ``mix test``) output, in order.

    A warning listing several call sites gives one diagnostic per site. An exception line
    such as ``** (CompileError) lib/x.ex:3: ...`` is an error; the summary line ``cannot
    compile module X (errors have been logged)`` is dropped when the logged errors were read.
    """
    lines = strip_ansi(output).splitlines()
    found: list[Diagnostic] = []
    i = 0
    while i < len(lines):
        start = _DIAG_START.match(lines[i])
        if start is not None:
            i = _read_block(lines, i, start, found)
            continue
        raised = _RAISE.match(lines[i])
        if raised is not None:
            diagnostic = _raised(raised.group("kind"), raised.group("rest"))
            header_only = _RAISE_HEADER.match(raised.group("rest")) is not None
            nxt = next((ln for ln in lines[i + 1 :] if ln.strip()), "")
            if not (header_only and _DIAG_START.match(nxt)):
                found.append(diagnostic)
        i += 1
    return _drop_logged_summaries(found)


def _read_block(lines: list[str], i: int, start: re.Match[str], found: list[Diagnostic]) -> int:
    severity: Severity = "error" if start.group("sev") == "error" else "warning"
    message = [start.group("msg").rstrip()]
    sites: list[re.Match[str]] = []
    j = i + 1
    while j < len(lines):
        text = lines[j]
        loc = _NEW_LOC.match(text) or _OLD_LOC.match(text)
        if loc is not None:
            sites.append(loc)
        elif sites or _DIAG_START.match(text) or _BLOCK_END.match(text):
            break
        elif not _BOX.match(text) and text.strip() and len(message) < _MAX_MESSAGE_LINES:
            message.append(text.strip())
        j += 1
    body = "\n".join(message).strip()
    if not sites:
        found.append(Diagnostic(severity, body))
    for site in sites:
        found.append(
            Diagnostic(
                severity,
                body,
                site.group("file"),
                _loc_int(site, "line"),
                _loc_int(site, "col"),
                (site.group("ctx") or "").strip(),
            )
        )
    return j


def _raised(kind: str, rest: str) -> Diagnostic:
    at = _RAISE_AT.match(rest)
    if at is not None:
        return Diagnostic(
            "error",
            at.group("msg"),
            at.group("file"),
            _loc_int(at, "line"),
            _loc_int(at, "col"),
            kind,
        )
    header = _RAISE_HEADER.match(rest)
    if header is not None:
        return Diagnostic(
            "error",
            header.group("msg"),
            header.group("file"),
            _loc_int(header, "line"),
            _loc_int(header, "col"),
            kind,
        )
    in_file = _RAISE_FILE.match(rest)
    if in_file is not None:
        return Diagnostic("error", in_file.group("msg"), in_file.group("file"), context=kind)
    return Diagnostic("error", rest.strip(), context=kind)


def _drop_logged_summaries(found: list[Diagnostic]) -> list[Diagnostic]:
    located_errors = {d.file for d in found if d.severity == "error" and d.line is not None}
    return [
        d
        for d in found
        if not (
            d.line is None and "errors have been logged" in d.message and d.file in located_errors
        )
    ]


# --------------------------------------------------------------------------- test results


@dataclass(frozen=True, slots=True)
class TestFailure:
    """One failed test: its name and module, where it is defined, and what ExUnit said."""

    name: str
    module: str
    file: str | None
    line: int | None
    message: str
    kind: str = "test"  # "test", "doctest", "property" or "setup"
    failed_at: str | None = None  # the first stacktrace entry in a test file, "file:line"

    @property
    def location(self) -> str:
        if self.file is None:
            return ""
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def one_line(self) -> str:
        first = self.message.splitlines()[0] if self.message else "failed"
        where = f"{self.failed_at or self.location}: " if self.location else ""
        return f"{where}{self.kind} {self.name} ({self.module}): {first}"


@dataclass(frozen=True, slots=True)
class TestSummary:
    """What ``mix test`` reported. ``found`` is False when no result line was printed (the
    project did not compile, or mix did not get that far)."""

    tests: int = 0
    failures: int = 0
    doctests: int = 0
    properties: int = 0
    excluded: int = 0
    skipped: int = 0
    invalid: int = 0
    failed: tuple[TestFailure, ...] = field(default_factory=tuple)
    found: bool = False
    no_tests: bool = False  # "There are no tests to run" / "No stale tests"

    @property
    def passed(self) -> bool:
        return (self.found or self.no_tests) and self.failures == 0 and self.invalid == 0

    def headline(self) -> str:
        if self.no_tests:
            return "no tests to run"
        if not self.found:
            return "no test results (see the output)"
        parts = [f"{self.tests} tests", f"{self.failures} failures"]
        if self.doctests:
            parts.insert(0, f"{self.doctests} doctests")
        for count, word in ((self.invalid, "invalid"), (self.skipped, "skipped")):
            if count:
                parts.append(f"{count} {word}")
        return ", ".join(parts)


_COUNT = re.compile(r"(\d+) (doctests?|propert(?:y|ies)|tests?|failures?|invalid|excluded|skipped)")
_COUNT_KEYS = {
    "doctest": "doctest",
    "doctests": "doctest",
    "property": "property",
    "properties": "property",
    "test": "test",
    "tests": "test",
    "failure": "failure",
    "failures": "failure",
    "invalid": "invalid",
    "excluded": "excluded",
    "skipped": "skipped",
}
_SUMMARY_LINE = re.compile(r"^\s*(?:\d+ \w+, )*\d+ tests?, \d+ failures?(?:, \d+ \w+)*\s*$")
_FAILURE_HEAD = re.compile(r"^  (?P<n>\d+)\) (?P<rest>.+?)\s*$")
_TEST_NAME = re.compile(r"^(?P<kind>test|doctest|property) (?P<name>.+) \((?P<module>[\w.]+)\)$")
_TEST_LOC = re.compile(rf"^\s+{_PATH}:(?P<line>\d+)\s*$")
_STACK_ENTRY = re.compile(rf"^\s+{_PATH}:(?P<line>\d+): ")
_NO_TESTS = re.compile(r"^(There are no tests to run|No stale tests|No tests found)", re.M)


def parse_test_failures(output: str) -> TestSummary:
    """The counts line (``N doctests, N tests, M failures, ...``) and every failure block."""
    lines = strip_ansi(output).splitlines()
    counts: dict[str, int] = {}
    found = False
    for text in lines:
        if _SUMMARY_LINE.match(text):
            found = True
            counts = {}
            counts = {_COUNT_KEYS[word]: int(number) for number, word in _COUNT.findall(text)}
    failed: list[TestFailure] = []
    i = 0
    while i < len(lines):
        head = _FAILURE_HEAD.match(lines[i])
        if head is None:
            i += 1
            continue
        failure, i = _read_failure(lines, i + 1, head.group("rest"))
        failed.append(failure)
    return TestSummary(
        tests=counts.get("test", 0),
        failures=counts.get("failure", 0),
        doctests=counts.get("doctest", 0),
        properties=counts.get("property", 0),
        excluded=counts.get("excluded", 0),
        skipped=counts.get("skipped", 0),
        invalid=counts.get("invalid", 0),
        failed=tuple(failed),
        found=found,
        no_tests=not found and _NO_TESTS.search("\n".join(lines)) is not None,
    )


def _read_failure(lines: list[str], i: int, head: str) -> tuple[TestFailure, int]:
    named = _TEST_NAME.match(head)
    if named is not None:
        kind, name, module = named.group("kind"), named.group("name"), named.group("module")
    else:
        kind, name, module = "setup", head, head.split(":", 1)[0]
    file: str | None = None
    line: int | None = None
    if i < len(lines):
        loc = _TEST_LOC.match(lines[i])
        if loc is not None:
            file, line = loc.group("file"), int(loc.group("line"))
            i += 1
    message: list[str] = []
    failed_at: str | None = None
    in_stack = False
    while i < len(lines):
        text = lines[i]
        if _FAILURE_HEAD.match(text) or _SUMMARY_LINE.match(text) or text.startswith("Finished in"):
            break
        stripped = text.strip()
        if stripped == "stacktrace:":
            in_stack = True
        elif in_stack:
            entry = _STACK_ENTRY.match(text)
            if entry is not None and failed_at is None and entry.group("file") == file:
                failed_at = f"{entry.group('file')}:{entry.group('line')}"
            if not stripped:
                in_stack = False
        elif stripped and len(message) < _MAX_MESSAGE_LINES:
            message.append(stripped)
        i += 1
    return TestFailure(name, module, file, line, "\n".join(message), kind, failed_at), i
