"""Pilot tests of the TaskMaster panel hosted in a tiny app: tasks with their dependency state
and priority, the messages it posts (TaskChosen, ProposeChanges), malformed and missing
tasks.json, reload. Snapshots at 80x24 and 160x48 are at the end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pipeline_support import FIXTURES, TasksHost, courier_with_pipeline
from textual.widgets import OptionList, Static

from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.pipeline.taskmaster import TASKS_FILE
from elixir_pro.tui.widgets.tasks_panel import TasksPanel

TASKS = TASKS_FILE.as_posix()


def panel_of(app: TasksHost) -> TasksPanel:
    return app.query_one(TasksPanel)


def rows(panel: TasksPanel) -> list[str]:
    options = panel.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def text_of(panel: TasksPanel, widget_id: str) -> str:
    return str(panel.query_one(widget_id, Static).render())


async def test_lists_tasks_and_subtasks_with_state_and_priority(tmp_path: Path) -> None:
    app = TasksHost(courier_with_pipeline(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = panel_of(app)
        assert text_of(panel, "#tasks-title") == "Tasks · 5 (2 done, 2 ready, 1 blocked)"
        assert not panel.query_one("#tasks-error").display
        assert rows(panel) == [
            "✓ 1 Supervise driver processes\n    done · high",
            "· 2 Shift limits\n    ready · medium",
            "✓   2.1 Store shift end\n      done",
            "·   2.2 Refuse late assignments\n      ready",
            "· 3 Release packaging\n    blocked by 2 · low",  # by task 2, not "by one task"
        ]
        assert panel.selected_task is not None and panel.selected_task.id == "1"


async def test_a_done_dependency_never_blocks(tmp_path: Path) -> None:
    """A subtask depending on top-level task 1 (done), written as a bare number; and a task
    blocked by task 2 says "blocked by 2" (the ids, not a count that reads as an id)."""
    tasks = {
        "tasks": [
            {"id": 1, "title": "Supervise drivers", "status": "done"},
            {
                "id": 2,
                "title": "Shift limits",
                "status": "pending",
                "dependencies": [1],
                "subtasks": [{"id": 1, "title": "Store shift end", "dependencies": [1]}],
            },
            {"id": 3, "title": "Release", "dependencies": [1, 2]},
        ]
    }
    path = tmp_path / TASKS
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(tasks), encoding="utf-8")
    app = TasksHost(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = panel_of(app)
        assert rows(panel) == [
            "✓ 1 Supervise drivers\n    done",
            "· 2 Shift limits\n    ready",
            "·   2.1 Store shift end\n      ready",
            "· 3 Release\n    blocked by 2",
        ]
        assert not panel.query_one("#tasks-error").display


async def test_enter_and_ctrl_s_post_task_chosen(tmp_path: Path) -> None:
    app = TasksHost(courier_with_pipeline(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        (chosen,) = app.messages
        assert isinstance(chosen, TasksPanel.TaskChosen)
        assert (chosen.task.id, chosen.mode, chosen.tool_mode) == (
            "2",
            CognitiveMode.GENERATIVE,
            None,
        )
        assert chosen.prompt.startswith("Work on TaskMaster task 2: Shift limits")
        assert "Check shift end in Courier.Dispatch.assign/2." in chosen.prompt
        panel = panel_of(app)
        assert panel.active_task == "2"
        assert rows(panel)[1].startswith("▶ 2 Shift limits")
        await pilot.press("down", "down", "down", "ctrl+s")
        await pilot.pause()
        solve = app.messages[-1]
        assert isinstance(solve, TasksPanel.TaskChosen)
        assert (solve.task.id, solve.tool_mode) == ("3", ToolMode.SOLUTION)
        assert panel.active_task == "3"


async def test_ctrl_d_proposes_marking_done_through_review(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    before = (root / TASKS).read_text(encoding="utf-8")
    app = TasksHost(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+d")  # task 1 is done already: nothing to propose
        await pilot.pause()
        assert app.messages == []
        await pilot.press("down", "down", "down", "ctrl+d")
        await pilot.pause()
        (message,) = app.messages
        assert isinstance(message, TasksPanel.ProposeChanges)
        proposal = message.changeset.proposals[TASKS]
        data = json.loads(proposal.new_text or "")
        subtasks = data["master"]["tasks"][1]["subtasks"]
        assert [s["status"] for s in subtasks] == ["done", "done"]
        assert message.changeset.description == "Mark task 2.2 done"
        assert panel_of(app).propose_done("9") is False
    assert (root / TASKS).read_text(encoding="utf-8") == before


async def test_malformed_tasks_json_is_one_line_and_reload_recovers(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "taskmaster_broken", root)
    app = TasksHost(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = panel_of(app)
        error = text_of(panel, "#tasks-error")
        assert error.startswith(f"{TASKS}:4: invalid JSON")
        assert "\n" not in error and panel.query_one("#tasks-error").has_class("-error")
        assert text_of(panel, "#tasks-title") == "Tasks · error"
        assert rows(panel) == ["No tasks."]
        await pilot.press("enter", "ctrl+s", "ctrl+d")
        await pilot.pause()
        assert app.messages == [] and panel.selected_task is None
        shutil.copy(FIXTURES / "taskmaster_legacy" / TASKS, root / TASKS)
        panel.reload()
        await pilot.pause()
        assert text_of(panel, "#tasks-title") == "Tasks · 2 (1 ready, 1 blocked)"
        assert text_of(panel, "#tasks-error") == f"{TASKS}: task 2 depends on unknown task 9"
        assert not panel.query_one("#tasks-error").has_class("-error")


async def test_no_tasks_file(tmp_path: Path) -> None:
    app = TasksHost(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = panel_of(app)
        assert rows(panel) == [f"No TaskMaster tasks ({TASKS})."]
        assert not panel.query_one("#tasks-error").display


# -- snapshots -------------------------------------------------------------------------------


def test_tasks_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = TasksHost(courier_with_pipeline(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), press=["down", "enter"])


def test_tasks_160x48_malformed(snap_compare: Any, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "taskmaster_broken", root)
    assert snap_compare(TasksHost(root), terminal_size=(160, 48))


def test_tasks_160x48(snap_compare: Any, tmp_path: Path) -> None:
    app = TasksHost(courier_with_pipeline(tmp_path))
    assert snap_compare(app, terminal_size=(160, 48), press=["down", "down", "down"])
