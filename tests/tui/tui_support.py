"""Helpers for the TUI tests: wait on the app's state and workers, never fixed sleeps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot


async def settle(pilot: Pilot[Any], app: App[Any]) -> None:
    """Let queued messages and the app's workers finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], *, timeout: float = 10.0
) -> None:
    """Process the app's messages until ``condition()`` holds (TimeoutError after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await pilot.pause(0.02)
