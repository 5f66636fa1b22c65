"""What stops or warns at start: a bad settings file stops the real ``elixir-pro`` command before
the TUI opens (one line on stderr, exit status 2), and a folder without mix.exs opens with a
notice saying what the tool needs instead of reading like a clean project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_support import settle, wait_until

from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.status_bar import StatusBar

COMMAND = Path(sys.executable).with_name("elixir-pro")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            "watch:\n  debounce_ms: soon\n",
            ".elixir-pro.yaml:2: watch.debounce_ms: expected a number",
        ),
        ("bogus: 1\n", ".elixir-pro.yaml:1: bogus: unknown section"),
        ("watch: [unclosed\n", ".elixir-pro.yaml:2: invalid YAML"),
    ],
)
def test_bad_settings_stop_the_tui_with_one_line(
    courier: Path, tmp_path: Path, settings: str, expected: str
) -> None:
    (courier / ".elixir-pro.yaml").write_text(settings, encoding="utf-8")
    env = {**os.environ, "ELIXIR_PRO_CONFIG_DIR": str(tmp_path / "config"), "TERM": "xterm"}
    result = subprocess.run(
        [str(COMMAND), str(courier), "--offline"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("elixir-pro: ") and expected in lines[0]


async def test_a_folder_without_mix_exs_says_what_the_tool_needs(tmp_path: Path) -> None:
    empty = tmp_path / "notes"
    empty.mkdir()
    app = ElixirProApp(empty, offline=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await wait_until(pilot, lambda: bool(screen.query("#project-notice")))
        notice = str(screen.query_one("#project-notice", Static).render())
        assert "No mix.exs" in notice and "Mix project" in notice
        assert screen.findings_panel.state == "no mix.exs here"
        assert screen.query_one(StatusBar).watcher == "off"
        assert screen.watcher is None
