"""GatesScreen: the four phase gates with a badge each, every check with its status, its
evidence (collapsible) and what makes it pass.

Keys: up/down (j/k) move, enter or space on a check shows or hides its evidence, enter on an
evidence row with a path posts :class:`GatesScreen.OpenLocation`, ``r`` re-evaluates in a thread
worker (progress shown), ``m`` toggles running mix for the next refresh, ``c`` posts
:class:`GatesScreen.ProposeChanges` with the supervision-map proposal, escape closes.

The app pushes it (``GatesScreen(root)``), calls :meth:`GatesScreen.refresh_gates` when watched
files change, and may feed :class:`GatesScreen.Evaluated` reports to the pipeline context.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static

from elixir_pro.changes.changeset import Changeset
from elixir_pro.config import Config
from elixir_pro.errors import UserError
from elixir_pro.pipeline.gates_model import Check, Evidence, Gate, GateReport, Status
from elixir_pro.tui.widgets.busy import TICK_S, BusySince
from elixir_pro.tui.widgets.key_bar import KeyBar

_BADGE = {
    Status.PASS: ("PASS", "-pass"),
    Status.FAIL: ("FAIL", "-fail"),
    Status.UNKNOWN: ("UNKNOWN", "-unknown"),
    Status.NOT_APPLICABLE: ("N/A", "-na"),
}


def one_line(exc: Exception) -> str:
    """An exception as one line (a UserError is one already)."""
    if isinstance(exc, UserError):
        return str(exc)
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def arrow(expanded: bool) -> str:
    """The marker of a check: open or closed."""
    return "▾" if expanded else "▸"


def badge(status: Status) -> Label:
    text, css_class = _BADGE[status]
    return Label(text, classes=f"badge {css_class}")


class EvidenceRow(Static, can_focus=True):
    """One piece of evidence; enter opens its location when it has one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Open location")]

    def __init__(self, evidence: Evidence) -> None:
        super().__init__(str(evidence), markup=False, classes="evidence")
        self.evidence = evidence
        self.set_class(evidence.path is not None, "-link")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.evidence.path is not None if action == "open" else True

    def action_open(self) -> None:
        if self.evidence.path is not None:
            self.post_message(GatesScreen.OpenLocation(self.evidence.path, self.evidence.line))


class CheckRow(Horizontal, can_focus=True):
    """A check's status and title; enter or space shows or hides its evidence."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "toggle_evidence", "Evidence", key_display="⏎")
    ]

    def __init__(self, check: Check, *, expanded: bool = False) -> None:
        super().__init__(classes="check-row")
        self.check = check
        self.expanded = expanded

    def compose(self) -> ComposeResult:
        yield Label(arrow(self.expanded), classes="check-arrow")
        yield badge(self.check.status)
        yield Label(self.check.title, markup=False, classes="check-title")

    def action_toggle_evidence(self) -> None:
        view = self.parent
        if isinstance(view, CheckView):
            view.expanded = not view.expanded


class CheckView(Vertical):
    """A check row and its collapsible detail (evidence rows, then "to pass")."""

    def __init__(self, check: Check, *, expanded: bool = False) -> None:
        super().__init__(classes="check")
        self.check = check
        self._expanded = expanded

    def compose(self) -> ComposeResult:
        yield CheckRow(self.check, expanded=self._expanded)
        with Vertical(classes="check-detail"):
            for item in self.check.evidence:
                yield EvidenceRow(item)
            if self.check.fix and self.check.status in (Status.FAIL, Status.UNKNOWN):
                yield Static(f"to pass: {self.check.fix}", markup=False, classes="fix")

    def on_mount(self) -> None:
        self.expanded = self._expanded

    @property
    def expanded(self) -> bool:
        return self._expanded

    @expanded.setter
    def expanded(self, value: bool) -> None:
        self._expanded = value
        self.set_class(value, "-expanded")
        if self.is_mounted:
            self.query_one(".check-arrow", Label).update(arrow(value))


def gate_view(gate: Gate, expanded: set[str]) -> Vertical:
    head = Horizontal(
        badge(gate.status),
        Label(f"{gate.title} · phase {gate.phase}", classes="gate-title"),
        classes="gate-head",
    )
    checks = [CheckView(c, expanded=c.id in expanded) for c in gate.checks]
    return Vertical(head, *checks, classes="gate", id=f"gate-{gate.id}")


class GatesScreen(Screen[None]):
    CSS_PATH = "gates.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh"),
        Binding("m", "toggle_mix", "Mix on/off"),
        Binding("c", "confirm_mapping", "Confirm mapping"),
        Binding("escape", "close", "Close"),
        # priority: the scrolling body would otherwise take up/down for itself
        Binding("down,j", "move(1)", "Down", show=False, priority=True),
        Binding("up,k", "move(-1)", "Up", show=False, priority=True),
    ]

    class OpenLocation(Message):
        """Open ``path`` (project-relative) at ``line`` in the code view."""

        def __init__(self, path: str, line: int | None) -> None:
            super().__init__()
            self.path = path
            self.line = line

    class ProposeChanges(Message):
        """A proposed change (the supervision map) for the review screen."""

        def __init__(self, changeset: Changeset) -> None:
            super().__init__()
            self.changeset = changeset

    class Evaluated(Message):
        """A fresh report (the app may hand it to ``PipelineContext.set_gates``)."""

        def __init__(self, report: GateReport) -> None:
            super().__init__()
            self.report = report

    class _Progress(Message):
        def __init__(self, generation: int, text: str) -> None:
            super().__init__()
            self.generation = generation
            self.text = text

    class _Done(Message):
        def __init__(self, generation: int, report: GateReport | None, error: str = "") -> None:
            super().__init__()
            self.generation = generation
            self.report = report
            self.error = error

    class _Proposed(Message):
        def __init__(self, changeset: Changeset | None, error: str = "") -> None:
            super().__init__()
            self.changeset = changeset
            self.error = error

    def __init__(
        self,
        root: Path,
        *,
        report: GateReport | None = None,
        use_mix: bool = False,
        config: Config | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self.root = root.resolve()
        self.report = report
        self.use_mix = use_mix
        self.config = config
        self.running = False
        self.progress = ""
        self.progress_steps: list[str] = []  # the steps of the current or last evaluation
        self.error = ""
        self._generation = 0
        self.busy = BusySince()  # an evaluation, with a spinner and its time once it is slow

    def compose(self) -> ComposeResult:
        yield Static(id="gates-title", markup=False)
        yield Static(id="gates-progress", markup=False)
        yield VerticalScroll(id="gates-body", can_focus=False)
        yield Static(id="gates-notices", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_interval(TICK_S, self._tick)
        if self.report is None:
            self._start_evaluation()
        else:
            self.show_report(self.report)

    # -- evaluation ------------------------------------------------------------------------
    def refresh_gates(self) -> None:
        """Re-evaluate the gates in a thread worker (the app calls this when files change).
        Before the screen is mounted, it only marks the report stale: mounting evaluates."""
        if not self.is_mounted:
            self.report = None
            return
        self._start_evaluation()

    def _start_evaluation(self) -> None:
        self._generation += 1
        self.running, self.progress, self.error = True, "starting", ""
        self.busy.start()
        self.progress_steps = []
        self._update_header()
        self._evaluate(self._generation, self.use_mix)

    @work(thread=True, exclusive=True, group="gates")
    def _evaluate(self, generation: int, use_mix: bool) -> None:
        from elixir_pro.pipeline.gates import evaluate_gates

        def progress(text: str) -> None:
            self.post_message(self._Progress(generation, text))

        try:
            report = evaluate_gates(
                self.root, use_mix=use_mix, config=self.config, progress=progress
            )
        except Exception as exc:  # shown as one line; the screen stays usable
            self.post_message(self._Done(generation, None, one_line(exc)))
            return
        self.post_message(self._Done(generation, report))

    def on_gates_screen__progress(self, message: _Progress) -> None:
        if message.generation == self._generation and self.running:
            self.progress = message.text
            self.progress_steps.append(message.text)
            self._update_header()

    def on_gates_screen__done(self, message: _Done) -> None:
        if message.generation != self._generation:
            return
        self.running, self.progress, self.error = False, "", message.error
        self.busy.stop()
        if message.report is None:
            self._update_header()
            return
        self.show_report(message.report)
        self.post_message(self.Evaluated(message.report))

    def show_report(self, report: GateReport) -> None:
        """Show ``report``, keeping which checks are open and the focused row."""
        self.report = report
        body = self.query_one("#gates-body", VerticalScroll)
        expanded = {v.check.id for v in self.query(CheckView) if v.expanded}
        focused = self.focused
        focus_id = focused.check.id if isinstance(focused, CheckRow) else None
        notices = self.query_one("#gates-notices", Static)
        notices.update("\n".join(f"notice: {n}" for n in report.notices))
        notices.display = bool(report.notices)
        self._update_header()
        views = [gate_view(g, expanded) for g in report.gates]
        self.run_worker(self._rebuild(body, views, focus_id), group="gates-view", exclusive=True)

    async def _rebuild(
        self, body: VerticalScroll, views: list[Vertical], focus_id: str | None
    ) -> None:
        await body.remove_children()
        await body.mount_all(views)
        self._restore_focus(focus_id)

    def _restore_focus(self, check_id: str | None) -> None:
        rows = list(self.query(CheckRow))
        target = next((r for r in rows if r.check.id == check_id), rows[0] if rows else None)
        if target is not None:
            target.focus()

    def _update_header(self) -> None:
        parts = [f"Phase gates · {self.root.name}"]
        if self.report is not None:
            counts = [g.status for g in self.report.gates]
            parts.extend(
                f"{counts.count(s)} {s.value}"
                for s in (Status.PASS, Status.FAIL, Status.UNKNOWN)
                if counts.count(s)
            )
        parts.append("mix on" if self.use_mix else "mix off")
        self.query_one("#gates-title", Static).update(" · ".join(parts))
        line = self.query_one("#gates-progress", Static)
        if self.running:
            line.update(
                self.busy.text(f"Evaluating… {self.progress}") or f"Evaluating… {self.progress}"
            )
        elif self.error:
            line.update(f"Could not evaluate the gates: {self.error}")
        line.set_class(self.running, "-running")
        line.set_class(bool(self.error) and not self.running, "-error")

    def _tick(self) -> None:
        if self.running:
            self._update_header()

    # -- actions ---------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self._start_evaluation()

    def action_toggle_mix(self) -> None:
        self.use_mix = not self.use_mix
        self._update_header()
        self.notify(f"mix {'on' if self.use_mix else 'off'} from the next refresh (r)", timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_move(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()
        if self.focused is not None:
            self.focused.scroll_visible()

    def action_confirm_mapping(self) -> None:
        if self.report is None:
            self.notify("The gates are not evaluated yet.", severity="warning")
            return
        self._propose(self.report)

    @work(thread=True, exclusive=True, group="gates-mapping")
    def _propose(self, report: GateReport) -> None:
        from elixir_pro.pipeline.mapping import MappingError, propose_mapping_change

        try:
            changeset = propose_mapping_change(self.root, report)
        except MappingError as exc:
            self.post_message(self._Proposed(None, str(exc)))
            return
        except Exception as exc:  # a notification, never a crashed app
            self.post_message(self._Proposed(None, one_line(exc)))
            return
        self.post_message(self._Proposed(changeset))

    def on_gates_screen__proposed(self, message: _Proposed) -> None:
        if message.changeset is None:
            self.notify(message.error, severity="warning")
        else:
            self.post_message(self.ProposeChanges(message.changeset))
