"""Debounce and coalesce raw file-system events into batches.

The observer thread calls :meth:`Coalescer.add` for every interesting event (cheap: a dict
insert under a lock, and a wake-up only when the set was empty). The service's pipeline thread
blocks in :meth:`Coalescer.next_batch`, which returns once the trailing window has passed with
no new event, or once ``max_wait`` has passed since the first event of the batch, so a burst
that never pauses still flushes. Used by :mod:`elixir_pro.watch.service`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pending:
    """What accumulated: files touched, and folders created, moved or deleted as a whole."""

    files: tuple[str, ...] = ()
    dirs: tuple[str, ...] = ()
    scan: tuple[str, ...] = ()  # paths to compare without an event (a full rescan)

    def __bool__(self) -> bool:
        return bool(self.files or self.dirs or self.scan)


class Coalescer:
    """A thread-safe pending set with a trailing debounce window and a max-wait cap."""

    def __init__(
        self,
        window_s: float,
        max_wait_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if window_s < 0 or max_wait_s < window_s:
            raise ValueError("need 0 <= window <= max_wait")
        self.window_s = window_s
        self.max_wait_s = max_wait_s
        self._clock = clock
        self._cond = threading.Condition()
        self._files: dict[str, None] = {}
        self._dirs: dict[str, None] = {}
        self._first = 0.0
        self._last = 0.0
        self._closed = False
        self._kick = False

    def add(self, rel_path: str) -> None:
        with self._cond:
            self._files[rel_path] = None
            self._touched()

    def add_dir(self, rel_dir: str) -> None:
        with self._cond:
            self._dirs[rel_dir] = None
            self._touched()

    def _touched(self) -> None:
        now = self._clock()
        if len(self._files) + len(self._dirs) == 1:
            self._first = now
            self._last = now
            self._cond.notify_all()
        else:
            self._last = now

    def kick(self) -> None:
        """Wake the waiting thread now (it returns an empty batch if nothing is due)."""
        with self._cond:
            self._kick = True
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def next_batch(self, idle_timeout: float) -> Pending | None:
        """Block until a batch is due and return it; an empty :class:`Pending` when
        ``idle_timeout`` passed with nothing pending (or :meth:`kick` was called); None once
        closed."""
        with self._cond:
            idle_deadline = self._clock() + idle_timeout
            while True:
                if self._closed:
                    return None
                now = self._clock()
                if self._kick:
                    self._kick = False
                    if not (self._files or self._dirs):
                        return Pending()
                if not (self._files or self._dirs):
                    if now >= idle_deadline:
                        return Pending()
                    self._cond.wait(idle_deadline - now)
                    continue
                due = min(self._last + self.window_s, self._first + self.max_wait_s)
                if now >= due:
                    batch = Pending(tuple(self._files), tuple(self._dirs))
                    self._files = {}
                    self._dirs = {}
                    return batch
                self._cond.wait(due - now)
