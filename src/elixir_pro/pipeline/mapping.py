"""Confirming the supervision map: ``propose_mapping_change`` turns the design gate's proposal
(OpenSpec reliability requirement -> the supervisors that serve it) into a proposed change of
``openspec/supervision-map.yaml`` for the review screen. Confirmed entries are kept; nothing is
written until the person approves the change.

Used by the TUI's gates view (key ``c``).
"""

from __future__ import annotations

import json
from pathlib import Path

from elixir_pro.changes.changeset import Changeset
from elixir_pro.errors import UserError
from elixir_pro.pipeline.facts import ProjectFacts
from elixir_pro.pipeline.gates_design import MAPPING_FILE, load_mapping, propose_mapping
from elixir_pro.pipeline.gates_model import GateReport, Status

MAPPING_CHECK = "design.openspec-mapped"
HEADER = (
    "# OpenSpec reliability requirements -> the supervisors that serve them.\n"
    "# Read by the design gate (elixir-pro gates); correct a list where it is wrong.\n"
)
NO_MATCH = "no supervisor matched: list the ones that serve it"


class MappingError(UserError):
    """No mapping change can be proposed; ``str()`` is one line saying why."""


def _quote(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def _entry(name: str, supervisors: list[str], comment: str) -> str:
    items = ", ".join(_quote(s) for s in supervisors)
    return f"{_quote(name)}: [{items}]  # {comment}"


def render_mapping(entries: list[tuple[str, list[str], str]]) -> str:
    """The mapping file's text: one ``"requirement": [supervisors]  # comment`` line each."""
    return HEADER + "".join(_entry(*entry) + "\n" for entry in entries)


def propose_mapping_change(
    root: Path,
    report: GateReport | None = None,
    *,
    facts: ProjectFacts | None = None,
) -> Changeset:
    """A changeset writing ``openspec/supervision-map.yaml``: confirmed entries kept, the
    proposal for each unconfirmed reliability requirement added. ``report`` (when given) is
    the gates report on screen: a mapping check that already passes or does not apply means
    there is nothing to confirm. Raises :class:`MappingError`."""
    root = root.resolve()
    if report is not None:
        check = next((c for g in report.gates for c in g.checks if c.id == MAPPING_CHECK), None)
        if check is None or check.status in (Status.PASS, Status.NOT_APPLICABLE):
            raise MappingError("nothing to confirm: the design gate's mapping check passes")
    if facts is None:
        from elixir_pro.pipeline.gates import gather_facts

        facts = gather_facts(root)
    if facts.openspec is None:
        raise MappingError("no openspec/ folder: there are no requirements to map")
    requirements = facts.openspec.reliability_requirements()
    if not requirements:
        raise MappingError("no OpenSpec requirement speaks of reliability", path="openspec")
    confirmed, problem = load_mapping(root)
    if problem:
        raise MappingError(problem)
    known = {s.registered_as or s.module or s.label for s in facts.smap.supervisors()}
    proposal = propose_mapping(facts, requirements)
    entries: list[tuple[str, list[str], str]] = []
    names = set()
    proposed = 0
    for requirement in requirements:
        names.add(requirement.name)
        mapped = confirmed.get(requirement.name)
        if mapped and all(m in known for m in mapped):
            entries.append((requirement.name, mapped, requirement.location))
            continue
        guess = proposal.get(requirement.name) or []
        proposed += 1
        comment = requirement.location if guess else f"{NO_MATCH} ({requirement.location})"
        entries.append((requirement.name, guess, comment))
    entries.extend(
        (name, value, "not a reliability requirement in openspec/")
        for name, value in confirmed.items()
        if name not in names
    )
    text = render_mapping(entries)
    path = root / MAPPING_FILE
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        raise MappingError("already up to date", path=MAPPING_FILE)
    changeset = Changeset(
        root,
        source="gates",
        description=f"Confirm the supervision map ({proposed} requirement(s) proposed)",
    )
    changeset.propose_text(MAPPING_FILE, text)
    return changeset
