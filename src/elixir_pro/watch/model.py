"""The watcher's own events and states, delivered by :class:`~elixir_pro.watch.service.WatchService`
next to the core :class:`~elixir_pro.events.FindingsUpdated` and :class:`~elixir_pro.events.Notice`.

Frozen dataclasses, no Textual: the TUI bridge turns them into messages, ``elixir-pro watch``
prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from elixir_pro.engine.findings import Finding
from elixir_pro.events import FindingsUpdated, Notice


class WatchState(StrEnum):
    STARTING = "starting"
    WATCHING = "watching"  # native notifications (inotify, FSEvents, ...)
    POLLING = "polling"  # the fallback: periodic scans
    STOPPED = "stopped"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class FileBatch:
    """One debounced, coalesced set of real changes: relative posix paths whose content
    changed (or which appeared) and those that were deleted."""

    paths: tuple[str, ...]
    deleted: tuple[str, ...] = ()

    @property
    def all_paths(self) -> tuple[str, ...]:
        return self.paths + self.deleted


@dataclass(frozen=True, slots=True)
class WatchStateChanged:
    state: WatchState
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Baseline:
    """The starting point, once per start: how many files are watched and the findings
    already present (empty when no analyzer runs)."""

    files: int
    findings: tuple[Finding, ...] = ()
    analyzed: bool = False


@dataclass(frozen=True, slots=True)
class Compiled:
    """The warm compiler ran (after the baseline and after each batch): how it went. Its
    findings, when they changed, came in a ``FindingsUpdated`` just before."""

    status: str  # ok | noop | error | failed
    errors: int = 0
    warnings: int = 0
    duration_ms: int = 0
    message: str = ""


WatchEvent = FileBatch | FindingsUpdated | Notice | WatchStateChanged | Baseline | Compiled
