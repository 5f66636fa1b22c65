"""``WatchService``: the watcher as one object with start/stop, a state, and a stream of events.

Threads: watchdog's observer thread filters raw events cheaply (trigger globs, ignored folders,
editor artifacts) and hands paths to a :class:`~elixir_pro.watch.debounce.Coalescer`; one
pipeline thread takes each debounced batch, drops ``.gitignore``'d paths (one git call),
compares content fingerprints (a save that changes nothing is dropped), emits a
:class:`~elixir_pro.watch.model.FileBatch` and, with an analyzer, runs it incrementally and
emits :class:`~elixir_pro.events.FindingsUpdated`. Events go to ``on_event`` (called on the
pipeline thread; the TUI passes a function that posts a message) or, without one, to the
thread-safe ``events`` queue (the headless ``elixir-pro watch`` reads it).

The same thread checks, when idle, that the root still exists and the observer still runs:
a vanished or renamed root is a notice and a clean stop; a dead native observer falls back to
polling with a notice.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.api import BaseObserver

from elixir_pro.engine.findings import Finding
from elixir_pro.errors import UserError
from elixir_pro.events import FindingsUpdated, Notice
from elixir_pro.paths import state_dir
from elixir_pro.watch import observers
from elixir_pro.watch.analysis import Analyzer, DeltaLike, notices_of
from elixir_pro.watch.debounce import Coalescer, Pending
from elixir_pro.watch.followup import FollowUps, compiled_event
from elixir_pro.watch.globs import DEFAULT_TRIGGERS, GlobSet
from elixir_pro.watch.hashes import ContentHashes
from elixir_pro.watch.ignore import IgnoreRules
from elixir_pro.watch.model import (
    Baseline,
    FileBatch,
    WatchEvent,
    WatchState,
    WatchStateChanged,
)

_HEALTH_CHECK_S = 0.5


class _Handler(FileSystemEventHandler):
    def __init__(self, service: WatchService) -> None:
        self._service = service

    def dispatch(self, event: FileSystemEvent) -> None:
        self._service._on_fs_event(event)


class WatchService:
    """Watches one project root. ``start()`` returns once the observer runs (the baseline,
    fingerprints and the analyzer's first full pass, continues on the pipeline thread; ``ready``
    is set when it is done)."""

    def __init__(
        self,
        root: Path,
        *,
        triggers: Sequence[str] = DEFAULT_TRIGGERS,
        debounce_ms: int = 50,
        max_wait_ms: int = 2000,
        analyzer: Analyzer | None = None,
        on_event: Callable[[WatchEvent], None] | None = None,
        force_polling: bool = False,
        poll_interval_s: float = 1.0,
        observer_factory: observers.ObserverFactory = observers.native_observer,
        max_fingerprints: int = 100_000,
    ) -> None:
        if not root.is_dir():
            raise UserError("not a directory", path=root)
        self.root = root.resolve()
        self.triggers = GlobSet(triggers)
        self.debounce_s = debounce_ms / 1000
        self.analyzer = analyzer
        self.events: queue.Queue[WatchEvent] = queue.Queue()
        self.ready = threading.Event()
        self.file_count = 0
        self._on_event = on_event
        self._force_polling = force_polling
        self._poll_interval_s = poll_interval_s
        self._observer_factory = observer_factory
        self._ignore = IgnoreRules(self.root, extra_ignored=(state_dir(),))
        self._hashes = ContentHashes(self.root, max_entries=max_fingerprints)
        self._coalescer = Coalescer(self.debounce_s, max(max_wait_ms / 1000, self.debounce_s))
        self._prefix = str(self.root).rstrip(os.sep) + os.sep
        self._state = WatchState.STOPPED
        self._state_lock = threading.Lock()
        self._observer: BaseObserver | None = None
        self._pipeline: threading.Thread | None = None
        self._files: list[str] = []
        self._root_id: tuple[int, int] = (0, 0)
        self._findings: dict[str, tuple[Finding, ...]] = {}
        self._findings_lock = threading.Lock()
        self._stopping = threading.Event()
        self._rescan_reason: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._followups = FollowUps(
            analyzer, self._coalescer.kick, f"elixir-pro-compile:{self.root.name}"
        )

    # -- public -------------------------------------------------------------------------

    @property
    def state(self) -> WatchState:
        return self._state

    def start(self) -> None:
        """List the watched files and start observing (native, else polling)."""
        if self._pipeline is not None:
            raise RuntimeError("WatchService.start() called twice")
        self._set_state(WatchState.STARTING)
        stat = self.root.stat()
        self._root_id = (stat.st_dev, stat.st_ino)
        self._files = [p for p in self._ignore.list_files() if self.triggers.matches(p)]
        self.file_count = len(self._files)
        self._start_observer()
        self._pipeline = threading.Thread(
            target=self._run, name=f"elixir-pro-watch:{self.root.name}", daemon=True
        )
        self._pipeline.start()

    def rescan(self, reason: str = "a rescan was requested") -> None:
        """Compare every watched file with its fingerprint on the pipeline thread and report
        what changed (after lost events; safe to call from any thread)."""
        self._rescan_reason = reason
        self._coalescer.kick()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop observing and end the pipeline thread (idempotent)."""
        self._stopping.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._coalescer.close()
        observer, self._observer = self._observer, None
        if observer is not None:
            observers.stop_observer(observer, timeout_s)
        close = getattr(self.analyzer, "close", None)
        if callable(close):
            close()  # the warm compiler: also ends a compile in flight
        self._followups.stop(timeout_s)
        pipeline = self._pipeline
        if pipeline is not None and pipeline is not threading.current_thread():
            pipeline.join(timeout_s)
        if self._state not in (WatchState.STOPPED, WatchState.ERROR):
            self._set_state(WatchState.STOPPED, "stopped")

    def __enter__(self) -> WatchService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def current_findings(self) -> tuple[Finding, ...]:
        """Every finding the watcher knows of now (baseline plus incremental updates)."""
        with self._findings_lock:
            return tuple(f for per_path in self._findings.values() for f in per_path)

    # -- observer thread ---------------------------------------------------------------

    def _rel(self, path: str | bytes) -> str | None:
        text = os.fsdecode(path)
        if not text.startswith(self._prefix):
            return None
        rel = text[len(self._prefix) :]
        return rel.replace(os.sep, "/") if os.sep != "/" else rel

    def _on_fs_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        sources = [event.src_path]
        if kind == "moved" and event.dest_path:
            sources.append(event.dest_path)
        for raw in sources:
            if not raw:
                continue
            rel = self._rel(raw)
            if rel is None:
                is_root = os.fsdecode(raw).rstrip(os.sep) == str(self.root)
                if is_root and kind in ("deleted", "moved"):
                    self._coalescer.kick()
                continue
            if event.is_directory:
                if not self._ignore.quick_ignored(rel):
                    self._coalescer.add_dir(rel)
            elif self.triggers.matches(rel) and not self._ignore.quick_ignored(rel):
                self._coalescer.add(rel)

    # -- pipeline thread ---------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._baseline()
            while not self._stopping.is_set():
                pending = self._coalescer.next_batch(_HEALTH_CHECK_S)
                if pending is None or self._stopping.is_set():
                    break
                self._publish_follow_ups()
                if not self._root_alive():
                    self._root_vanished()
                    break
                reason, self._rescan_reason = self._rescan_reason, None
                if reason is not None:
                    pending = self._full_scan(pending, reason)
                if pending:
                    self._process(pending)
                else:
                    self._check_observer()
        except Exception as exc:  # keep the watcher's failure visible, never silent
            self._emit(Notice(f"the watcher stopped: {type(exc).__name__}: {exc}", "error"))
            self._set_state(WatchState.ERROR, str(exc))
            observer, self._observer = self._observer, None
            if observer is not None:
                observers.stop_observer(observer)

    def _baseline(self) -> None:
        for rel in self._files:
            if self._stopping.is_set():
                return
            self._hashes.seed(rel)
        self._files = []  # the fingerprints hold them now
        if self.analyzer is None:
            self._emit(Baseline(files=self.file_count))
            self.ready.set()
            return
        try:
            report = self.analyzer.analyze_all()
        except Exception as exc:
            self._emit(Notice(f"analysis failed: {type(exc).__name__}: {exc}", "error"))
            self._emit(Baseline(files=self.file_count))
            self.ready.set()
            return
        findings = tuple(report.findings)
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            by_path.setdefault(finding.path, []).append(finding)
        with self._findings_lock:
            self._findings = {path: tuple(items) for path, items in by_path.items()}
        for text in notices_of(report):
            self._emit(Notice(text, "warning"))
        self._emit(Baseline(files=self.file_count, findings=findings, analyzed=True))
        self.ready.set()
        self._follow_up(())

    def _full_scan(self, pending: Pending, reason: str) -> Pending:
        listed = [p for p in self._ignore.list_files() if self.triggers.matches(p)]
        scan = {*listed, *self._hashes.paths()}
        self._emit(Notice(f"{reason}; rescanning {len(listed)} files", "warning"))
        return Pending(pending.files, pending.dirs, tuple(sorted(scan)))

    def _expand(self, pending: Pending) -> set[str]:
        paths = set(pending.files)
        for rel_dir in pending.dirs:
            paths.update(self._hashes.known_under(rel_dir))
            folder = self.root / rel_dir
            if folder.is_dir() and not self._ignore.dir_pruned(rel_dir):
                paths.update(self._walk(rel_dir))
        return {p for p in paths if self.triggers.matches(p) and not self._ignore.quick_ignored(p)}

    def _walk(self, rel_dir: str) -> list[str]:
        found: list[str] = []
        base = self.root / rel_dir
        for dirpath, dirnames, filenames in os.walk(base):
            rel_base = Path(dirpath).relative_to(self.root).as_posix()
            dirnames[:] = [d for d in dirnames if not self._ignore.dir_pruned(f"{rel_base}/{d}")]
            found.extend(f"{rel_base}/{name}" for name in filenames)
        return found

    def _process(self, pending: Pending) -> None:
        from_events = self._expand(pending)
        candidates = self._ignore.drop_gitignored(from_events.union(pending.scan))
        changed: list[str] = []
        deleted: list[str] = []
        for rel in sorted(candidates):
            status = self._hashes.update(rel, from_event=rel in from_events)
            if status == "changed":
                changed.append(rel)
            elif status == "deleted":
                deleted.append(rel)
        if not changed and not deleted:
            return
        batch = FileBatch(tuple(changed), tuple(deleted))
        self._emit(batch)
        if self.analyzer is not None:
            self._analyze(batch)

    def _analyze(self, batch: FileBatch) -> None:
        assert self.analyzer is not None
        try:
            delta = self.analyzer.reanalyze(batch.all_paths)
        except Exception as exc:
            self._emit(Notice(f"analysis failed: {type(exc).__name__}: {exc}", "error"))
            return
        paths = tuple(delta.paths) or batch.all_paths
        self._publish(delta, paths)
        self._follow_up(batch.all_paths)

    def _follow_up(self, paths: tuple[str, ...]) -> None:
        """The analyzer's second pass (the compiler), on its own thread: see ``followup.py``."""
        if self._followups.enabled and not self._stopping.is_set():
            self._followups.request(paths)

    def _publish_follow_ups(self) -> None:
        """Merge and send out what the compile thread finished (on the pipeline thread)."""
        for result in self._followups.drain():
            if self._stopping.is_set():
                return
            try:
                if isinstance(result, Exception):
                    raise result
                delta = self._followups.merge(result)  # type: ignore[misc]
            except Exception as exc:
                self._emit(Notice(f"compiling failed: {type(exc).__name__}: {exc}", "error"))
                continue
            if delta is not None:
                self._publish(delta, tuple(delta.paths))
            event = compiled_event(getattr(result, "result", None))
            if event is not None:
                self._emit(event)

    def _publish(self, delta: DeltaLike, paths: tuple[str, ...]) -> None:
        """Record ``delta``'s findings for ``paths`` and send them out (with its notices)."""
        findings = tuple(delta.findings)
        by_path: dict[str, list[Finding]] = {p: [] for p in paths}
        for finding in findings:
            by_path.setdefault(finding.path, []).append(finding)
        with self._findings_lock:
            for path, items in by_path.items():
                if items:
                    self._findings[path] = tuple(items)
                else:
                    self._findings.pop(path, None)
        for text in notices_of(delta):
            self._emit(Notice(text, "warning"))
        if paths:
            self._emit(FindingsUpdated(paths, findings, tuple(delta.new), tuple(delta.resolved)))

    # -- health ------------------------------------------------------------------------

    def _root_alive(self) -> bool:
        try:
            stat = os.stat(self.root)
        except OSError:
            return False
        return (stat.st_dev, stat.st_ino) == self._root_id

    def _root_vanished(self) -> None:
        self._emit(Notice(f"{self.root} was deleted or renamed; stopped watching it", "warning"))
        observer, self._observer = self._observer, None
        if observer is not None:
            observers.stop_observer(observer)
        self._set_state(WatchState.STOPPED, "the project folder vanished")

    def _check_observer(self) -> None:
        observer = self._observer
        if observer is None or self._stopping.is_set() or observers.emitters_alive(observer):
            return
        self._observer = None
        observers.stop_observer(observer)
        self._emit(Notice("file notifications stopped working; switching to polling", "warning"))
        self._start_polling("file notifications stopped working")

    def _start_observer(self) -> None:
        handler = _Handler(self)
        if not self._force_polling:
            try:
                self._observer = observers.start_native(self.root, handler, self._observer_factory)
                self._unsubscribe = observers.on_events_lost(self._events_lost)
            except OSError as exc:
                reason = observers.describe_os_error(exc)
                self._emit(
                    Notice(
                        f"cannot watch {self.root} natively: {reason}; "
                        f"polling every {self._poll_interval_s:g}s instead",
                        "warning",
                    )
                )
                self._start_polling(reason)
                return
            self._set_state(WatchState.WATCHING)
            return
        self._start_polling("polling was requested")

    def _events_lost(self) -> None:
        self.rescan("file events were lost (the OS event queue overflowed)")

    def _start_polling(self, reason: str) -> None:
        self._observer = observers.start_polling(
            self.root, _Handler(self), self._poll_interval_s, self._ignore.dir_pruned
        )
        self._set_state(WatchState.POLLING, reason)

    # -- delivery ----------------------------------------------------------------------

    def _set_state(self, state: WatchState, reason: str = "") -> None:
        with self._state_lock:
            if self._state == state:
                return
            self._state = state
        self._emit(WatchStateChanged(state, reason))

    def _emit(self, event: WatchEvent) -> None:
        if self._on_event is not None:
            self._on_event(event)
        else:
            self.events.put(event)
