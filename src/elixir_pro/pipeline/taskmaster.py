"""TaskMaster: ``.taskmaster/tasks/tasks.json`` in its tagged form (``{"master": {"tasks":
[...]}}``) and the older ``{"tasks": [...]}``, tasks with their dependency state, the prompt a
chosen task starts, and marking a task done as a proposed change (never a direct write).

Used by the TUI's tasks panel, the backends' context and the gates' evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from elixir_pro.changes.changeset import Changeset

TASKS_FILE = Path(".taskmaster") / "tasks" / "tasks.json"
DONE_STATUSES = frozenset({"done", "completed", "cancelled"})


class DependencyState(StrEnum):
    DONE = "done"
    READY = "ready"  # every dependency done
    BLOCKED = "blocked"


@dataclass(slots=True)
class Task:
    id: str
    title: str
    description: str = ""
    details: str = ""
    test_strategy: str = ""
    priority: str = ""
    status: str = "pending"
    dependencies: tuple[str, ...] = ()
    subtasks: list[Task] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status.lower() in DONE_STATUSES


@dataclass(slots=True)
class TaskList:
    path: str
    tag: str | None
    tasks: list[Task]
    notices: list[str] = field(default_factory=list)

    def all_tasks(self) -> list[Task]:
        out: list[Task] = []
        for task in self.tasks:
            out.append(task)
            out.extend(task.subtasks)
        return out

    def find(self, task_id: str) -> Task | None:
        return next((t for t in self.all_tasks() if t.id == task_id), None)

    def state(self, task: Task) -> DependencyState:
        if task.done:
            return DependencyState.DONE
        return DependencyState.READY if not self.blockers(task) else DependencyState.BLOCKED

    def blockers(self, task: Task) -> list[str]:
        out = []
        for dep in task.dependencies:
            found = self.find(dep)
            if found is None or not found.done:
                out.append(dep)
        return out


class TaskFileError(Exception):
    """tasks.json cannot be used; ``str()`` is one line naming the file and what is wrong."""


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise TaskFileError(f"{where}.{key}: expected text, got {type(value).__name__}")
    return str(value)


def _task(raw: Any, where: str, parent: str | None) -> Task:
    if not isinstance(raw, dict):
        raise TaskFileError(f"{where}: expected an object, got {type(raw).__name__}")
    if "id" not in raw or "title" not in raw:
        raise TaskFileError(f"{where}: a task needs an id and a title")
    local_id = _text(raw, "id", where)
    task_id = f"{parent}.{local_id}" if parent is not None else local_id
    deps_raw = raw.get("dependencies") or []
    if not isinstance(deps_raw, list):
        raise TaskFileError(f"{where}.dependencies: expected a list")
    deps = []
    for dep in deps_raw:
        text = str(dep)
        # In a subtask, a bare number names a sibling subtask.
        deps.append(f"{parent}.{text}" if parent is not None and "." not in text else text)
    task = Task(
        id=task_id,
        title=_text(raw, "title", where),
        description=_text(raw, "description", where),
        details=_text(raw, "details", where),
        test_strategy=_text(raw, "testStrategy", where),
        priority=_text(raw, "priority", where),
        status=_text(raw, "status", where) or "pending",
        dependencies=tuple(deps),
    )
    subtasks = raw.get("subtasks") or []
    if not isinstance(subtasks, list):
        raise TaskFileError(f"{where}.subtasks: expected a list")
    task.subtasks = [_task(s, f"{where}.subtasks[{i}]", task_id) for i, s in enumerate(subtasks)]
    return task


def _locate(data: Any, tag: str | None) -> tuple[str | None, list[Any]]:
    if isinstance(data, dict) and isinstance(data.get("tasks"), list):
        return None, data["tasks"]
    if isinstance(data, dict):
        tags = [k for k, v in data.items() if isinstance(v, dict) and "tasks" in v]
        chosen = tag or ("master" if "master" in tags else (tags[0] if tags else None))
        if chosen is not None and chosen in data and isinstance(data[chosen].get("tasks"), list):
            return chosen, data[chosen]["tasks"]
    raise TaskFileError('expected {"tasks": [...]} or tagged {"master": {"tasks": [...]}}')


def _resolve_cross_level(tasks: list[Task], known: set[str]) -> None:
    """A subtask's bare-number dependency names a sibling subtask; when there is no such
    sibling (or it would be the subtask itself) it names the top-level task with that id (TaskMaster
    lets a subtask depend on a top-level task)."""
    for parent in tasks:
        for sub in parent.subtasks:
            deps = []
            for dep in sub.dependencies:
                bare = dep.removeprefix(f"{parent.id}.")
                if (dep not in known or dep == sub.id) and "." not in bare and bare in known:
                    dep = bare
                deps.append(dep)
            sub.dependencies = tuple(deps)


def load_tasks(project_root: Path, tag: str | None = None) -> TaskList | None:
    """The project's TaskMaster tasks, None when there is no tasks.json. Raises TaskFileError
    (one line: file, line where known, what is wrong) for a malformed file."""
    path = project_root / TASKS_FILE
    if not path.is_file():
        return None
    rel = TASKS_FILE.as_posix()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise TaskFileError(f"{rel}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaskFileError(f"{rel}: cannot be read ({exc})") from None
    try:
        chosen, raw_tasks = _locate(data, tag)
        tasks = [_task(raw, f"tasks[{i}]", None) for i, raw in enumerate(raw_tasks)]
    except TaskFileError as exc:
        raise TaskFileError(f"{rel}: {exc}") from None
    listing = TaskList(rel, chosen, tasks)
    known = {t.id for t in listing.all_tasks()}
    _resolve_cross_level(listing.tasks, known)
    for task in listing.all_tasks():
        listing.notices.extend(
            f"{rel}: task {task.id} depends on unknown task {dep}"
            for dep in task.dependencies
            if dep not in known
        )
    return listing


def task_prompt(task: Task) -> str:
    parts = [f"Work on TaskMaster task {task.id}: {task.title}"]
    if task.description:
        parts.append(task.description)
    if task.details:
        parts.append(f"Details:\n{task.details}")
    if task.test_strategy:
        parts.append(f"Test strategy:\n{task.test_strategy}")
    return "\n\n".join(parts)


def _set_status(node: Any, ids: list[str], status: str) -> bool:
    tasks = node.get("tasks") if isinstance(node, dict) else None
    if tasks is None:
        tasks = node.get("subtasks") if isinstance(node, dict) else None
    for raw in tasks or []:
        if isinstance(raw, dict) and str(raw.get("id")) == ids[0]:
            if len(ids) == 1:
                raw["status"] = status
                return True
            return _set_status(raw, ids[1:], status)
    return False


def propose_status(project_root: Path, task_id: str, status: str = "done") -> Changeset:
    """A changeset setting the task's status in tasks.json, for the review screen."""
    path = project_root / TASKS_FILE
    original = path.read_text(encoding="utf-8")
    data = json.loads(original)
    listing = load_tasks(project_root)
    holder = data[listing.tag] if listing is not None and listing.tag else data
    if not _set_status(holder, task_id.split("."), status):
        raise TaskFileError(f"{TASKS_FILE.as_posix()}: no task {task_id}")
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if original.endswith("\n"):
        text += "\n"
    changeset = Changeset(
        project_root, source="taskmaster", description=f"Mark task {task_id} {status}"
    )
    changeset.propose_text(TASKS_FILE.as_posix(), text)
    return changeset
