"""The loop behind ``elixir-pro watch``: start a :class:`WatchService` with the agent's triggers,
the project config and the engine, print its events, stop cleanly on SIGINT or SIGTERM (exit 0,
no traceback) or when the project folder vanishes.
"""

from __future__ import annotations

import json
import queue
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from elixir_pro.events import Notice
from elixir_pro.watch.factory import create_watch_service
from elixir_pro.watch.model import WatchEvent, WatchState, WatchStateChanged
from elixir_pro.watch.render import event_json, event_lines
from elixir_pro.watch.service import WatchService

_POLL_S = 0.2

Emit = Callable[[WatchEvent], None]


def watch_headless(
    root: Path,
    *,
    as_json: bool = False,
    agent: str | None = None,
    debounce_ms: int | None = None,
    force_polling: bool = False,
    analyze: bool = True,
    compile: bool | None = None,
    out: TextIO | None = None,
) -> int:
    """Run until a signal (or the root vanishing); return the exit status."""
    stream = out if out is not None else sys.stdout
    service = create_watch_service(
        root,
        agent=agent,
        debounce_ms=debounce_ms,
        force_polling=force_polling,
        analyze=analyze,
        compile=compile,
    )

    def emit(event: WatchEvent) -> None:
        if as_json:
            data = event_json(event)
            if data is not None:
                stream.write(json.dumps(data) + "\n")
        else:
            for line in event_lines(event):
                stream.write(line + "\n")
        stream.flush()

    stop = threading.Event()
    previous = _install_signals(stop)
    try:
        service.start()
        mode = "polling" if service.state is WatchState.POLLING else "notifications"
        if as_json:
            emit_first = {
                "event": "watching",
                "root": str(service.root),
                "files": service.file_count,
                "mode": mode,
                "debounce_ms": round(service.debounce_s * 1000),
                "triggers": list(service.triggers.patterns),
            }
            stream.write(json.dumps(emit_first) + "\n")
            stream.flush()
        else:
            count = service.file_count
            stream.write(
                f"watching {service.root}: {count} file{'s' * (count != 1)} match the triggers "
                f"({mode}, debounce {round(service.debounce_s * 1000)} ms); Ctrl-C to stop\n"
            )
            stream.flush()
        status = _pump(service, emit, stop)
    finally:
        service.stop()
        _restore_signals(previous)
    _drain(service, emit)
    return status


def _pump(service: WatchService, emit: Emit, stop: threading.Event) -> int:
    while not stop.is_set():
        try:
            event = service.events.get(timeout=_POLL_S)
        except queue.Empty:
            continue
        emit(event)
        if isinstance(event, WatchStateChanged) and event.state is WatchState.STOPPED:
            return 0
        if isinstance(event, WatchStateChanged) and event.state is WatchState.ERROR:
            return 1
    return 0


def _drain(service: WatchService, emit: Emit) -> None:
    while True:
        try:
            event = service.events.get_nowait()
        except queue.Empty:
            return
        if isinstance(event, Notice):
            emit(event)


def _install_signals(stop: threading.Event) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, handler)
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    for signum, old in previous.items():
        signal.signal(signum, old)
