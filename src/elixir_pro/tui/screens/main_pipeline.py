"""The main screen's pipeline side: the gates view, the TaskMaster and OpenSpec panels, starting a
turn on a task, offering to mark it done after its changes land, and keeping the pipeline context
fresh when watched files change.

A mixin of :class:`~elixir_pro.tui.screens.main.MainScreen`; the panels themselves live in
``tui/widgets/tasks_panel.py`` and ``openspec_panel.py``, the gates view in ``screens/gates.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.widget import Widget

    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.pipeline.context import PipelineContext
    from elixir_pro.tui.services import TuiContext
    from elixir_pro.tui.widgets.openspec_panel import OpenSpecPanel
    from elixir_pro.tui.widgets.tasks_panel import TasksPanel

TASKS_FILE = ".taskmaster/tasks/tasks.json"


def pipeline_of(conversation: object) -> PipelineContext | None:
    getter = getattr(conversation, "pipeline_context", None)
    return getter() if callable(getter) else None


class PipelineMixin(Screen[None]):
    context: TuiContext
    root: Path
    side_panel: Callable[[str], Widget]
    send_prompt: Callable[..., None]
    action_show_pane: Callable[[str], None]
    refresh_pending: Callable[[], None]

    # -- gates -----------------------------------------------------------------------------
    def action_open_gates(self) -> None:
        from elixir_pro.tui.screens.gates import GatesScreen

        self.app.push_screen(GatesScreen(self.root))

    # -- tasks and specs -------------------------------------------------------------------
    # Handlers by name (not @on), so the panels' modules load only when a panel is first shown.
    def on_tasks_panel_task_chosen(self, event: TasksPanel.TaskChosen) -> None:
        conversation = self.context.conversation
        if hasattr(conversation, "active_task"):
            conversation.active_task = event.task
        self.action_show_pane(event.mode.value)
        self.send_prompt(
            event.mode, event.prompt, tool_mode=event.tool_mode, label=f"task {event.task.id}"
        )

    def on_tasks_panel_propose_changes(self, event: TasksPanel.ProposeChanges) -> None:
        self.review_changeset(event.changeset)

    def on_open_spec_panel_open_location(self, event: OpenSpecPanel.OpenLocation) -> None:
        self.open_location(event.path, event.line)

    def open_location(self, path: str, line: int | None) -> None:
        from elixir_pro.tui.screens.code_view import CodeViewScreen

        self.app.push_screen(CodeViewScreen(self.root, path, line=line))

    def review_changeset(
        self, changeset: Changeset, then: Callable[[], None] | None = None
    ) -> None:
        from elixir_pro.tui.screens.review import ReviewScreen

        def reviewed(_outcome: Any) -> None:
            self.refresh_pending()
            if then is not None:
                then()

        self.app.push_screen(ReviewScreen(changeset), reviewed)

    def offer_task_done(self, outcome: Any) -> None:
        """After a task's changes landed, offer to mark it done (a tasks.json change that goes
        through the review screen like any other)."""
        task = getattr(self.context.conversation, "active_task", None)
        if task is None or not getattr(outcome, "applied", ()) or task.done:
            return
        from elixir_pro.tui.widgets.tasks_panel import TasksPanel

        panel = self.side_panel("tasks")
        if not isinstance(panel, TasksPanel):
            return
        if not panel.is_mounted:
            panel.root = self.root
        self.notify(
            f"Task {task.id} ({task.title}): its changes landed. Review the change that marks it "
            "done, or press esc to leave it open.",
            title="TaskMaster",
            timeout=8,
        )
        panel.propose_done(task.id)

    # -- keeping things fresh --------------------------------------------------------------
    def pipeline_files_changed(self, paths: Sequence[str]) -> None:
        self.invalidate_pipeline(tuple(paths))
        from elixir_pro.tui.widgets.openspec_panel import OpenSpecPanel
        from elixir_pro.tui.widgets.tasks_panel import TasksPanel

        panels = getattr(self, "_side_panels", None) or {}
        tasks, specs = panels.get("tasks"), panels.get("openspec")
        if isinstance(tasks, TasksPanel) and tasks.is_mounted and TASKS_FILE in paths:
            tasks.reload()
        specs_changed = any(p.startswith("openspec/") for p in paths)
        if isinstance(specs, OpenSpecPanel) and specs.is_mounted and specs_changed:
            specs.reload()
        from elixir_pro.tui.screens.gates import GatesScreen

        if isinstance(self.app.screen, GatesScreen):
            self.app.screen.refresh_gates()

    @work(thread=True, group="pipeline")
    def invalidate_pipeline(self, paths: tuple[str, ...]) -> None:
        """Off the UI thread; the context is rebuilt lazily by the next turn that needs it,
        so a burst of saves costs no project-wide evaluation."""
        pipeline = pipeline_of(self.context.conversation)
        if pipeline is not None:
            pipeline.invalidate(list(paths))
