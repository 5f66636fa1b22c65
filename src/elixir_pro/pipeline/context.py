"""The pipeline context a turn gets: the phase gates' summary (critical and evaluative modes, in
a mix project), the OpenSpec requirements relevant to the files in context (or the reliability
ones when there are no files), and the TaskMaster task being worked on.

``pipeline_context(...)`` computes it once; :class:`PipelineContext` caches what it read per
project so the TUI recomputes only what watched file changes invalidate. Malformed
``openspec/`` or ``tasks.json`` never raise: they become one-line notices inside the context
(and in :attr:`PipelineContextResult.notices`). Used by the conversation (``extra_context`` of a
turn) and the offline backend's answers.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.config import Config
from elixir_pro.pipeline import context_prompts as P
from elixir_pro.pipeline import openspec as spec_mod
from elixir_pro.pipeline.gates_model import GateReport
from elixir_pro.pipeline.gates_model import render_for_prompt as render_gates
from elixir_pro.pipeline.openspec import OpenSpec, load_openspec
from elixir_pro.pipeline.taskmaster import (
    TASKS_FILE,
    DependencyState,
    Task,
    TaskFileError,
    TaskList,
    load_tasks,
)

GATE_MODES = frozenset({CognitiveMode.CRITICAL, CognitiveMode.EVALUATIVE})
REQUIREMENT_LIMIT = 8
_MODULE = re.compile(rb"^\s*defmodule\s+([A-Z][\w.]*)", re.M)
_MODULE_SCAN_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class PipelineContextResult:
    """The context text (empty when the project has no gates to show, no OpenSpec and no
    task) and the one-line notices it holds about malformed pipeline files."""

    text: str
    notices: tuple[str, ...] = ()


class PipelineContext:
    """Cached pipeline context for one project. Thread-safe: the TUI may build it in a worker
    while the watcher calls :meth:`invalidate` from another thread."""

    def __init__(self, root: Path, *, config: Config | None = None) -> None:
        self.root = root.resolve()
        self.config = config
        self._lock = threading.RLock()
        self._openspec: OpenSpec | None = None
        self._openspec_loaded = False
        self._tasks: TaskList | None = None
        self._tasks_error: str | None = None
        self._tasks_loaded = False
        self._gates: GateReport | None = None
        self._gates_error: str | None = None
        self._generation = 0  # bumped whenever the gates are invalidated
        self._modules: dict[str, tuple[str, ...]] = {}

    # -- the cached parts ----------------------------------------------------------------
    def openspec(self) -> OpenSpec | None:
        with self._lock:
            if not self._openspec_loaded:
                self._openspec = load_openspec(self.root)
                self._openspec_loaded = True
            return self._openspec

    def tasks(self) -> tuple[TaskList | None, str | None]:
        """The task list (None without tasks.json) and the one-line error of a malformed one."""
        with self._lock:
            if not self._tasks_loaded:
                try:
                    self._tasks, self._tasks_error = load_tasks(self.root), None
                except TaskFileError as exc:
                    self._tasks, self._tasks_error = None, str(exc)
                self._tasks_loaded = True
            return self._tasks, self._tasks_error

    def gates(self) -> GateReport | None:
        """The gates report: the one given to :meth:`set_gates`, else evaluated without mix
        (fast). None when it could not be evaluated (the reason is a notice)."""
        with self._lock:
            if self._gates is not None or self._gates_error is not None:
                return self._gates
            generation = self._generation
        # Evaluated outside the lock: it audits the whole project, and invalidate() (called
        # when files change) must never wait for it.
        from elixir_pro.pipeline.gates import evaluate_gates

        report: GateReport | None = None
        error: str | None = None
        try:
            report = evaluate_gates(self.root, use_mix=False, config=self.config)
        except Exception as exc:  # a context must never break the turn it serves
            error = f"phase gates could not be evaluated: {exc}"
        with self._lock:
            if generation == self._generation:  # no file changed meanwhile: keep it
                self._gates, self._gates_error = report, error
        return report

    def warm(self) -> None:
        """Compute every part now (call it from a worker thread at start and after
        :meth:`invalidate`), so a turn's :meth:`build` finds them cached."""
        self.openspec()
        self.tasks()
        if (self.root / "mix.exs").is_file():
            self.gates()

    def set_gates(self, report: GateReport) -> None:
        """Use ``report`` (e.g. the gates view's, with mix) until files change."""
        with self._lock:
            self._gates, self._gates_error = report, None

    def invalidate(self, paths: Iterable[str | Path] | None = None) -> None:
        """Forget what ``paths`` (project-relative or absolute) may have changed; everything
        when ``paths`` is None."""
        with self._lock:
            if paths is None:
                self._openspec_loaded = self._tasks_loaded = False
                self._gates = self._gates_error = None
                self._generation += 1
                self._modules.clear()
                return
            for path in paths:
                rel = self._relative(path)
                if rel is None:
                    continue
                if rel == TASKS_FILE.as_posix():
                    self._tasks_loaded = False
                    continue
                if rel.startswith(".taskmaster/"):
                    continue
                if rel == "openspec" or rel.startswith("openspec/"):
                    self._openspec_loaded = False
                self._gates = self._gates_error = None
                self._generation += 1
                self._modules.pop(rel, None)

    def _relative(self, path: str | Path) -> str | None:
        """``path`` relative to the project (posix), None when it lies outside."""
        candidate = Path(path)
        absolute = candidate if candidate.is_absolute() else self.root / candidate
        try:
            return absolute.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return None

    def _module_names(self, rel: str) -> tuple[str, ...]:
        with self._lock:
            if rel not in self._modules:
                path = self.root / rel
                try:
                    with path.open("rb") as handle:
                        head = handle.read(_MODULE_SCAN_BYTES)
                except OSError:
                    head = b""
                names = (m.decode("ascii", "replace") for m in _MODULE.findall(head))
                self._modules[rel] = tuple(names)
            return self._modules[rel]

    # -- the context ---------------------------------------------------------------------
    def build(
        self,
        cognitive_mode: CognitiveMode,
        context_files: Sequence[str],
        *,
        task: Task | None = None,
    ) -> PipelineContextResult:
        sections: list[str] = []
        notices: list[str] = []
        if cognitive_mode in GATE_MODES and (self.root / "mix.exs").is_file():
            report = self.gates()
            if report is not None:
                sections.append(P.GATES.format(summary=render_gates(report)))
            elif self._gates_error:
                notices.append(self._gates_error)
        spec = self.openspec()
        if spec is not None:
            block = self._requirements(spec, context_files)
            if block:
                sections.append(block)
            if spec.notices:
                notices.append(
                    P.OPENSPEC_NOTICE.format(first=spec.notices[0], count=len(spec.notices))
                )
        listing, error = self.tasks()
        if error:
            notices.append(error)
        elif listing is not None and listing.notices:
            notices.append(listing.notices[0])
        if task is not None:
            sections.append(P.TASK.format(task=_render_task(task, listing)))
        if notices:
            sections.append(P.NOTICES.format(items="\n".join(f"- {n}" for n in notices)))
        return PipelineContextResult("\n\n".join(sections), tuple(notices))

    def render(
        self,
        cognitive_mode: CognitiveMode,
        context_files: Sequence[str],
        *,
        task: Task | None = None,
    ) -> str:
        return self.build(cognitive_mode, context_files, task=task).text

    def _requirements(self, spec: OpenSpec, context_files: Sequence[str]) -> str:
        paths = [rel for rel in (self._relative(f) for f in context_files) if rel is not None]
        if paths:
            modules = [name for rel in paths for name in self._module_names(rel)]
            chosen = spec_mod.relevant_requirements(spec, paths, modules)
            template = P.REQUIREMENTS_FOR_FILES
        else:
            chosen = spec.reliability_requirements()
            template = P.RELIABILITY_REQUIREMENTS
        if not chosen:
            return ""
        text = spec_mod.render_for_prompt(chosen, limit=REQUIREMENT_LIMIT)
        if len(chosen) > REQUIREMENT_LIMIT:
            text += "\n\n" + P.MORE_REQUIREMENTS.format(count=len(chosen) - REQUIREMENT_LIMIT)
        return template.format(requirements=text)


def _render_task(task: Task, listing: TaskList | None) -> str:
    known = listing.find(task.id) if listing is not None else None
    meta = [task.status]
    if task.priority:
        meta.append(P.TASK_PRIORITY.format(priority=task.priority))
    if listing is not None and known is not None:
        state = listing.state(known)
        if state is DependencyState.READY:
            meta.append(P.TASK_READY)
        elif state is DependencyState.BLOCKED:
            meta.append(P.TASK_BLOCKED.format(blockers=", ".join(listing.blockers(known))))
    lines = [
        P.TASK_HEAD.format(id=task.id, title=task.title),
        P.TASK_META.format(items=", ".join(meta)),
    ]
    if task.description:
        lines.append(task.description)
    if task.details:
        lines.append(P.TASK_DETAILS.format(text=task.details))
    if task.test_strategy:
        lines.append(P.TASK_TEST_STRATEGY.format(text=task.test_strategy))
    if task.subtasks:
        items = "; ".join(
            P.TASK_SUBTASK.format(id=s.id, title=s.title, status=s.status) for s in task.subtasks
        )
        lines.append(P.TASK_SUBTASKS.format(items=items))
    return "\n".join(lines)


def pipeline_context(
    root: Path,
    cognitive_mode: CognitiveMode,
    context_files: Sequence[str],
    *,
    gates: GateReport | None = None,
    task: Task | None = None,
) -> str:
    """The pipeline context for one turn, computed afresh (gates without mix when not given).
    Empty when the project has none of gates to show, OpenSpec, a task or a notice."""
    context = PipelineContext(root)
    if gates is not None:
        context.set_gates(gates)
    return context.render(cognitive_mode, context_files, task=task)
