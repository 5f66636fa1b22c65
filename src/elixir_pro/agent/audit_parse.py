"""Parsing Audit Mode findings out of an answer into the engine's
:class:`~elixir_pro.engine.findings.Finding` (``source="claude"``), so Claude's findings and
the engine's share one list, one panel and one report.

Accepted shapes (any case, bold or not): ``### [CRITICAL] Title``, ``### 2. [HIGH] Title``,
``### HIGH: Title``, ``- **[MEDIUM]** Title``; fields ``- **Location**: lib/a.ex:12`` (also
``Location:`` without bold, backticks, ``lib/a.ex:12-18``, ``lib/a.ex:12:5``,
``lib/a.ex (line 12)``, ``lib/a.ex#L12``), Issue, Impact, OpenSpec Contract Violation,
Recommendation (or Fix). Code blocks with a language tag are skipped; a bare fence
around the whole report is read through. A finding without a location gets path ``""``
and line 0 (the whole project). The rule id is a slug of the title (``"claude"`` when the
title has no word). Used by the LLM backends, the watcher's review and the TUI findings panel.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from elixir_pro.engine.findings import Finding, Severity

SEVERITY_WORDS: dict[str, Severity] = {
    "critical": Severity.CRITICAL,
    "blocker": Severity.CRITICAL,
    "high": Severity.HIGH,
    "major": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "warning": Severity.MEDIUM,
    "low": Severity.LOW,
    "minor": Severity.LOW,
    "info": Severity.LOW,
}
_SEV = "|".join(SEVERITY_WORDS)
_PREFIX = r"(?:\d+[.)]\s*|finding\s*\d*\s*[:.\-–—]\s*)?"
_HEADING_FINDING = re.compile(
    rf"^\s*(?P<hashes>#{{2,6}})\s*{_PREFIX}(?:\*\*|__)?\s*"
    rf"(?:\[(?P<sev1>{_SEV})\]|(?P<sev2>{_SEV})\s*(?:\*\*|__)?\s*[:\-–—]\s)"
    rf"(?:\*\*|__)?\s*[:\-–—]?\s*(?P<title>.*?)\s*#*\s*$",
    re.IGNORECASE,
)
_BULLET_FINDING = re.compile(
    rf"^\s*(?:[-*+]\s+|\d+[.)]\s+){_PREFIX}(?:\*\*|__)?\s*\[(?P<sev1>{_SEV})\]"
    rf"(?:\*\*|__)?\s*[:\-–—]?\s*(?P<title>.*?)\s*$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s*(#{1,6})\s")
_FIELD = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?P<name>location|file|issue|problem|impact|"
    r"openspec contract violation|recommendation|fix)\s*"
    r"(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_LOC_COLON = re.compile(r"(?P<path>[^\s:`'\"(),\[\]]+?):(?P<line>\d+)(?:[-–:](?P<end>\d+))?")
_LOC_HASH = re.compile(r"(?P<path>[^\s:`'\"(),\[\]]+?)#L(?P<line>\d+)(?:-L?(?P<end>\d+))?")
_LOC_WORDS = re.compile(
    r"(?P<path>[^\s:`'\"(),\[\]]+\.\w+)\s*[,(]?\s*(?:lines?|l\.?)\s*(?P<line>\d+)"
    r"(?:\s*[-–]\s*(?P<end>\d+))?",
    re.IGNORECASE,
)
_LOC_PATH = re.compile(r"(?P<path>[^\s:`'\"(),\[\]]*[/\w-]+\.(?:exs?|heex|eex|leex|erl|hrl))\b")


def slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    text = "-".join(words)[:60].strip("-")
    return text or "claude"


def _plain(text: str) -> str:
    return " ".join(re.sub(r"(\*\*|__|`)", "", text).split())


def parse_location(text: str, project_root: Path | None = None) -> tuple[str, int, int]:
    """(path, line, end_line) from a Location value; ("", 0, 0) when it names no file."""
    plain = _plain(text)
    for pattern in (_LOC_COLON, _LOC_HASH, _LOC_WORDS):
        match = pattern.search(plain)
        if match and match["path"].strip("./") and not match["path"].startswith("http"):
            line = int(match["line"])
            end = int(match["end"]) if match["end"] else line
            return _relative(match["path"], project_root), line, max(end, line)
    match = _LOC_PATH.search(plain)
    if match:
        return _relative(match["path"], project_root), 0, 0
    return "", 0, 0


def _relative(path: str, project_root: Path | None) -> str:
    pure = PurePosixPath(path)
    if pure.is_absolute() and project_root is not None:
        try:
            return pure.relative_to(PurePosixPath(project_root.resolve().as_posix())).as_posix()
        except ValueError:
            return pure.as_posix()
    text = pure.as_posix()
    return text[2:] if text.startswith("./") else text


def _finding(
    severity: Severity, title: str, fields: dict[str, list[str]], root: Path | None
) -> Finding:
    def field(*names: str) -> str:
        for name in names:
            if name in fields:
                return _plain(" ".join(fields[name]))
        return ""

    path, line, end = parse_location(field("location", "file"), root)
    issue = field("issue", "problem")
    parts = [issue or title]
    for label, names in (
        ("Impact", ("impact",)),
        ("Contract", ("openspec contract violation",)),
        ("Recommendation", ("recommendation", "fix")),
    ):
        value = field(*names)
        if value:
            parts.append(f"{label}: {value}")
    return Finding(
        rule=slug(title),
        severity=severity,
        path=path,
        line=line,
        column=1 if line else 0,
        end_line=end,
        end_column=0,
        message=" ".join(p.rstrip() for p in parts),
        title=title,
        source="claude",
    )


def _start(line: str) -> tuple[Severity, str, int] | None:
    """(severity, title, heading level or 0 for a bullet) when the line starts a finding."""
    match = _HEADING_FINDING.match(line)
    level = len(match["hashes"]) if match else 0
    if match is None:
        match = _BULLET_FINDING.match(line)
    if match is None:
        return None
    word = (match["sev1"] or match.groupdict().get("sev2") or "").lower()
    title = _plain(match["title"]).strip(" -–—:") or word.upper()
    return SEVERITY_WORDS[word], title, level


def parse_audit_findings(text: str, project_root: Path | None = None) -> list[Finding]:
    """Every finding in the answer, in the order written. ``project_root`` turns absolute
    paths under it into project-relative ones."""
    findings: list[Finding] = []
    current: tuple[Severity, str, int] | None = None
    fields: dict[str, list[str]] = {}
    last_field: str | None = None
    code_fence: str | None = None  # the marker of an open fence that holds code

    def close() -> None:
        if current is not None:
            findings.append(_finding(current[0], current[1], fields, project_root))

    for line in text.splitlines():
        stripped = line.strip()
        if code_fence is not None:
            if stripped.startswith(code_fence) and not stripped.strip("`~"):
                code_fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            if stripped.strip("`~").strip():  # ```elixir: code, skipped
                code_fence = stripped[:3]
            continue  # a bare fence: the model copied the format's fence; parse inside it
        started = _start(line)
        if started is not None:
            close()
            current, fields, last_field = started, {}, None
            continue
        if current is None:
            continue
        heading = _HEADING.match(line)
        if heading and (current[2] == 0 or len(heading.group(1)) <= current[2]):
            close()
            current, fields, last_field = None, {}, None
            continue
        field = _FIELD.match(line)
        if field:
            last_field = " ".join(field["name"].lower().split())
            fields.setdefault(last_field, []).append(field["value"])
        elif last_field is not None and line.strip():
            fields[last_field].append(line.strip())
    close()
    return findings
