"""TaskMaster tasks.json in both forms, dependency states, and marking done as a proposal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from elixir_pro.pipeline.taskmaster import (
    DependencyState,
    TaskFileError,
    load_tasks,
    propose_status,
    task_prompt,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline"


def test_no_tasks_file_is_none(tmp_path: Path) -> None:
    assert load_tasks(tmp_path) is None


def test_tagged_form_with_subtasks_and_states() -> None:
    tasks = load_tasks(FIXTURES / "taskmaster_tagged")
    assert tasks is not None and tasks.tag == "master"
    assert [t.id for t in tasks.all_tasks()] == ["1", "2", "2.1", "2.2", "3"]
    states = {t.id: tasks.state(t) for t in tasks.all_tasks()}
    assert states == {
        "1": DependencyState.DONE,
        "2": DependencyState.READY,
        "2.1": DependencyState.DONE,
        "2.2": DependencyState.READY,
        "3": DependencyState.BLOCKED,
    }
    task = tasks.find("2")
    assert task is not None
    assert task.test_strategy == "A driver whose shift ends in 10 minutes is skipped."
    assert tasks.blockers(tasks.tasks[2]) == ["2"]
    assert tasks.notices == []


def test_legacy_form_and_unknown_dependency_notice() -> None:
    tasks = load_tasks(FIXTURES / "taskmaster_legacy")
    assert tasks is not None and tasks.tag is None
    assert [(t.id, t.status) for t in tasks.tasks] == [("1", "in-progress"), ("2", "pending")]
    assert tasks.state(tasks.tasks[1]) is DependencyState.BLOCKED
    assert tasks.notices == [".taskmaster/tasks/tasks.json: task 2 depends on unknown task 9"]


def test_malformed_json_is_one_line_with_the_line_number() -> None:
    with pytest.raises(TaskFileError) as caught:
        load_tasks(FIXTURES / "taskmaster_broken")
    assert str(caught.value).startswith(".taskmaster/tasks/tasks.json:4: invalid JSON")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tasks": [{"title": "no id"}]}, "tasks[0]: a task needs an id and a title"),
        ({"tasks": ["x"]}, "tasks[0]: expected an object, got str"),
        ({"tasks": [{"id": 1, "title": "t", "dependencies": 3}]}, "dependencies: expected a list"),
        ({"tasks": [{"id": 1, "title": ["a"]}]}, "tasks[0].title: expected text, got list"),
        ({"things": []}, 'expected {"tasks": [...]}'),
    ],
)
def test_wrong_shapes_name_the_field(tmp_path: Path, data: object, message: str) -> None:
    path = tmp_path / ".taskmaster" / "tasks" / "tasks.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data))
    with pytest.raises(TaskFileError, match=r"tasks\.json: ") as caught:
        load_tasks(tmp_path)
    assert message in str(caught.value)


def test_task_prompt_carries_details_and_test_strategy() -> None:
    tasks = load_tasks(FIXTURES / "taskmaster_tagged")
    assert tasks is not None
    task = tasks.find("2")
    assert task is not None
    prompt = task_prompt(task)
    assert prompt.startswith("Work on TaskMaster task 2: Shift limits")
    assert "Check shift end in Courier.Dispatch.assign/2." in prompt
    assert "Test strategy:\nA driver whose shift ends" in prompt


def test_marking_done_is_a_proposal_not_a_write(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "taskmaster_tagged", tmp_path / "p")
    root = tmp_path / "p"
    before = (root / ".taskmaster/tasks/tasks.json").read_bytes()
    changeset = propose_status(root, "2.2")
    assert (root / ".taskmaster/tasks/tasks.json").read_bytes() == before
    proposal = changeset.proposals[".taskmaster/tasks/tasks.json"]
    assert proposal.new_text is not None
    data = json.loads(proposal.new_text)
    sub = data["master"]["tasks"][1]["subtasks"][1]
    assert sub["status"] == "done"
    assert data["master"]["tasks"][1]["status"] == "pending"
    with pytest.raises(TaskFileError, match="no task 7"):
        propose_status(root, "7")
