"""Phase gates as data: a gate is a list of checks, each pass / fail / unknown / n/a with the
evidence behind it (file:line, command output) and how to make it pass.

Built by :mod:`elixir_pro.pipeline.gates`; printed by ``elixir-pro gates``; fed to the critical
and evaluative prompts and the offline backend; shown in the TUI's gates view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "n/a"


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return self.text
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.text}"

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "path": self.path, "line": self.line}


@dataclass(slots=True)
class Check:
    id: str
    title: str
    status: Status
    evidence: list[Evidence] = field(default_factory=list)
    fix: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status.value,
            "evidence": [e.to_json() for e in self.evidence],
            "fix": self.fix,
        }


@dataclass(slots=True)
class Gate:
    id: str  # design | implementation | test | deployment
    title: str
    phase: int
    checks: list[Check]

    @property
    def status(self) -> Status:
        statuses = {c.status for c in self.checks}
        if Status.FAIL in statuses:
            return Status.FAIL
        if Status.UNKNOWN in statuses:
            return Status.UNKNOWN
        return Status.PASS

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "phase": self.phase,
            "status": self.status.value,
            "checks": [c.to_json() for c in self.checks],
        }


@dataclass(slots=True)
class GateReport:
    gates: list[Gate]
    notices: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(g.status is Status.PASS for g in self.gates)

    def gate(self, gate_id: str) -> Gate:
        return next(g for g in self.gates if g.id == gate_id)

    def check(self, check_id: str) -> Check:
        return next(c for g in self.gates for c in g.checks if c.id == check_id)

    def to_json(self) -> dict[str, object]:
        return {
            "version": 1,
            "passed": self.passed,
            "gates": [g.to_json() for g in self.gates],
            "notices": list(self.notices),
        }


_MARK = {
    Status.PASS: "pass",
    Status.FAIL: "FAIL",
    Status.UNKNOWN: "unknown",
    Status.NOT_APPLICABLE: "n/a",
}


def render_text(report: GateReport, *, evidence_limit: int = 8) -> str:
    lines: list[str] = []
    for gate in report.gates:
        lines.append(f"{gate.title} (phase {gate.phase}): {_MARK[gate.status]}")
        for check in gate.checks:
            lines.append(f"  [{_MARK[check.status]}] {check.title}")
            for item in check.evidence[:evidence_limit]:
                lines.append(f"      {item}")
            if len(check.evidence) > evidence_limit:
                lines.append(f"      ... and {len(check.evidence) - evidence_limit} more")
            if check.status in (Status.FAIL, Status.UNKNOWN) and check.fix:
                lines.append(f"      to pass: {check.fix}")
        lines.append("")
    lines.extend(f"notice: {n}" for n in report.notices)
    verdict = "all gates pass" if report.passed else "not every gate passes"
    lines.append(verdict)
    return "\n".join(lines).rstrip() + "\n"


def render_for_prompt(report: GateReport) -> str:
    """A compact summary for Claude's context and the offline backend's answers."""
    lines = ["Phase gate readiness (checked by elixir-pro from the project's files):"]
    for gate in report.gates:
        lines.append(f"- {gate.title}: {gate.status.value}")
        for check in gate.checks:
            if check.status is not Status.PASS:
                first = f" ({check.evidence[0]})" if check.evidence else ""
                lines.append(f"  - {check.status.value}: {check.title}{first}")
    return "\n".join(lines)
