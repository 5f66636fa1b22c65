"""The main screen's side of the project: the findings, supervision and context panels, the
watcher feeding the findings panel, the ``@path`` candidates, and the code view a finding opens.

A mixin of :class:`~elixir_pro.tui.screens.main.MainScreen`, kept apart so each file holds one
responsibility. Loading runs in thread workers after the first paint.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.screen import Screen
from textual.widget import Widget

from elixir_pro.errors import UserError
from elixir_pro.tui.bridge import (
    FilesChanged,
    FindingsBaseline,
    FindingsChanged,
    WatchBridge,
    WatcherNotice,
    WatcherStateChanged,
)
from elixir_pro.tui.widgets.context_panel import ContextPanel
from elixir_pro.tui.widgets.findings_panel import FindingsPanel
from elixir_pro.tui.widgets.prompt_input import PromptInput, project_files
from elixir_pro.tui.widgets.supervision_panel import SupervisionPanel

if TYPE_CHECKING:
    from elixir_pro.tui.services import TuiContext
    from elixir_pro.tui.widgets.status_bar import StatusBar

PANELS = {
    "findings": "#findings-panel",
    "supervision": "#supervision-panel",
    "context": "#context-panel",
}


class SidePanelsMixin(Screen[None]):
    context: TuiContext
    root: Path
    context_files: list[str]
    last_batch: tuple[str, ...]
    watcher: Any = None

    @property
    def status(self) -> StatusBar:
        from elixir_pro.tui.widgets.status_bar import StatusBar

        return self.query_one(StatusBar)

    # -- background loading ----------------------------------------------------------------
    def start_background(self) -> None:
        self.load_candidates()
        if self.context.analyze:
            self.load_supervision()
        if self.context.watch:
            self.start_watcher()
        elif self.context.analyze:
            self.load_findings()
        else:
            self.query_one(FindingsPanel).set_unavailable("analysis off")

    @work(thread=True, exclusive=True, group="candidates")
    def load_candidates(self) -> None:
        files = project_files(self.root)
        self.app.call_from_thread(self._set_candidates, files)

    def _set_candidates(self, files: list[str]) -> None:
        self.query_one(PromptInput).candidates = files

    @work(thread=True, exclusive=True, group="findings")
    def load_findings(self) -> None:
        try:
            from elixir_pro.engine.analyzer import ProjectAnalyzer
        except ImportError:
            self.app.call_from_thread(self._findings_unavailable, "engine not available")
            return
        try:
            report = ProjectAnalyzer(self.root).analyze_all()
        except UserError as exc:
            self.app.call_from_thread(self._findings_unavailable, exc.one_line())
            return
        self.app.call_from_thread(self.query_one(FindingsPanel).set_findings, report.findings)

    def _findings_unavailable(self, reason: str) -> None:
        self.query_one(FindingsPanel).set_unavailable(reason)

    @work(thread=True, exclusive=True, group="supervision")
    def load_supervision(self) -> None:
        panel = self.query_one(SupervisionPanel)
        try:
            from elixir_pro.engine.supervision import build_supervision_map

            smap = build_supervision_map(self.root)
        except (ImportError, UserError, OSError) as exc:
            self.app.call_from_thread(panel.set_unavailable, f"not available ({exc})")
            return
        self.app.call_from_thread(panel.set_map, smap)

    @work(thread=True, exclusive=True, group="watcher")
    def start_watcher(self) -> None:
        try:
            from elixir_pro.watch.analysis import engine_analyzer
            from elixir_pro.watch.service import WatchService

            analyzer = engine_analyzer(self.root) if self.context.analyze else None
            triggers = self.context.agent.proactive_triggers
            kwargs: dict[str, Any] = {"triggers": triggers} if triggers else {}
            service = WatchService(
                self.root, analyzer=analyzer, on_event=WatchBridge(self), **kwargs
            )
            service.start()
        except (ImportError, UserError, OSError) as exc:
            self.app.call_from_thread(self._watch_failed, str(exc))
            return
        self.watcher = service

    def _watch_failed(self, reason: str) -> None:
        self.status.watcher = "off"
        self.notify(f"File watching is off: {reason}", severity="warning")
        if self.context.analyze:
            self.load_findings()

    def stop_watcher(self) -> None:
        service, self.watcher = self.watcher, None
        if service is not None:
            service.stop(timeout_s=2.0)

    def on_unmount(self) -> None:
        self.stop_watcher()

    # -- watcher messages ------------------------------------------------------------------
    @on(WatcherStateChanged)
    def watcher_state(self, message: WatcherStateChanged) -> None:
        self.status.watcher = {"watching": "on"}.get(message.state, message.state)

    @on(WatcherNotice)
    def watcher_notice(self, message: WatcherNotice) -> None:
        level = message.notice.level
        if level == "error":
            self.notify(message.notice.message, severity="error", timeout=6)
        elif level == "warning":
            self.notify(message.notice.message, severity="warning", timeout=6)
        else:
            self.notify(message.notice.message, timeout=6)

    @on(FindingsBaseline)
    def findings_baseline(self, message: FindingsBaseline) -> None:
        self.query_one(FindingsPanel).set_findings(message.findings)

    @on(FilesChanged)
    def files_changed(self, message: FilesChanged) -> None:
        self.last_batch = message.paths

    @on(FindingsChanged)
    def findings_changed(self, message: FindingsChanged) -> None:
        update = message.update
        self.query_one(FindingsPanel).apply_update(update.paths, update.findings, update.new)
        for finding in update.new[:3]:
            self.notify(
                f"{finding.location} {finding.rule}: {finding.message}",
                title="New finding",
                severity="warning",
                timeout=6,
            )
        if len(update.new) > 3:
            self.notify(f"…and {len(update.new) - 3} more new findings", timeout=6)

    # -- panels ----------------------------------------------------------------------------
    def action_toggle_panel(self, name: str) -> None:
        panel = self.query_one(PANELS[name])
        show = not panel.display
        for other in PANELS.values():
            self.query_one(other).display = False
        panel.display = show
        self.query_one("#side").display = show
        if show:
            focus_target: Widget = panel.query("OptionList, Tree").first()
            focus_target.focus()
        else:
            self.query_one(PromptInput).focus()

    @on(FindingsPanel.Chosen)
    def open_finding(self, event: FindingsPanel.Chosen) -> None:
        from elixir_pro.tui.screens.code_view import CodeViewScreen

        def added(path: str | None) -> None:
            if path is not None and self.add_context([path]):
                self.notify(f"Added to context: {path}", timeout=3)

        self.app.push_screen(CodeViewScreen(self.root, event.finding.path, event.finding), added)

    def add_context(self, paths: list[str]) -> list[str]:
        """Add existing project files to the context; returns the ones newly added."""
        added: list[str] = []
        root = self.root.resolve()
        for rel in paths:
            candidate = (root / rel).resolve()
            if not candidate.is_file() or not candidate.is_relative_to(root):
                continue
            rel_posix = candidate.relative_to(root).as_posix()
            if rel_posix not in self.context_files:
                self.context_files.append(rel_posix)
                added.append(rel_posix)
        if added:
            self.query_one(ContextPanel).set_paths(self.context_files)
        return added

    @on(ContextPanel.Removed)
    def remove_context(self, event: ContextPanel.Removed) -> None:
        if event.path in self.context_files:
            self.context_files.remove(event.path)
        self.query_one(ContextPanel).set_paths(self.context_files)
