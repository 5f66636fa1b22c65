"""The main screen's side of the project: the findings, supervision and context panels, the
watcher feeding the findings panel, the ``@path`` candidates, and the code view a finding opens.

A mixin of :class:`~elixir_pro.tui.screens.main.MainScreen`, kept apart so each file holds one
responsibility. Loading runs in thread workers after the first paint.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from elixir_pro.engine.sources import is_mix_project
from elixir_pro.errors import UserError
from elixir_pro.tui.bridge import (
    FilesChanged,
    FindingsBaseline,
    FindingsChanged,
    WatchBridge,
    WatcherNotice,
    WatcherStateChanged,
)
from elixir_pro.tui.heap import release_heap, settle_heap
from elixir_pro.tui.widgets.prompt_input import PromptInput, project_files

if TYPE_CHECKING:
    from elixir_pro.engine.findings import Finding
    from elixir_pro.project import ProjectService
    from elixir_pro.tui.services import TuiContext
    from elixir_pro.tui.widgets.context_panel import ContextPanel
    from elixir_pro.tui.widgets.findings_panel import FindingsPanel
    from elixir_pro.tui.widgets.status_bar import StatusBar
    from elixir_pro.tui.widgets.supervision_panel import SupervisionPanel

PANELS = ("findings", "supervision", "context", "tasks", "openspec")
OVERLAY_BELOW = 100  # narrower than this, an open side panel overlays the conversation

NOT_A_MIX_PROJECT = (
    "No mix.exs in {root}: elixir-pro works on an Elixir Mix project. Findings, the "
    "supervision tree and file watching are off here; run `elixir-pro PATH` on the folder "
    "that holds mix.exs (or `mix new NAME` to start one)."
)
NOT_A_MIX_PROJECT_SHORT = "no mix.exs here"


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

    # -- panels (created on first use, mounted when first shown) ---------------------------
    _side_panels: dict[str, Widget] | None = None

    def side_panel(self, name: str) -> Widget:
        if self._side_panels is None:
            self._side_panels = {}
        panel = self._side_panels.get(name)
        if panel is None:
            if name == "findings":
                from elixir_pro.tui.widgets.findings_panel import FindingsPanel

                panel = FindingsPanel()
            elif name == "supervision":
                from elixir_pro.tui.widgets.supervision_panel import SupervisionPanel

                panel = SupervisionPanel()
            elif name == "tasks":
                from elixir_pro.tui.widgets.tasks_panel import TasksPanel

                panel = TasksPanel(self.root)
            elif name == "openspec":
                from elixir_pro.tui.widgets.openspec_panel import OpenSpecPanel

                panel = OpenSpecPanel(self.root)
            else:
                from elixir_pro.tui.widgets.context_panel import ContextPanel

                panel = ContextPanel(self.root)
            self._side_panels[name] = panel
        return panel

    @property
    def findings_panel(self) -> FindingsPanel:
        return self.side_panel("findings")  # type: ignore[return-value]

    @property
    def supervision_panel(self) -> SupervisionPanel:
        return self.side_panel("supervision")  # type: ignore[return-value]

    @property
    def context_panel(self) -> ContextPanel:
        return self.side_panel("context")  # type: ignore[return-value]

    # -- background loading ----------------------------------------------------------------
    _background_started = False
    _supervision_started = False

    def start_background(self) -> None:
        """Load the panels and start the watcher; called by the App once the first frame is
        on screen, so none of it delays the first paint."""
        if self._background_started:
            return
        self._background_started = True
        self.load_candidates()
        if not is_mix_project(self.root):
            self.show_not_a_mix_project()
            return
        # The supervision map follows the findings baseline and reads the analyzer's parse trees,
        # so the project is parsed once (tree-sitter holds the GIL, so a second thread parsing
        # alongside would only slow the baseline down).
        if self.context.analyze:
            self.findings_panel.busy.start()  # its title shows the analysis going on
        if self.context.watch:
            self.start_watcher()
        elif self.context.analyze:
            self.load_findings()
        else:
            self.findings_panel.set_unavailable("analysis off")

    def show_not_a_mix_project(self) -> None:
        """No mix.exs: say what the tool needs instead of reading like a clean project (no
        analysis, so no "no findings"; the prompt still works)."""
        notice = Static(Text(NOT_A_MIX_PROJECT.format(root=self.root)), id="project-notice")
        self.query_one("#panes").mount(notice, before=0)
        self.findings_panel.set_unavailable(NOT_A_MIX_PROJECT_SHORT)
        self.supervision_panel.set_unavailable(NOT_A_MIX_PROJECT_SHORT)
        self.status.watcher = "off"

    @work(thread=True, exclusive=True, group="candidates")
    def load_candidates(self) -> None:
        files = project_files(self.root)
        self.app.call_from_thread(self._set_candidates, files)

    def _set_candidates(self, files: list[str]) -> None:
        self.query_one(PromptInput).candidates = files

    @work(thread=True, exclusive=True, group="findings")
    def load_findings(self) -> None:
        try:
            from elixir_pro.project import ProjectService

            service = ProjectService(self.root)
            report = service.audit()
        except UserError as exc:
            self.app.call_from_thread(self._findings_unavailable, exc.one_line())
            return
        except Exception as exc:  # one notice; the rest of the app goes on
            reason = f"analysis failed: {type(exc).__name__}: {exc}"
            self.app.call_from_thread(self._findings_unavailable, reason)
            return
        self.app.call_from_thread(self._baseline_loaded, report.findings, service)

    def _findings_unavailable(self, reason: str) -> None:
        self.findings_panel.set_unavailable(reason)
        self._supervision_after_baseline(None)

    def _supervision_after_baseline(self, service: ProjectService | None) -> None:
        if self.context.analyze and not self._supervision_started:
            self._supervision_started = True
            self.load_supervision(service)

    @work(thread=True, exclusive=True, group="supervision")
    def load_supervision(self, service: ProjectService | None = None) -> None:
        panel = self.supervision_panel
        try:
            if service is None:
                from elixir_pro.project import ProjectService

                service = ProjectService(self.root)
            smap = service.supervision()
        except UserError as exc:
            self.app.call_from_thread(panel.set_unavailable, f"not available ({exc.one_line()})")
            return
        except Exception as exc:  # one notice; the rest of the app goes on
            reason = f"not available ({type(exc).__name__}: {exc})"
            self.app.call_from_thread(panel.set_unavailable, reason)
            return
        self.app.call_from_thread(panel.set_map, smap)

    @work(thread=True, exclusive=True, group="watcher")
    def start_watcher(self) -> None:
        try:
            from elixir_pro.watch import create_watch_service

            service = create_watch_service(
                self.root,
                agent=self.context.agent.name,
                analyze=self.context.analyze,
                on_event=WatchBridge(self),
            )
            self.watcher = service  # before its baseline can arrive
            service.start()
        except (ImportError, UserError, OSError) as exc:
            self.watcher = None
            self.app.call_from_thread(self._watch_failed, str(exc))
            return

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
        release_heap()

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
        from elixir_pro.project import ProjectService  # loaded by the watcher already

        watcher = self.watcher
        service = watcher.analyzer if watcher is not None else None
        self._baseline_loaded(
            message.findings, service if isinstance(service, ProjectService) else None
        )

    def _baseline_loaded(self, findings: Sequence[Finding], service: ProjectService | None) -> None:
        self.findings_panel.set_findings(findings)
        self._supervision_after_baseline(service)
        self.call_after_refresh(settle_heap)

    @on(FilesChanged)
    def files_changed(self, message: FilesChanged) -> None:
        self.last_batch = message.paths
        refresh = getattr(self, "pipeline_files_changed", None)
        if callable(refresh):
            refresh(message.paths)

    @on(FindingsChanged)
    def findings_changed(self, message: FindingsChanged) -> None:
        update = message.update
        self.findings_panel.apply_update(update.paths, update.findings, update.new)
        # Announced once the panel has painted, so the toasts never delay the finding itself.
        self.call_after_refresh(self.announce_findings, tuple(update.new))

    def announce_findings(self, new: tuple[Finding, ...]) -> None:
        for finding in new[:3]:
            self.notify(
                f"{finding.location} {finding.rule}: {finding.message}",
                title="New finding",
                severity="warning",
                timeout=6,
            )
        if len(new) > 3:
            self.notify(f"…and {len(new) - 3} more new findings", timeout=6)

    # -- panels ----------------------------------------------------------------------------
    @on(events.Resize)
    def fit_side(self, event: events.Resize) -> None:
        """At 80 columns a panel beside the conversation would cut both: it overlays instead."""
        self.query_one("#body").set_class(event.size.width < OVERLAY_BELOW, "-overlay-side")

    async def action_toggle_panel(self, name: str) -> None:
        panel = self.side_panel(name)
        side = self.query_one("#side")
        show = not (panel.is_mounted and panel.display and side.display)
        for other in PANELS:
            if other != name and self.side_panel(other).is_mounted:
                self.side_panel(other).display = False
        if show and not panel.is_mounted:
            await side.mount(panel)  # its list exists once this returns, so it can take the focus
        panel.display = show
        side.display = show
        if show:
            self._focus_panel(panel)
        else:
            self.query_one(PromptInput).focus()

    def _focus_panel(self, panel: Widget) -> None:
        targets = panel.query("OptionList, Tree, EntryList")
        if targets:
            targets.first().focus()

    def on_findings_panel_chosen(self, event: FindingsPanel.Chosen) -> None:
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
            self.context_panel.set_paths(self.context_files)
        return added

    def on_context_panel_removed(self, event: ContextPanel.Removed) -> None:
        if event.path in self.context_files:
            self.context_files.remove(event.path)
        self.context_panel.set_paths(self.context_files)
