"""The structured output of the ``elixir-pro mcp`` tools, as pydantic models: the MCP SDK
publishes their JSON schemas as each tool's ``outputSchema`` and validates every result
against them. The shapes are those of the CLI's JSON (``audit --format json``,
``supervision --json``, ``docs --json``, ``gates --json``), so a script and an agent read the
same fields. Imported only by :mod:`elixir_pro.protocols.mcp_server`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SeverityName = Literal["critical", "high", "medium", "low"]
ConfidenceName = Literal["high", "medium", "low"]


class FindingOut(BaseModel):
    rule: str = Field(description="rule id, e.g. genserver-call-infinity")
    severity: SeverityName
    path: str = Field(description="project-relative path")
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    confidence: ConfidenceName
    fixable: bool = Field(description="propose_fix can fix it")
    fingerprint: str = Field(description="identity that survives line moves")
    source: str = Field(default="engine", description="who reports it: engine or compiler")


class HiddenCounts(BaseModel):
    low_confidence: int = Field(description="findings under the minimum confidence")
    baseline: int = Field(description="findings listed in the project's baseline")


class AuditResult(BaseModel):
    version: int
    files_analyzed: int
    hidden: HiddenCounts
    findings: list[FindingOut]


class FileFindings(BaseModel):
    path: str
    findings: list[FindingOut]


class ProcessOut(BaseModel):
    label: str
    kind: str
    module: str | None
    registered_as: str | None
    strategy: str | None
    max_restarts: int | None
    max_seconds: int | None
    restart: str | None
    dynamic: bool
    path: str | None
    line: int | None
    children: list[ProcessOut]


class SupervisionResult(BaseModel):
    version: int
    trees: list[ProcessOut]
    unattached: list[ProcessOut] = Field(description="process modules no tree starts")
    notices: list[str]


class DocEntryOut(BaseModel):
    kind: str
    name: str
    arity: int
    signatures: list[str]
    doc: str
    deprecated: str = ""


class DocsResult(BaseModel):
    symbol: str
    found: bool
    title: str | None = None
    module: str | None = None
    function: str | None = None
    arity: int | None = None
    signatures: list[str] = Field(default_factory=list)
    markdown: str = ""
    entries: list[DocEntryOut] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="why there are none (when not found)")
    message: str | None = None


class EvidenceOut(BaseModel):
    text: str
    path: str | None
    line: int | None


class CheckOut(BaseModel):
    id: str
    title: str
    status: str = Field(description="pass, fail, unknown or n/a")
    evidence: list[EvidenceOut]
    fix: str


class GateOut(BaseModel):
    id: str
    title: str
    phase: int
    status: str
    checks: list[CheckOut]


class GatesResult(BaseModel):
    version: int
    passed: bool
    gates: list[GateOut]
    notices: list[str]


class ProposedFix(BaseModel):
    diff: str = Field(description="unified diff (a/ and b/ prefixes); nothing was written")
    files: list[str]
    fixes: int = Field(description="findings the diff fixes")
