"""Watcher events as text lines and as JSON objects, for the headless ``elixir-pro watch``
(one JSON object per line with ``--json``). No I/O here: the command prints what these return.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from elixir_pro.engine.findings import Finding
from elixir_pro.engine.report import finding_json as report_finding_json
from elixir_pro.events import FindingsUpdated, Notice
from elixir_pro.watch.model import (
    Baseline,
    Compiled,
    FileBatch,
    WatchEvent,
    WatchState,
    WatchStateChanged,
)

_LIST_LIMIT = 8


def finding_json(finding: Finding) -> dict[str, Any]:
    """The audit command's JSON for a finding, plus where it came from."""
    return {**report_finding_json(finding), "source": finding.source}


def event_json(event: WatchEvent) -> dict[str, Any] | None:
    """One JSON-ready object for an event (None for events the stream does not show)."""
    if isinstance(event, FileBatch):
        return {"event": "batch", "paths": list(event.paths), "deleted": list(event.deleted)}
    if isinstance(event, FindingsUpdated):
        return {
            "event": "findings",
            "paths": list(event.paths),
            "findings": [finding_json(f) for f in event.findings],
            "new": [finding_json(f) for f in event.new],
            "resolved": [finding_json(f) for f in event.resolved],
        }
    if isinstance(event, Notice):
        return {"event": "notice", "level": event.level, "message": event.message}
    if isinstance(event, Baseline):
        return {
            "event": "baseline",
            "files": event.files,
            "analyzed": event.analyzed,
            "findings": [finding_json(f) for f in event.findings],
        }
    if isinstance(event, WatchStateChanged):
        if event.state is WatchState.STARTING:
            return None
        return {"event": "state", "state": event.state.value, "reason": event.reason}
    if isinstance(event, Compiled):
        return {
            "event": "compiled",
            "status": event.status,
            "errors": event.errors,
            "warnings": event.warnings,
            "duration_ms": event.duration_ms,
            "message": event.message,
        }
    return None


def _listing(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:_LIST_LIMIT])
    extra = len(paths) - _LIST_LIMIT
    return f"{shown} and {extra} more" if extra > 0 else shown


def _finding_line(mark: str, finding: Finding) -> str:
    level = f"{finding.severity.value} ({finding.confidence.value} confidence)"
    return f"{mark} {finding.location} {level} {finding.rule}: {finding.message}"


def event_lines(event: WatchEvent) -> list[str]:
    """Human-readable lines for an event (possibly none)."""
    if isinstance(event, FileBatch):
        parts = []
        if event.paths:
            parts.append(f"changed: {_listing(event.paths)}")
        if event.deleted:
            parts.append(f"deleted: {_listing(event.deleted)}")
        return ["; ".join(parts)]
    if isinstance(event, FindingsUpdated):
        lines = [_finding_line("+", f) for f in sorted(event.new, key=Finding.sort_key)]
        lines += [_finding_line("-", f) + " (resolved)" for f in event.resolved]
        if not lines:
            count = len(event.findings)
            lines.append(f"  {count} finding{'s' * (count != 1)} in the changed files, none new")
        return lines
    if isinstance(event, Notice):
        return [f"{event.level}: {event.message}"]
    if isinstance(event, Baseline):
        if not event.analyzed:
            return []
        count = len(event.findings)
        return [f"baseline: {count} finding{'s' * (count != 1)} already present"]
    if isinstance(event, WatchStateChanged) and event.state is WatchState.POLLING:
        return [f"polling for changes ({event.reason})"]
    return []
