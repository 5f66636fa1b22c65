"""Shared by the gates screen and tasks panel tests: the example project with the OpenSpec and
TaskMaster fixture trees copied in, and tiny host apps that record the messages posted."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Footer

from elixir_pro.pipeline.gates_model import GateReport
from elixir_pro.tui.screens.gates import GatesScreen
from elixir_pro.tui.widgets.openspec_panel import OpenSpecPanel
from elixir_pro.tui.widgets.tasks_panel import TasksPanel

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "pipeline"


def courier_with_pipeline(tmp_path: Path, tasks: str = "taskmaster_tagged") -> Path:
    """examples/courier + the OpenSpec fixture tree + a tasks.json fixture, in ``courier/``
    (the screens show the folder's name and relative paths only: snapshots stay stable)."""
    root = tmp_path / "courier"
    shutil.copytree(
        REPO / "examples" / "courier", root, ignore=shutil.ignore_patterns("_build", "deps")
    )
    shutil.copytree(FIXTURES / "openspec_project" / "openspec", root / "openspec")
    shutil.copytree(FIXTURES / tasks / ".taskmaster", root / ".taskmaster")
    return root


class GatesHost(App[None]):
    """Pushes one GatesScreen (``screen``, or one made from ``root`` and ``kwargs``);
    ``messages`` gets what it posts to the app."""

    def __init__(self, root: Path, screen: GatesScreen | None = None, **kwargs: Any) -> None:
        super().__init__()
        self.gates_screen = screen or GatesScreen(root, **kwargs)
        self.messages: list[Message] = []
        self.closed = 0

    def on_mount(self) -> None:
        self.push_screen(self.gates_screen, self._record_close)

    def _record_close(self, _result: None) -> None:
        self.closed += 1

    def on_gates_screen_open_location(self, message: GatesScreen.OpenLocation) -> None:
        self.messages.append(message)

    def on_gates_screen_propose_changes(self, message: GatesScreen.ProposeChanges) -> None:
        self.messages.append(message)

    def on_gates_screen_evaluated(self, message: GatesScreen.Evaluated) -> None:
        self.messages.append(message)

    @property
    def reports(self) -> list[GateReport]:
        return [m.report for m in self.messages if isinstance(m, GatesScreen.Evaluated)]


class TasksHost(App[None]):
    """Hosts one TasksPanel; ``messages`` gets what it posts."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield TasksPanel(self.root)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TasksPanel).focus_list()

    def on_tasks_panel_task_chosen(self, message: TasksPanel.TaskChosen) -> None:
        self.messages.append(message)

    def on_tasks_panel_propose_changes(self, message: TasksPanel.ProposeChanges) -> None:
        self.messages.append(message)


class OpenSpecHost(App[None]):
    """Hosts one OpenSpecPanel; ``messages`` gets what it posts."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.messages: list[OpenSpecPanel.OpenLocation] = []

    def compose(self) -> ComposeResult:
        yield OpenSpecPanel(self.root)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OpenSpecPanel).focus_tree()

    def on_open_spec_panel_open_location(self, message: OpenSpecPanel.OpenLocation) -> None:
        self.messages.append(message)
