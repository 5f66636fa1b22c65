"""Confirming the supervision map: a proposed change of openspec/supervision-map.yaml that keeps
confirmed entries, lands only through apply, and turns the design gate's check around."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import ProposalKind
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.pipeline.gates import evaluate_gates
from elixir_pro.pipeline.gates_design import MAPPING_FILE, load_mapping
from elixir_pro.pipeline.gates_model import Status
from elixir_pro.pipeline.mapping import MappingError, propose_mapping_change

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "courier"
DRIVER_REQ = "Driver process recovery"
PRICING_REQ = "Pricing survives rate card outages"


@pytest.fixture
def courier(tmp_path: Path) -> Path:
    root = tmp_path / "courier"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_build", "deps"))
    shutil.copytree(FIXTURES / "openspec_project" / "openspec", root / "openspec")
    return root


def test_proposes_the_mapping_without_writing(courier: Path) -> None:
    report = evaluate_gates(courier, use_mix=False)
    assert report.check("design.openspec-mapped").status is Status.UNKNOWN
    changeset = propose_mapping_change(courier, report)
    assert not (courier / MAPPING_FILE).exists()
    assert changeset.source == "gates"
    assert changeset.description == "Confirm the supervision map (2 requirement(s) proposed)"
    proposal = changeset.proposals[MAPPING_FILE]
    assert proposal.kind is ProposalKind.CREATE
    assert proposal.new_text is not None
    lines = proposal.new_text.splitlines()
    assert lines[2:] == [
        f'"{PRICING_REQ}": []  # no supervisor matched: list the ones that serve it '
        "(openspec/specs/billing/spec.md:12)",
        f'"{DRIVER_REQ}": ["Courier.DriverSupervisor"]  # openspec/specs/dispatch/spec.md:8',
    ]


def test_applied_proposal_confirms_the_matched_requirement(courier: Path) -> None:
    changeset = propose_mapping_change(courier, evaluate_gates(courier, use_mix=False))
    model = ReviewModel(changeset)
    model.decide_all(True)
    assert apply_changeset(changeset, model).ok
    mapping, problem = load_mapping(courier)
    assert problem is None
    assert mapping == {PRICING_REQ: [], DRIVER_REQ: ["Courier.DriverSupervisor"]}
    check = evaluate_gates(courier, use_mix=False).check("design.openspec-mapped")
    texts = [e.text for e in check.evidence]
    assert f"'{DRIVER_REQ}' served by Courier.DriverSupervisor (confirmed)" in texts
    assert check.status is Status.UNKNOWN  # the pricing requirement still needs a person
    with pytest.raises(MappingError, match="already up to date"):
        propose_mapping_change(courier)


def test_confirmed_entries_and_foreign_keys_are_kept(courier: Path) -> None:
    (courier / MAPPING_FILE).write_text(
        f'"{PRICING_REQ}": [Courier.Supervisor]\n"Old requirement": [Gone.Supervisor]\n'
        f'"{DRIVER_REQ}": [No.Such.Supervisor]\n',
        encoding="utf-8",
    )
    changeset = propose_mapping_change(courier)
    proposal = changeset.proposals[MAPPING_FILE]
    assert proposal.kind is ProposalKind.MODIFY
    assert changeset.description == "Confirm the supervision map (1 requirement(s) proposed)"
    text = proposal.new_text or ""
    assert f'"{PRICING_REQ}": ["Courier.Supervisor"]  # openspec/specs/billing/spec.md:12' in text
    assert f'"{DRIVER_REQ}": ["Courier.DriverSupervisor"]  # openspec/specs/dispatch' in text
    assert '"Old requirement": ["Gone.Supervisor"]  # not a reliability requirement' in text
    assert "No.Such.Supervisor" in (courier / MAPPING_FILE).read_text()  # untouched on disk


def test_nothing_to_confirm_when_the_check_passes_or_does_not_apply(tmp_path: Path) -> None:
    passing = tmp_path / "pass"
    shutil.copytree(FIXTURES / "gates_pass", passing)
    with pytest.raises(MappingError, match="nothing to confirm"):
        propose_mapping_change(passing, evaluate_gates(passing, use_mix=False))
    bare = tmp_path / "bare"
    shutil.copytree(EXAMPLE, bare, ignore=shutil.ignore_patterns("_build", "deps"))
    with pytest.raises(MappingError, match="nothing to confirm"):
        propose_mapping_change(bare, evaluate_gates(bare, use_mix=False))
    with pytest.raises(MappingError, match=r"^no openspec/ folder"):
        propose_mapping_change(bare)


def test_an_unreadable_mapping_file_is_one_line_and_not_overwritten(courier: Path) -> None:
    (courier / MAPPING_FILE).write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        propose_mapping_change(courier)
    assert str(caught.value) == (
        f"{MAPPING_FILE}: expected 'requirement name: [Supervisor, ...]' entries"
    )
