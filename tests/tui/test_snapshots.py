"""Snapshot tests (pytest-textual-snapshot) of every screen and modal of the TUI, at 80x24 and
160x48, in the default theme. Regenerate with ``pytest tests/tui/test_snapshots.py
--snapshot-update``; the same run writes the documented ones to docs/screenshots/, and without
the flag a test fails when docs/screenshots/ no longer matches the app, so they cannot drift.

Each scenario also asserts that the screen on top shows every key of its key bar (on at most
two lines that fit the width), so the essential keys are on screen at 80x24.

Everything on screen is deterministic: no clock, a fixed session list and "now", a fixed
working directory in the Bash modal, and the example project copied to a temp dir whose path
is never shown.
"""

from __future__ import annotations

import pickle
from collections.abc import Awaitable, Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import SystemModalScreen
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.conversation.store_model import SessionInfo
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.tools.approval import BashRequest
from elixir_pro.tools.sandbox import SandboxStatus
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.apply_anyway import ApplyAnywayScreen
from elixir_pro.tui.screens.bash_approval import BashApprovalScreen
from elixir_pro.tui.screens.code_view import CodeViewScreen
from elixir_pro.tui.screens.confirm import ConfirmScreen
from elixir_pro.tui.screens.error import ErrorScreen
from elixir_pro.tui.screens.human_gate import HumanGateScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.screens.sessions import SessionsScreen
from elixir_pro.tui.widgets.key_bar import KeyBar
from elixir_pro.tui.widgets.prompt_input import PromptInput

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DOCUMENTED = ("main", "answer", "findings", "supervision", "help", "bash_approval", "human_gate")
NOW = 1_800_000_000.0

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


def _main(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def _ready(pilot: Pilot[Any]) -> None:
    await settle(pilot, pilot.app)


async def _answer(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await settle(pilot, app)
    screen = _main(app)  # type: ignore[arg-type]
    await pilot.press("ctrl+n")
    prompt = screen.query_one(PromptInput)
    prompt.text = "review lib/courier/metrics.ex"
    await pilot.press("enter")
    pane = screen.pane(CognitiveMode.CRITICAL)
    await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished, timeout=30)
    await settle(pilot, app)
    pane.scroll_end(animate=False, immediate=True)
    await settle(pilot, app)


def _panel(key: str, ready: Callable[[MainScreen], bool]) -> RunBefore:
    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await settle(pilot, app)
        screen = _main(app)  # type: ignore[arg-type]
        await wait_until(pilot, lambda: ready(screen), timeout=30)
        await pilot.press(key)
        await wait_until(pilot, lambda: _panel_shown(screen))
        await settle(pilot, app)
        focused = screen.focused
        if focused is not None:  # the same scroll position however late the layout came
            focused.scroll_home(animate=False, immediate=True)
        await settle(pilot, app)

    return run


def _panel_shown(screen: MainScreen) -> bool:
    """The panel's list is filled and has the focus."""
    focused = screen.focused
    if focused is None or focused.id not in ("findings-list", "supervision-tree"):
        return False
    count = getattr(focused, "entry_count", None)
    if count is not None:
        return bool(count)
    root = getattr(focused, "root", None)
    return bool(root is not None and root.children)


def _findings_ready(screen: MainScreen) -> bool:
    return screen.findings_panel.state == "ready"


def _supervision_ready(screen: MainScreen) -> bool:
    return screen.supervision_panel.smap is not None


def _push(make: Callable[[ElixirProApp], Any]) -> RunBefore:
    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await settle(pilot, app)
        app.push_screen(make(app))  # type: ignore[arg-type]
        await settle(pilot, app)

    return run


def _keys(*keys: str) -> RunBefore:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot, pilot.app)
        await pilot.press(*keys)
        await settle(pilot, pilot.app)

    return run


async def _palette(pilot: Pilot[Any]) -> None:
    """The palette filtered to this app's panel commands (a stable, single-provider list)."""
    from textual.command import CommandList

    await settle(pilot, pilot.app)
    await pilot.press("ctrl+p", *"toggle the")

    def listed() -> int:
        found = pilot.app.screen.query(CommandList)
        return found.first().option_count if found else 0

    await wait_until(pilot, lambda: listed() >= 3)
    await settle(pilot, pilot.app)


async def _context(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await settle(pilot, app)
    screen = _main(app)  # type: ignore[arg-type]
    screen.add_context(["mix.exs", "lib/courier/dispatch.ex"])
    await pilot.press("f4")
    await settle(pilot, app)


def _sessions(app: ElixirProApp) -> SessionsScreen:
    infos = [
        SessionInfo(
            "a1",
            "courier",
            NOW - 7200,
            NOW - 300,
            "supervise the trackers",
            "elixir-pro",
            ("generative", "critical"),
            14,
        ),
        SessionInfo(
            "b2", "courier", NOW - 90000, NOW - 86400, "review lib/", "elixir-pro", ("critical",), 6
        ),
        SessionInfo(
            "c3",
            "courier",
            NOW - 200000,
            NOW - 190000,
            "GenServer or Agent?",
            "elixir-pro",
            ("critical", "evaluative", "generative"),
            31,
        ),
    ]
    return SessionsScreen(infos, now=NOW, current="a1", tz=UTC)


def _code_view(app: ElixirProApp) -> CodeViewScreen:
    finding = Finding(
        "unsafe-atom-creation",
        Severity.CRITICAL,
        "lib/courier/dispatch.ex",
        79,
        14,
        79,
        47,
        "String.to_atom/1 on runtime input: atoms are never garbage-collected",
    )
    return CodeViewScreen(app.root, finding.path, finding)


SCENARIOS: dict[str, tuple[dict[str, bool], RunBefore]] = {
    "main": ({"analyze": False}, _ready),
    "answer": ({"analyze": False}, _answer),
    "findings": ({"analyze": True}, _panel("f2", _findings_ready)),
    "supervision": ({"analyze": True}, _panel("f3", _supervision_ready)),
    "context": ({"analyze": False}, _context),
    "help": ({"analyze": False}, _keys("f1")),
    "bash_approval": (
        {"analyze": False},
        _push(
            lambda app: BashApprovalScreen(
                BashRequest(
                    "mix test --stale 2>&1 | tail -n 20",
                    Path("/home/dev/courier"),
                    "run the stale tests",
                    sandbox=SandboxStatus(True).describe(writable=False, network=False),
                )
            )
        ),
    ),
    "human_gate": (
        {"analyze": False},
        _push(
            lambda app: HumanGateScreen(
                (
                    "generative pane: confidence low (0.30) is below the threshold 0.6",
                    "generative pane: Human Gate Required: yes: choose consistency or availability",
                    "critical pane (auditor): trigger: Distributed system design requiring "
                    "partition tolerance decisions",
                )
            )
        ),
    ),
    "error": (
        {"analyze": False},
        _push(
            lambda app: ErrorScreen(
                "Theme error", "themes/bad.yaml: primary: not a colour: 'purplish'"
            )
        ),
    ),
    "code_view": ({"analyze": False}, _push(_code_view)),
    "sessions": ({"analyze": False}, _push(_sessions)),
    "palette": ({"analyze": False}, _palette),
    "keys_mode": ({"analyze": False}, _keys("escape")),  # the prompt let go: letter keys
    "tasks": ({"analyze": False}, _keys("f8")),
    "openspec": ({"analyze": False}, _keys("f9")),
    "confirm": (
        {"analyze": False},
        _push(
            lambda app: ConfirmScreen(
                "Discard the staged changes?",
                "2 files: lib/courier/metrics.ex (+5 -0), lib/courier/reporting/supervisor.ex "
                "(+2 -1). Nothing is written; the changes are forgotten.",
            )
        ),
    ),
    "apply_anyway": (
        {"analyze": False},
        _push(
            lambda app: ApplyAnywayScreen(
                [
                    "lib/courier/metrics.ex:12: undefined function count/0",
                    "lib/courier/reporting/supervisor.ex:30: syntax error before: end",
                ]
            )
        ),
    ),
}


def _essential_keys_shown(app: Any) -> None:
    """The screen on top shows every key of its key bar (on at most two lines that fit)."""
    screen = app.screen
    if isinstance(screen, SystemModalScreen):  # Textual's command palette: its own UI
        return
    (bar,) = screen.query(KeyBar)
    lines = str(bar.render()).splitlines()
    assert 1 <= len(lines) <= KeyBar.MAX_LINES, lines
    assert all(len(line) <= bar.content_region.width for line in lines), lines
    shown = " ".join(lines)
    missing = [i for i in bar.items() if f"{i.display} {i.label}" not in shown]
    assert not missing or "f1 all keys" in shown, (missing, lines)


def _steady(run_before: RunBefore) -> RunBefore:
    """Run the scenario, then stop every cursor from blinking so the picture is stable."""

    async def run(pilot: Pilot[Any]) -> None:
        await run_before(pilot)
        for screen in pilot.app.screen_stack:
            for widget in screen.query("*"):
                if hasattr(widget, "cursor_blink"):
                    widget.cursor_blink = False
        await settle(pilot, pilot.app)
        _essential_keys_shown(pilot.app)

    return run


def _sync_docs(request: pytest.FixtureRequest, name: str) -> None:
    """docs/screenshots/NAME.svg is this run's screenshot: written with --snapshot-update,
    compared otherwise (so the documented pictures cannot drift from the app)."""
    from pytest_textual_snapshot import node_to_report_path, normalize_svg

    data = pickle.loads(node_to_report_path(request.node).read_bytes())
    actual = normalize_svg(data[2])
    target = DOCS / f"{name}.svg"
    if request.config.getoption("--snapshot-update", default=False):
        DOCS.mkdir(parents=True, exist_ok=True)
        target.write_text(actual, encoding="utf-8")
    else:
        assert target.is_file(), f"missing {target} (run with --snapshot-update)"
        assert target.read_text(encoding="utf-8") == actual, f"{target.name} is out of date"


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_screen(
    scenario: str, size: str, courier: Path, snap_compare: Any, request: pytest.FixtureRequest
) -> None:
    options, run_before = SCENARIOS[scenario]
    app = ElixirProApp(courier, offline=True, watch=False, analyze=options["analyze"])
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_steady(run_before))
    if scenario in DOCUMENTED:
        _sync_docs(request, f"{scenario}-{size}")
