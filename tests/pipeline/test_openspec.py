"""OpenSpec parsing against real-format fixture trees."""

from __future__ import annotations

from pathlib import Path

from elixir_pro.pipeline.openspec import (
    load_openspec,
    relevant_requirements,
    render_for_prompt,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline"


def test_no_openspec_folder_is_none(tmp_path: Path) -> None:
    assert load_openspec(tmp_path) is None


def test_requirements_and_scenarios_are_parsed() -> None:
    spec = load_openspec(FIXTURES / "openspec_project")
    assert spec is not None
    assert spec.notices == []
    names = [(r.capability, r.name, r.line) for r in spec.requirements]
    assert names == [
        ("billing", "Rate card lookups", 5),
        ("billing", "Pricing survives rate card outages", 12),
        ("dispatch", "Driver process recovery", 8),
        ("dispatch", "Delivery assignment", 17),
    ]
    recovery = spec.requirements[2]
    assert recovery.path == "openspec/specs/dispatch/spec.md"
    assert recovery.statements == [
        "The system SHALL restart a driver's process within one second when it crashes.",
        "The restarted process MUST keep the driver's last known location.",
    ]
    (scenario,) = recovery.scenarios
    assert scenario.name == "Driver process crashes"
    assert [s.keyword for s in scenario.steps] == ["WHEN", "THEN", "AND"]
    assert scenario.steps[1].text == "the supervisor restarts it"


def test_reliability_requirements_are_picked_out() -> None:
    spec = load_openspec(FIXTURES / "openspec_project")
    assert spec is not None
    assert [r.name for r in spec.reliability_requirements()] == [
        "Pricing survives rate card outages",
        "Driver process recovery",
    ]


def test_changes_with_proposal_tasks_and_deltas() -> None:
    spec = load_openspec(FIXTURES / "openspec_project")
    assert spec is not None
    (change,) = spec.changes  # archive/ is skipped
    assert change.change_id == "add-shift-limits"
    assert change.why == "Drivers must not be assigned work past the end of their shift."
    assert [(t.text, t.done) for t in change.tasks] == [
        ("1.1 Store shift end per driver", True),
        ("1.2 Refuse assignments past shift end", False),
        ("1.3 Tests for the refusal", False),
    ]
    assert [(d.name, d.delta) for d in change.deltas] == [
        ("Shift limits", "added"),
        ("Delivery assignment", "modified"),
        ("Manual assignment", "removed"),
    ]


def test_malformed_spec_gives_notices_naming_file_and_line() -> None:
    spec = load_openspec(FIXTURES / "openspec_broken")
    assert spec is not None
    rel = "openspec/specs/tracking/spec.md"
    assert spec.notices == [
        f"{rel}:3: a scenario outside any requirement",
        f"{rel}:6: requirement 'Location updates' has no SHALL or MUST statement",
        f"{rel}:9: scenario 'Update arrives' needs **WHEN** and **THEN** bullets",
    ]
    assert [r.name for r in spec.requirements] == ["Location updates"]


def test_unreadable_spec_is_a_notice(tmp_path: Path) -> None:
    folder = tmp_path / "openspec" / "specs" / "x"
    folder.mkdir(parents=True)
    (folder / "spec.md").write_bytes(b"### Requirement: \xff\n")
    spec = load_openspec(tmp_path)
    assert spec is not None
    assert spec.notices == ["openspec/specs/x/spec.md: not UTF-8 text; skipped"]


def test_relevant_requirements_follow_the_files_in_context() -> None:
    spec = load_openspec(FIXTURES / "openspec_project")
    assert spec is not None
    found = relevant_requirements(spec, ["lib/courier/driver_server.ex"], ["Courier.DriverServer"])
    assert [r.name for r in found] == ["Driver process recovery", "Delivery assignment"]
    rate = relevant_requirements(spec, ["lib/courier/rate_card.ex"])
    assert {r.name for r in rate} == {"Rate card lookups", "Pricing survives rate card outages"}
    assert relevant_requirements(spec, ["lib/courier/repo.ex"]) == []
    text = render_for_prompt(found[:1])
    assert "### Driver process recovery (openspec/specs/dispatch/spec.md:8)" in text
    assert "WHEN a driver's process exits abnormally" in text
