"""The pipeline context a turn gets: gates for critical/evaluative, relevant OpenSpec
requirements, the task being worked on, notices for malformed files, and the cache's
invalidation by changed paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.pipeline.context import PipelineContext, pipeline_context
from elixir_pro.pipeline.gates_model import Check, Evidence, Gate, GateReport, Status
from elixir_pro.pipeline.taskmaster import load_tasks

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "courier"
DRIVER = "lib/courier/driver_server.ex"
RATES = "lib/courier/rate_card.ex"


def courier_with_pipeline(tmp_path: Path, *, tasks: str = "taskmaster_tagged") -> Path:
    """The example project with the OpenSpec fixture tree and a TaskMaster tasks.json."""
    root = tmp_path / "courier"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_build", "deps"))
    shutil.copytree(FIXTURES / "openspec_project" / "openspec", root / "openspec")
    shutil.copytree(FIXTURES / tasks / ".taskmaster", root / ".taskmaster")
    return root


def one_gate_report(title: str) -> GateReport:
    check = Check("design.x", title, Status.FAIL, [Evidence("planted", "lib/a.ex", 3)])
    return GateReport([Gate("design", "Design gate", 6, [check])])


def test_nothing_in_the_project_gives_an_empty_context(tmp_path: Path) -> None:
    for mode in CognitiveMode:
        assert pipeline_context(tmp_path, mode, []) == ""
        assert pipeline_context(tmp_path, mode, ["lib/a.ex"]) == ""


def test_critical_and_evaluative_get_the_gates_other_modes_do_not(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    critical = pipeline_context(root, CognitiveMode.CRITICAL, [DRIVER])
    evaluative = pipeline_context(root, CognitiveMode.EVALUATIVE, [])
    for text in (critical, evaluative):
        assert "## Phase gates" in text
        assert "- Design gate: fail" in text
        assert "lib/courier/rate_card.ex:20" in text  # the unsupervised GenServer.start
        assert "mix test passes (skipped (--no-mix))" in text  # computed without mix
    for mode in (CognitiveMode.GENERATIVE, CognitiveMode.INFORMATIVE):
        assert "Phase gates" not in pipeline_context(root, mode, [DRIVER])


def test_a_given_gates_report_is_used_as_is(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    text = pipeline_context(
        root, CognitiveMode.CRITICAL, [], gates=one_gate_report("A planted check")
    )
    assert "- fail: A planted check (lib/a.ex:3: planted)" in text
    assert "Deployment gate" not in text


def test_requirements_relevant_to_the_files_in_context(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    driver = pipeline_context(root, CognitiveMode.GENERATIVE, [DRIVER])
    assert "## OpenSpec requirements relevant to the files in context" in driver
    assert "### Driver process recovery (openspec/specs/dispatch/spec.md:8)" in driver
    assert "- The system SHALL restart a driver's process within one second" in driver
    assert "WHEN a driver's process exits abnormally; THEN the supervisor restarts it" in driver
    assert "Rate card lookups" not in driver
    rates = pipeline_context(root, CognitiveMode.GENERATIVE, [str(root / RATES)])
    assert "### Rate card lookups" in rates
    assert "Driver process recovery" not in rates


def test_without_files_the_reliability_requirements(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    text = pipeline_context(root, CognitiveMode.INFORMATIVE, [])
    assert "## OpenSpec reliability requirements" in text
    assert "### Pricing survives rate card outages" in text
    assert "### Driver process recovery" in text
    assert "Delivery assignment" not in text  # not a reliability requirement


def test_the_task_being_worked_on_with_its_dependency_state(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    listing = load_tasks(root)
    assert listing is not None
    ready, blocked = listing.find("2"), listing.find("3")
    assert ready is not None and blocked is not None
    text = pipeline_context(root, CognitiveMode.GENERATIVE, [], task=ready)
    assert "## TaskMaster task being worked on\nTask 2: Shift limits\n" in text
    assert "Status: pending, priority medium, ready (every dependency is done)" in text
    assert "Details: Check shift end in Courier.Dispatch.assign/2." in text
    assert "Test strategy: A driver whose shift ends in 10 minutes is skipped." in text
    assert "Subtasks: 2.1 Store shift end (done); 2.2 Refuse late assignments (pending)" in text
    text = pipeline_context(root, CognitiveMode.GENERATIVE, [], task=blocked)
    assert "Status: pending, priority low, blocked by 2" in text
    assert "Task 2" not in text


def test_malformed_openspec_and_tasks_are_one_line_notices(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "openspec_broken", root)
    shutil.copytree(FIXTURES / "taskmaster_broken" / ".taskmaster", root / ".taskmaster")
    result = PipelineContext(root).build(CognitiveMode.CRITICAL, ["lib/tracking.ex"])
    assert len(result.notices) == 2
    spec_notice, tasks_notice = result.notices
    assert spec_notice.startswith("openspec/specs/tracking/spec.md:")
    assert spec_notice.endswith("problem(s) in openspec/)")
    assert tasks_notice.startswith(".taskmaster/tasks/tasks.json:4: invalid JSON")
    assert "\n" not in spec_notice + tasks_notice
    assert "## Notices about the project's pipeline files" in result.text
    assert f"- {tasks_notice}" in result.text
    assert "Phase gates" not in result.text  # not a mix project


def test_the_cache_keeps_parts_until_their_paths_are_invalidated(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    context = PipelineContext(root)
    context.warm()
    report = context.gates()
    assert report is not None and context.gates() is report
    spec = root / "openspec" / "specs" / "dispatch" / "spec.md"
    spec.write_text(spec.read_text().replace("Driver process recovery", "Driver comeback"))
    assert "Driver process recovery" in context.render(CognitiveMode.GENERATIVE, [DRIVER])
    context.invalidate(["lib/courier/unrelated.ex", tmp_path / "elsewhere.ex", "../x/y.ex"])
    assert "Driver process recovery" in context.render(CognitiveMode.GENERATIVE, [DRIVER])
    assert context.gates() is not report  # a source change drops the gates
    context.invalidate([spec])
    assert "### Driver comeback" in context.render(CognitiveMode.GENERATIVE, [DRIVER])


def test_tasks_file_changes_reload_only_the_tasks(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    context = PipelineContext(root)
    context.set_gates(one_gate_report("Kept"))
    assert context.tasks()[1] is None
    tasks_json = root / ".taskmaster" / "tasks" / "tasks.json"
    tasks_json.write_text('{"tasks": [', encoding="utf-8")
    context.invalidate([".taskmaster/tasks/tasks.json"])
    assert context.tasks() == (
        None,
        ".taskmaster/tasks/tasks.json:1: invalid JSON: Expecting value",
    )
    assert "Kept" in context.render(CognitiveMode.CRITICAL, [])
    context.invalidate()
    assert "Kept" not in context.render(CognitiveMode.CRITICAL, [])


@pytest.mark.parametrize("mode", list(CognitiveMode))
def test_a_lone_openspec_folder_without_mix_gives_no_gates(tmp_path: Path, mode: str) -> None:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "openspec_project", root)
    text = pipeline_context(root, CognitiveMode(mode), ["lib/dispatch/driver.ex"])
    assert "Phase gates" not in text
    assert "### Driver process recovery" in text


def test_gates_that_cannot_be_evaluated_are_a_notice(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    (root / ".elixir-pro.yaml").write_text("rules:\n  nonsense: 3\n", encoding="utf-8")
    context = PipelineContext(root)
    result = context.build(CognitiveMode.EVALUATIVE, [])
    assert "## Phase gates" not in result.text
    (notice,) = result.notices
    assert notice.startswith("phase gates could not be evaluated: ")
    assert notice.endswith(
        "rules.nonsense: unknown setting (known: disable, enable, strict, severity, paths)"
    )
    assert f"- {notice}" in result.text
    assert "### Driver process recovery" in result.text  # the rest is still there
    (root / ".elixir-pro.yaml").unlink()
    context.invalidate([root / ".elixir-pro.yaml"])
    assert "## Phase gates" in context.render(CognitiveMode.EVALUATIVE, [])


def test_context_files_outside_the_project_are_ignored(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    outside = tmp_path / "driver_server.ex"
    outside.write_text("defmodule Courier.DriverServer do\nend\n", encoding="utf-8")
    for path in (str(outside), "../driver_server.ex", "lib/../../driver_server.ex"):
        text = pipeline_context(root, CognitiveMode.GENERATIVE, [path, RATES])
        assert "## OpenSpec requirements relevant to the files in context" in text
        assert "### Rate card lookups" in text
        assert "Driver process recovery" not in text
