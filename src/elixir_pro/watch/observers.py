"""Starting a watchdog observer on the project root: native notifications first, polling as
the fallback when the OS refuses (inotify watch or instance limit, an unsupported file system)
or when asked to.

The polling observer lists folders through a filter so ignored trees (``_build``, ``deps``,
``.git``, ...) are never scanned. Used by :mod:`elixir_pro.watch.service`.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]
"""Only what can change a file's content or existence (no opens, no attribute changes)."""

ObserverFactory = Callable[[], BaseObserver]


def native_observer() -> BaseObserver:
    """The platform's native observer (inotify on Linux)."""
    # watchdog warns (on stderr, over the TUI) when a folder created inside a folder it is
    # still adding a watch for gets its watch twice; the second simply replaces the first
    warnings.filterwarnings(
        "ignore",
        message="Callback with id .* already exists",
        category=RuntimeWarning,
        module=r"watchdog\.observers\.inotify",
    )
    return Observer()


def describe_os_error(exc: OSError) -> str:
    """A short reason for a failed native watch, naming the limit when one was hit."""
    if exc.errno == errno.ENOSPC:
        return "the OS limit on watched folders was reached (inotify max_user_watches)"
    if exc.errno == errno.EMFILE:
        return "the OS limit on watchers was reached (inotify max_user_instances)"
    return exc.strerror or str(exc)


def start_native(
    root: Path, handler: FileSystemEventHandler, factory: ObserverFactory
) -> BaseObserver:
    """Schedule and start a native observer; raises OSError when the OS refuses."""
    observer = factory()
    try:
        observer.schedule(handler, str(root), recursive=True, event_filter=EVENT_FILTER)
        observer.start()
    except BaseException:
        _discard(observer)
        raise
    return observer


def start_polling(
    root: Path,
    handler: FileSystemEventHandler,
    interval_s: float,
    pruned: Callable[[str], bool],
) -> BaseObserver:
    """Schedule and start a polling observer that skips folders for which ``pruned(rel)``
    is true (``rel`` relative to ``root``, posix form)."""
    root_text = str(root)
    prefix = root_text.rstrip(os.sep) + os.sep

    def listdir(path: str | None) -> Iterator[os.DirEntry[str]]:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.path.startswith(prefix):
                    rel = entry.path[len(prefix) :].replace(os.sep, "/")
                    if pruned(rel):
                        continue
                yield entry

    observer = PollingObserverVFS(os.stat, listdir, polling_interval=interval_s)
    try:
        observer.schedule(handler, root_text, recursive=True, event_filter=EVENT_FILTER)
        observer.start()
    except BaseException:
        _discard(observer)
        raise
    return observer


class _OverflowListener(logging.Handler):
    """Hears watchdog's "Inotify queue overflowed; filesystem events were lost" warning (its
    only signal of lost events) and calls the subscribed callbacks."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.callbacks: dict[int, Callable[[], None]] = {}
        self.guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" not in record.getMessage().lower():
            return
        with self.guard:
            callbacks = list(self.callbacks.values())
        for callback in callbacks:
            callback()


_OVERFLOW = _OverflowListener()
_OVERFLOW_LOGGER = "watchdog.observers.inotify_c"


class _ShutdownRaceFilter(logging.Filter):
    """Drops watchdog's "queue_events() called when the thread is inactive" error: an event
    read while the observer is being stopped, which it then ignores. Logged at error level, it
    would print a line on a clean exit (``elixir-pro watch`` and Ctrl-C) for nothing lost."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


_INOTIFY_LOGGER = "watchdog.observers.inotify"
_SHUTDOWN_RACE = _ShutdownRaceFilter()
logging.getLogger(_INOTIFY_LOGGER).addFilter(_SHUTDOWN_RACE)


def on_events_lost(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` (on watchdog's reader thread) whenever the kernel's event queue
    overflowed; returns the function that unsubscribes."""
    key = id(callback)
    with _OVERFLOW.guard:
        _OVERFLOW.callbacks[key] = callback
        logger = logging.getLogger(_OVERFLOW_LOGGER)
        if _OVERFLOW not in logger.handlers:
            logger.addHandler(_OVERFLOW)

    def unsubscribe() -> None:
        with _OVERFLOW.guard:
            _OVERFLOW.callbacks.pop(key, None)

    return unsubscribe


def emitters_alive(observer: BaseObserver) -> bool:
    """False when the observer or one of its emitter threads has died."""
    if not observer.is_alive():
        return False
    return all(emitter.is_alive() for emitter in observer.emitters)


def stop_observer(observer: BaseObserver, timeout_s: float = 5.0) -> None:
    _discard(observer, timeout_s)


def _discard(observer: BaseObserver, timeout_s: float = 5.0) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout_s)
    except (OSError, RuntimeError):
        pass
