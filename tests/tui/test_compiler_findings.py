"""Compiler diagnostics in the TUI, with the real ``mix``: a save that adds an unused variable
shows the compiler's warning in the findings panel (marked new, announced, from the compiler),
and the warm compiler is gone after the app quits and after the app is killed with SIGKILL."""

from __future__ import annotations

import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from compiled_courier import add_unused_variable, courier_copy, wait_gone
from fakeclaude.server import FakeClaude, text_reply
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.project import ProjectService
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.findings_panel import finding_key
from elixir_pro.tui.widgets.status_bar import StatusBar

pytestmark = pytest.mark.mix
TIMEOUT_S = 60.0


@pytest.fixture
def compiled(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    root: Path = courier_copy(tmp_path_factory, tmp_path / "courier")
    return root


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def service_of(screen: MainScreen) -> ProjectService | None:
    watcher = screen.watcher
    analyzer = watcher.analyzer if watcher is not None else None
    return analyzer if isinstance(analyzer, ProjectService) else None


async def test_a_saved_unused_variable_shows_the_compiler_warning(compiled: Path) -> None:
    app = ElixirProApp(compiled, offline=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        panel = screen.findings_panel
        await wait_until(pilot, lambda: panel.state == "ready", timeout=TIMEOUT_S)
        await wait_until(pilot, lambda: screen.query_one(StatusBar).watcher == "on")

        def compiled_once() -> bool:
            service = service_of(screen)
            return service is not None and service.last_compile is not None

        await wait_until(pilot, compiled_once, timeout=TIMEOUT_S)
        service = service_of(screen)
        assert service is not None
        beam = service.compiler.companion.pid
        assert beam is not None
        rel, line = add_unused_variable(compiled)

        def warned() -> list[object]:
            return [f for f in panel.findings if f.source == "compiler"]

        await wait_until(pilot, lambda: bool(warned()), timeout=TIMEOUT_S)
        (warning,) = [f for f in panel.findings if f.source == "compiler"]
        assert (warning.rule, warning.path, warning.line) == ("compiler:warning", rel, line)
        assert finding_key(warning) in panel.new_keys
        assert any(f.source == "engine" for f in panel.findings)  # both, side by side

        def announced() -> bool:
            return any(
                f"{rel}:{line}" in n.message and "compiler:warning" in n.message
                for n in app._notifications
            )

        await wait_until(pilot, announced)
        assert service.compiler.companion.pid == beam  # the same warm BEAM, no new one
    assert wait_gone(beam, 10.0), "the companion outlived the app"


async def test_review_my_last_change_tells_claude_what_the_compiler_says(
    compiled: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(text_reply("Remove the unused variable.\n\n**Confidence**: high"))
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "initial"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
            cwd=compiled,
            check=True,
            capture_output=True,
        )
    app = ElixirProApp(compiled)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: any(isinstance(s, MainScreen) for s in app.screen_stack))
        screen = main_screen(app)
        panel = screen.findings_panel
        await wait_until(pilot, lambda: panel.state == "ready", timeout=TIMEOUT_S)
        await wait_until(pilot, lambda: screen.query_one(StatusBar).watcher == "on")
        rel, line = add_unused_variable(compiled)
        await wait_until(
            pilot,
            lambda: any(f.source == "compiler" for f in panel.findings),
            timeout=TIMEOUT_S,
        )
        await pilot.press("ctrl+r")
        pane = screen.pane(CognitiveMode.CRITICAL)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished, timeout=30)
        await settle(pilot, app)
    sent = str(claude_env.message_requests()[-1].body["messages"])
    assert "What `mix compile` reports for these files now" in sent
    assert f"- {rel}:{line}: warning: variable" in sent and "unused_here" in sent


APP = """
import asyncio, sys
from pathlib import Path
from elixir_pro.project import ProjectService
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.main import MainScreen

async def main() -> None:
    app = ElixirProApp(Path(sys.argv[1]), offline=True)
    async with app.run_test(size=(100, 30)) as pilot:
        while True:
            screens = [s for s in app.screen_stack if isinstance(s, MainScreen)]
            watcher = screens[0].watcher if screens else None
            service = watcher.analyzer if watcher is not None else None
            if isinstance(service, ProjectService) and service.last_compile is not None:
                print(service.compiler.companion.pid, flush=True)
                break
            await pilot.pause(0.05)
        await asyncio.Event().wait()

asyncio.run(main())
"""


def test_the_companion_goes_when_the_app_is_killed(compiled: Path) -> None:
    app = subprocess.Popen(
        [sys.executable, "-c", APP, str(compiled)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert app.stdout is not None
        ready, _, _ = select.select([app.stdout], [], [], TIMEOUT_S)
        assert ready, "the app never started its compiler"
        beam = int(app.stdout.readline())
        assert Path(f"/proc/{beam}").exists()
        app.send_signal(signal.SIGKILL)
        app.wait(TIMEOUT_S)
        assert wait_gone(beam, 10.0), "the companion outlived the killed app"
    finally:
        app.kill()
        app.wait()
