"""Snapshots of the review screen after the check before apply found a compile error at a hunk
(the greeter fixture project, the real ``mix``), at 160x48, and of the question asked before
applying it, at 80x24. The first is also the documented picture
docs/screenshots/review_compile_error-160x48.svg (written with ``--snapshot-update``, compared
otherwise, so docs/review.md cannot drift from the app)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from precheck_support import BROKEN_CALL, GREETER_EX, HARMLESS, greeter_copy, stage
from test_review_support import Host
from test_snapshots import _sync_docs
from textual.pilot import Pilot
from tui_support import settle, wait_until

from elixir_pro.tui.screens.apply_anyway import ApplyAnywayScreen
from elixir_pro.tui.screens.review import ReviewScreen


async def _checked(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await wait_until(
        pilot, lambda: screen.precheck is not None and not screen.precheck_running, timeout=60
    )
    await pilot.press("j")  # the hunk with the error is the current one
    await settle(pilot, pilot.app)


def test_review_160x48_compile_error(
    snap_compare: Any,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    root = greeter_copy(tmp_path_factory, tmp_path)
    changeset = stage(root, {GREETER_EX: [HARMLESS, BROKEN_CALL]}, changeset_id="c0ffee")
    app = Host(changeset)
    assert snap_compare(app, terminal_size=(160, 48), run_before=_checked)
    _sync_docs(request, "review_compile_error-160x48")


async def _asked(pilot: Pilot[Any]) -> None:
    await _checked(pilot)
    await pilot.press("A", "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ApplyAnywayScreen))
    await settle(pilot, pilot.app)


def test_apply_anyway_80x24(
    snap_compare: Any, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """The question before applying a change that does not compile (default: do not apply)."""
    root = greeter_copy(tmp_path_factory, tmp_path)
    changeset = stage(root, {GREETER_EX: [HARMLESS, BROKEN_CALL]}, changeset_id="c0ffee")
    assert snap_compare(Host(changeset), terminal_size=(80, 24), run_before=_asked)
