"""End to end: the installed ``elixir-pro`` console script on a copy of the example project in a
real terminal (a private tmux server, 120x40), waiting for the main screen, switching panes with
keys (the screen changes), and quitting cleanly (the process is gone, exit status 0)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "elixir-pro"


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app").stdout

    def alive(self) -> bool:
        return self.run("has-session", "-t", "app").returncode == 0

    def wait(self, condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()}")
            time.sleep(0.1)  # polling the terminal: the app runs in another process

    def wait_for_text(self, *texts: str, timeout: float = 30.0) -> str:
        self.wait(lambda: all(t in self.screen() for t in texts), repr(texts), timeout)
        return self.screen()


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(f"elixir-pro-e2e-{os.getpid()}-{tmp_path.name}")
    yield server
    server.run("kill-server")


def test_console_script_opens_switches_panes_and_quits(courier: Path, tmux: Tmux) -> None:
    assert SCRIPT.is_file()
    rc_file = courier.parent / "exit-status"
    command = f"{shlex.quote(str(SCRIPT))} {shlex.quote(str(courier))}; echo $? > {rc_file}"
    env = {
        key: os.environ[key]
        for key in ("ELIXIR_PRO_CONFIG_DIR", "ELIXIR_PRO_STATE_DIR", "HOME", "PATH")
        if key in os.environ
    }
    env["TERM"] = "xterm-256color"
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    # default-size first: otherwise the pane may start at 80x24 and grow after the app started
    started = tmux.run(
        "start-server",
        ";",
        "set",
        "-g",
        "default-size",
        "120x40",
        ";",
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        "120",
        "-y",
        "40",
        *env_args,
        "sh",
        "-c",
        command,
    )
    assert started.returncode == 0, started.stderr

    first = tmux.wait_for_text("generative: Design and write Elixir", "offline engine")
    assert "2 critical" in first and "f1 help" in first

    tmux.run("send-keys", "-t", "app", "C-n")
    second = tmux.wait_for_text("critical: Review code for OTP correctness", "offline engine")
    assert "generative: Design" not in second

    tmux.run("send-keys", "-t", "app", "Escape")
    tmux.wait_for_text("KEYS offline engine")  # the prompt let go of the focus
    tmux.run("send-keys", "-t", "app", "4")
    fourth = tmux.wait_for_text("informative: Explain Elixir idioms", "offline engine")
    assert fourth != second

    tmux.run("send-keys", "-t", "app", "C-q")
    tmux.wait(lambda: not tmux.alive(), "the app to exit")
    assert rc_file.read_text().strip() == "0"
