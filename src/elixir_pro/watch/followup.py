"""The watcher's second pass (the compiler) on a thread of its own.

A compile may take long (a first compile of dependencies, a change many modules depend on), and
the engine's findings of the next save must not wait for it. :class:`FollowUps` runs the
analyzer's ``compile_changes(paths)`` on its own thread, one at a time, gathering the paths of
batches that arrive meanwhile into the next run; each result is handed back to the watcher's
pipeline thread (woken through ``wake``), which merges it with ``merge_compiled(result)`` and
publishes it, so the analyzer itself is only ever used from the pipeline thread.

Used by :class:`~elixir_pro.watch.service.WatchService`; the project service has both methods.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable

from elixir_pro.watch.model import Compiled


class FollowUps:
    """The compile thread of one watcher (started on the first request)."""

    def __init__(self, analyzer: object, wake: Callable[[], None], name: str) -> None:
        compile_changes = getattr(analyzer, "compile_changes", None)
        merge = getattr(analyzer, "merge_compiled", None)
        self.enabled = callable(compile_changes) and callable(merge)
        self._compile = compile_changes
        self.merge = merge
        self._wake = wake
        self._name = name
        self._cond = threading.Condition()
        self._pending: set[str] | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.results: queue.Queue[object] = queue.Queue()

    def request(self, paths: Iterable[str]) -> None:
        """Compile after the changes to ``paths`` (gathered with any request not yet run)."""
        with self._cond:
            if self._stopping:
                return
            self._pending = (self._pending or set()) | set(paths)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def drain(self) -> list[object]:
        """The results ready to merge (an exception stands for a failed run)."""
        out: list[object] = []
        while True:
            try:
                out.append(self.results.get_nowait())
            except queue.Empty:
                return out

    def stop(self, timeout_s: float) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)

    def _run(self) -> None:  # the compile thread
        assert callable(self._compile)
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                paths, self._pending = sorted(self._pending or ()), None
            try:
                result: object = self._compile(paths)
            except Exception as exc:  # reported by the pipeline thread as a notice
                result = exc
            if result is not None:
                self.results.put(result)
                self._wake()


def compiled_event(result: object) -> Compiled | None:
    """The ``Compiled`` event for a compile result (None when the compiler did not run)."""
    status = getattr(getattr(result, "status", None), "value", None)
    if status is None or status == "unavailable":
        return None
    return Compiled(
        status,
        len(getattr(result, "errors", ())),
        len(getattr(result, "warnings", ())),
        round(float(getattr(result, "duration", 0.0)) * 1000),
        str(getattr(result, "message", "")),
    )
