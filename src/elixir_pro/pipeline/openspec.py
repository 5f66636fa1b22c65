"""OpenSpec: ``openspec/specs/<capability>/spec.md`` requirements and scenarios, and
``openspec/changes/<id>/`` (proposal.md, tasks.md, delta specs under
``## ADDED|MODIFIED|REMOVED|RENAMED Requirements``).

Parsing never raises for a malformed file: what is wrong becomes a notice naming the file and
line, and the rest is still read. Used by the design gate, Claude's context and the TUI.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

_REQUIREMENT = re.compile(r"^###\s+Requirement:\s*(?P<name>.+?)\s*$")
_SCENARIO = re.compile(r"^####\s+Scenario:\s*(?P<name>.+?)\s*$")
_DELTA = re.compile(r"^##\s+(?P<op>ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements\s*$", re.I)
_STEP = re.compile(r"^\s*[-*]\s+\*\*(?P<kw>WHEN|THEN|AND|GIVEN|BUT)\*\*:?\s*(?P<text>.*)$", re.I)
_NORMATIVE = re.compile(r"\b(SHALL|MUST)\b")
_TASK = re.compile(r"^\s*[-*]\s+\[(?P<mark>[ xX])\]\s+(?P<text>.+?)\s*$")
_RELIABILITY_TERMS = (
    "restart",
    "crash",
    "fail",
    "recover",
    "fault",
    "supervis",
    "timeout",
    "retry",
    "unavailab",
    "availability",
    "resilien",
    "reliab",
    "partition",
    "durab",
    "degrad",
    "isolat",
)


@dataclass(frozen=True, slots=True)
class Step:
    keyword: str  # WHEN | THEN | AND | GIVEN | BUT
    text: str


@dataclass(slots=True)
class Scenario:
    name: str
    line: int
    steps: list[Step] = field(default_factory=list)


@dataclass(slots=True)
class Requirement:
    capability: str
    name: str
    path: str
    line: int
    text: str = ""
    scenarios: list[Scenario] = field(default_factory=list)
    delta: str | None = None  # added | modified | removed | renamed (change deltas only)

    @property
    def statements(self) -> list[str]:
        """The sentences holding SHALL or MUST."""
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(self.text.split()))
        return [s for s in sentences if _NORMATIVE.search(s)]

    @property
    def is_reliability(self) -> bool:
        haystack = f"{self.name} {self.text}".lower()
        return any(term in haystack for term in _RELIABILITY_TERMS)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class ChangeTask:
    text: str
    done: bool
    line: int


@dataclass(slots=True)
class Change:
    change_id: str
    path: str
    why: str = ""
    tasks: list[ChangeTask] = field(default_factory=list)
    deltas: list[Requirement] = field(default_factory=list)


@dataclass(slots=True)
class OpenSpec:
    root: str  # the openspec/ folder, relative to the project
    requirements: list[Requirement] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def reliability_requirements(self) -> list[Requirement]:
        return [r for r in self.requirements if r.is_reliability]


def _read(path: Path, rel: str, notices: list[str]) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        notices.append(f"{rel}: not UTF-8 text; skipped")
    except OSError as exc:
        notices.append(f"{rel}: cannot be read ({exc.strerror or exc}); skipped")
    return None


def parse_spec_lines(
    lines: list[str], capability: str, rel: str, notices: list[str], *, delta_file: bool = False
) -> list[Requirement]:
    """Requirements of one spec.md (or a change's delta spec)."""
    requirements: list[Requirement] = []
    current: Requirement | None = None
    scenario: Scenario | None = None
    delta: str | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            current.text = "\n".join(body).strip()
            _check(current, notices)

    for number, line in enumerate(lines, start=1):
        if match := _DELTA.match(line):
            close()
            current, scenario, body = None, None, []
            delta = match["op"].lower()
        elif match := _REQUIREMENT.match(line):
            close()
            current = Requirement(capability, match["name"], rel, number, delta=delta)
            requirements.append(current)
            scenario, body = None, []
        elif (match := _SCENARIO.match(line)) and current is not None:
            scenario = Scenario(match["name"], number)
            current.scenarios.append(scenario)
        elif _SCENARIO.match(line):
            notices.append(f"{rel}:{number}: a scenario outside any requirement")
        elif (match := _STEP.match(line)) and scenario is not None:
            scenario.steps.append(Step(match["kw"].upper(), match["text"].strip()))
        elif current is not None and scenario is None:
            body.append(line)
    close()
    if delta_file and requirements and all(r.delta is None for r in requirements):
        notices.append(f"{rel}: requirements outside an ADDED/MODIFIED/REMOVED section")
    if not requirements:
        notices.append(f"{rel}: no '### Requirement:' headings")
    return requirements


def _check(requirement: Requirement, notices: list[str]) -> None:
    where = requirement.location
    if requirement.delta in ("removed", "renamed"):
        return
    if not requirement.statements:
        notices.append(f"{where}: requirement '{requirement.name}' has no SHALL or MUST statement")
    if not requirement.scenarios:
        notices.append(f"{where}: requirement '{requirement.name}' has no scenario")
    for scenario in requirement.scenarios:
        keywords = {step.keyword for step in scenario.steps}
        if not {"WHEN", "THEN"} <= keywords:
            notices.append(
                f"{requirement.path}:{scenario.line}: scenario '{scenario.name}' needs "
                "**WHEN** and **THEN** bullets"
            )


def _why(lines: list[str]) -> str:
    out: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("## "):
            inside = line[3:].strip().lower() in ("why", "summary")
            continue
        if inside and line.strip():
            out.append(line.strip())
    return " ".join(out)


def _change(folder: Path, project_root: Path, notices: list[str]) -> Change:
    rel = folder.relative_to(project_root).as_posix()
    change = Change(folder.name, rel)
    proposal = folder / "proposal.md"
    if proposal.is_file():
        lines = _read(proposal, f"{rel}/proposal.md", notices)
        change.why = _why(lines or [])
    else:
        notices.append(f"{rel}: no proposal.md")
    tasks = folder / "tasks.md"
    if tasks.is_file():
        for number, line in enumerate(_read(tasks, f"{rel}/tasks.md", notices) or [], start=1):
            if match := _TASK.match(line):
                change.tasks.append(ChangeTask(match["text"], match["mark"] != " ", number))
    for spec in sorted((folder / "specs").glob("*/spec.md")):
        spec_rel = spec.relative_to(project_root).as_posix()
        lines = _read(spec, spec_rel, notices)
        if lines is not None:
            reqs = parse_spec_lines(lines, spec.parent.name, spec_rel, notices, delta_file=True)
            change.deltas.extend(reqs)
    return change


def has_openspec_files(project_root: Path) -> bool:
    """Whether the project has OpenSpec files (a markdown file under ``openspec/``)."""
    folder = project_root / "openspec"
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*.md"))


def load_openspec(project_root: Path) -> OpenSpec | None:
    """The project's OpenSpec tree, or None when it has no ``openspec/`` folder."""
    folder = project_root / "openspec"
    if not folder.is_dir():
        return None
    spec = OpenSpec(folder.relative_to(project_root).as_posix())
    specs_dir = folder / "specs"
    if not specs_dir.is_dir():
        spec.notices.append("openspec: no specs/ folder")
    for path in sorted(specs_dir.glob("*/spec.md")):
        rel = path.relative_to(project_root).as_posix()
        lines = _read(path, rel, spec.notices)
        if lines is not None:
            spec.requirements.extend(parse_spec_lines(lines, path.parent.name, rel, spec.notices))
    changes_dir = folder / "changes"
    if changes_dir.is_dir():
        for change_dir in sorted(p for p in changes_dir.iterdir() if p.is_dir()):
            if change_dir.name != "archive":
                spec.changes.append(_change(change_dir, project_root, spec.notices))
    return spec


def _words(text: str) -> set[str]:
    parts = re.findall(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])", text)
    return {p.lower() for p in parts if len(p) > 3}


def relevant_requirements(
    spec: OpenSpec,
    context_paths: Sequence[str],
    module_names: Sequence[str] = (),
) -> list[Requirement]:
    """Requirements whose name or text shares a significant word with the files in context
    (path segments, module names: ``lib/courier/driver_server.ex`` gives driver, server...)."""
    vocabulary: set[str] = set()
    for path in context_paths:
        vocabulary |= _words(Path(path).stem.replace("_", " ").title())
        vocabulary |= {seg.lower() for seg in Path(path).parts[:-1] if len(seg) > 3}
    for name in module_names:
        vocabulary |= _words(name)
    vocabulary -= {"test", "tests", "courier", "spec"}
    scored = []
    for requirement in spec.requirements:
        overlap = len(vocabulary & _words(f"{requirement.name} {requirement.text}"))
        if overlap:
            scored.append((-overlap, requirement.path, requirement.line, requirement))
    return [item[-1] for item in sorted(scored, key=lambda s: s[:3])]


def render_for_prompt(requirements: list[Requirement], limit: int = 8) -> str:
    """Requirements as compact markdown for Claude's context."""
    blocks = []
    for requirement in requirements[:limit]:
        lines = [f"### {requirement.name} ({requirement.location})"]
        lines.extend(f"- {s}" for s in requirement.statements)
        for scenario in requirement.scenarios:
            steps = "; ".join(f"{s.keyword} {s.text}" for s in scenario.steps)
            lines.append(f"- Scenario {scenario.name}: {steps}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
