"""The TaskMaster panel: the project's tasks and subtasks from ``.taskmaster/tasks/tasks.json``
with their dependency state (done / ready / blocked by the ids of the tasks not done) and priority.

Keys: enter posts :class:`TasksPanel.TaskChosen` (a generative turn with the task's details),
``ctrl+s`` the same with the solution tool mode, ``ctrl+d`` posts
:class:`TasksPanel.ProposeChanges` with the change marking the task done (it lands through the
review screen). A malformed tasks.json is one line in the panel; nothing else breaks. The app
calls :meth:`TasksPanel.reload` when tasks.json changes, and :meth:`TasksPanel.propose_done`
after a task's changes are applied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.changes.changeset import Changeset
from elixir_pro.pipeline.taskmaster import (
    TASKS_FILE,
    DependencyState,
    Task,
    TaskFileError,
    TaskList,
    load_tasks,
    propose_status,
    task_prompt,
)


def state_label(listing: TaskList, task: Task) -> Content:
    state = listing.state(task)
    if state is DependencyState.DONE:
        return Content.styled("done", "$text-success")
    if state is DependencyState.READY:
        return Content.styled("ready", "$text-primary")
    # the blockers by id: "blocked by 1" read as "by task 1" when it meant one task
    return Content.styled(f"blocked by {', '.join(listing.blockers(task))}", "$text-warning")


def task_option(listing: TaskList, task: Task, *, depth: int, active: bool) -> Option:
    mark = "▶" if active else ("✓" if task.done else "·")
    indent = "  " * depth
    head = Content.assemble(f"{mark} {indent}", (task.id, "bold"), " ", task.title)
    meta = [state_label(listing, task)]
    if task.priority:
        style = "$text-error" if task.priority.lower() in ("high", "critical") else "dim"
        meta.append(Content.styled(task.priority, style))
    tail = Content.assemble(f"  {indent}  ", Content(" · ").join(meta))
    return Option(Content("\n").join([head, tail]), id=task.id)


class TasksPanel(Vertical):
    """A titled OptionList of TaskMaster tasks."""

    DEFAULT_CSS = """
    TasksPanel {
        height: 1fr;
    }
    TasksPanel > .panel-title {
        background: $panel;
        color: $accent;
        text-style: bold;
        padding: 0 1;
    }
    TasksPanel > OptionList {
        height: 1fr;
    }
    TasksPanel #tasks-error {
        height: auto;
        max-height: 3;
        padding: 0 1;
        color: $text-warning;
    }
    TasksPanel #tasks-error.-error {
        background: $error 15%;
        color: $text-error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # chords, not letters: letters typed in a side panel go to the prompt
        Binding("ctrl+s", "choose(True)", "solve"),
        Binding("ctrl+d", "mark_done", "mark done"),
    ]

    class TaskChosen(Message):
        """Start a turn on ``task``: cognitive ``mode`` (generative), ``tool_mode`` None for
        the pane's current one or SOLUTION (key ``ctrl+s``); ``prompt`` is the task's details."""

        def __init__(
            self, task: Task, mode: CognitiveMode, tool_mode: ToolMode | None = None
        ) -> None:
            super().__init__()
            self.task = task
            self.mode = mode
            self.tool_mode = tool_mode

        @property
        def prompt(self) -> str:
            return task_prompt(self.task)

    class ProposeChanges(Message):
        """A proposed change to tasks.json (a task marked done) for the review screen."""

        def __init__(self, changeset: Changeset) -> None:
            super().__init__()
            self.changeset = changeset

    def __init__(self, root: Path, *, id: str = "tasks-panel", classes: str = "side-panel") -> None:
        super().__init__(id=id, classes=classes)
        self.root = root.resolve()
        self.listing: TaskList | None = None
        self.error = ""
        self.active_task: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("Tasks", id="tasks-title", classes="panel-title", markup=False)
        yield Static(id="tasks-error", markup=False)
        yield OptionList(id="tasks-list")

    def on_mount(self) -> None:
        self.reload()

    def focus_list(self) -> None:
        self.query_one("#tasks-list", OptionList).focus()

    # -- data ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read tasks.json again (the app calls it when the file changes)."""
        try:
            self.listing, self.error = load_tasks(self.root), ""
        except TaskFileError as exc:
            self.listing, self.error = None, str(exc)
        self._refresh()

    @property
    def selected_task(self) -> Task | None:
        options = self.query_one("#tasks-list", OptionList)
        if self.listing is None or options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        return self.listing.find(option.id) if option.id is not None else None

    def _title(self) -> str:
        if self.listing is None:
            return "Tasks" if not self.error else "Tasks · error"
        states = [self.listing.state(t) for t in self.listing.all_tasks()]
        counts = ", ".join(
            f"{states.count(s)} {s.value}" for s in DependencyState if states.count(s)
        )
        return f"Tasks · {len(states)}" + (f" ({counts})" if counts else "")

    def _refresh(self) -> None:
        self.query_one("#tasks-title", Static).update(self._title())
        line = self.query_one("#tasks-error", Static)
        notices = self.listing.notices if self.listing is not None else []
        line.update(self.error or "\n".join(notices))
        line.display = bool(self.error or notices)
        line.set_class(bool(self.error), "-error")
        options = self.query_one("#tasks-list", OptionList)
        keep = options.highlighted
        options.clear_options()
        items: list[Option] = []
        if self.listing is not None:
            for task in self.listing.tasks:
                items.append(self._option(task, 0))
                items.extend(self._option(sub, 1) for sub in task.subtasks)
        if not items:
            empty = (
                "No tasks."
                if self.listing is not None or self.error
                else (f"No TaskMaster tasks ({TASKS_FILE.as_posix()}).")
            )
            items.append(Option(Content.styled(empty, "dim"), disabled=True))
        options.add_options(items)
        if self.listing is not None and self.listing.tasks:
            options.highlighted = min(keep or 0, len(items) - 1)

    def _option(self, task: Task, depth: int) -> Option:
        assert self.listing is not None
        return task_option(self.listing, task, depth=depth, active=task.id == self.active_task)

    # -- actions ---------------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose(False)

    def action_choose(self, solution: bool) -> None:
        task = self.selected_task
        if task is None or self.listing is None:
            return
        blockers = self.listing.blockers(task)
        if blockers and not task.done:
            self.notify(f"Task {task.id} is blocked by {', '.join(blockers)}.", timeout=4)
        self.active_task = task.id
        self._refresh()
        tool_mode = ToolMode.SOLUTION if solution else None
        self.post_message(self.TaskChosen(task, CognitiveMode.GENERATIVE, tool_mode))

    def action_mark_done(self) -> None:
        task = self.selected_task
        if task is not None:
            self.propose_done(task.id)

    def propose_done(self, task_id: str) -> bool:
        """Post the change marking ``task_id`` done (after its changes are applied, say).
        False, with a notification, when there is nothing to propose."""
        task = self.listing.find(task_id) if self.listing is not None else None
        if task is None:
            self.notify(f"No task {task_id} in {TASKS_FILE.as_posix()}.", severity="warning")
            return False
        if task.done:
            self.notify(f"Task {task_id} is already {task.status}.", timeout=3)
            return False
        try:
            changeset = propose_status(self.root, task_id)
        except (TaskFileError, json.JSONDecodeError, OSError) as exc:
            self.notify(str(exc).splitlines()[0], severity="error")
            return False
        self.post_message(self.ProposeChanges(changeset))
        return True
