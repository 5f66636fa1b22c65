"""End to end, a working day in a real terminal: the installed ``elixir-pro`` console script on
a git copy of the example project (a private tmux server, 120x40, the offline engine: no API
key). Ask for the safe fixes of a file mentioned with ``@`` (it joins the context), get a staged
change (the review opens by itself), apply it, read the verification from the real ``mix``,
close the result, undo the apply from the main screen (the file is byte for byte as before),
quit; then ``--resume`` and find the same pane and context file again.

Every wait polls the terminal's content with a timeout (the app runs in another process)."""

from __future__ import annotations

import os
import shlex
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_e2e_tmux import Tmux

SCRIPT = Path(sys.executable).parent / "elixir-pro"
TARGET = "lib/courier/metrics.ex"


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(f"elixir-pro-day-{os.getpid()}-{tmp_path.name}")
    yield server
    server.run("kill-server")


def start(term: Tmux, courier: Path, *args: str) -> Path:
    """Run the console script in a fresh tmux session; returns the file its exit status goes to."""
    rc_file = courier.parent / f"exit-status{len(args)}"
    command = " ".join(shlex.quote(part) for part in (str(SCRIPT), *args, str(courier)))
    env = {
        key: os.environ[key]
        for key in ("ELIXIR_PRO_CONFIG_DIR", "ELIXIR_PRO_STATE_DIR", "HOME", "PATH")
        if key in os.environ
    }
    env["TERM"] = "xterm-256color"
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    started = term.run(
        *("start-server", ";", "set", "-g", "default-size", "120x40", ";"),
        *("new-session", "-d", "-s", "app", "-x", "120", "-y", "40", *env_args),
        *("sh", "-c", f"{command}; echo $? > {rc_file}"),
    )
    assert started.returncode == 0, started.stderr
    return rc_file


def keys(term: Tmux, *names: str) -> None:
    term.run("send-keys", "-t", "app", *names)


def typed(term: Tmux, text: str) -> None:
    term.run("send-keys", "-t", "app", "-l", text)


def quit_app(term: Tmux, rc_file: Path) -> None:
    keys(term, "C-q")
    term.wait(lambda: not term.alive(), "the app to exit")
    assert rc_file.read_text().strip() == "0"


def test_a_working_day_ask_apply_verify_undo_quit_resume(courier: Path, term: Tmux) -> None:
    began = time.monotonic()
    original = (courier / TARGET).read_bytes()
    rc_file = start(term, courier)
    term.wait_for_text("generative: Design and write Elixir", "offline engine", timeout=60)

    # ask: the mention puts the file in the context; the engine stages its safe fixes
    typed(term, f"fix @{TARGET}")
    keys(term, "Enter")
    review = term.wait_for_text("Review: ", "metrics.ex", timeout=60)  # opened by itself
    assert "undecided" in review

    # review and apply; the verification runs the real mix and shows every step
    keys(term, "A")
    term.wait_for_text("1 accepted", timeout=10)
    keys(term, "Enter")
    done = term.wait_for_text("Verification passed", timeout=180)
    assert "Applied: 1 file(s) written" in done and f"modified {TARGET}" in done
    assert "mix compile" in done
    applied = (courier / TARGET).read_bytes()
    assert applied != original

    # close the result; undo from the main screen (out of the prompt: u, then y to confirm)
    keys(term, "Escape")
    term.wait_for_text("Ask…", "0 pending", timeout=10)  # the main screen again
    keys(term, "Escape")
    term.wait_for_text("KEYS", timeout=10)
    keys(term, "u")
    asked = term.wait_for_text("Undo the last apply", timeout=10)
    assert f"{TARGET}: restored" in asked
    keys(term, "y")
    term.wait(lambda: (courier / TARGET).read_bytes() == original, "the undo", timeout=10)
    term.wait_for_text("Undid apply", timeout=10)
    quit_app(term, rc_file)

    # resume: the same pane with its turn (its staged change marked undone), the same context
    rc_file = start(term, courier, "--resume")
    term.wait_for_text(f"staged modify {TARGET} (+", "): undone", "1 generative", timeout=60)
    keys(term, "Escape")  # out of the prompt: the pane scrolls with page up
    term.wait_for_text("KEYS", timeout=10)

    def prompt_shown() -> bool:
        if f"› fix @{TARGET}" in term.screen():
            return True
        keys(term, "PPage")
        return False

    term.wait(prompt_shown, "the resumed turn's prompt", timeout=20)
    top = term.screen()
    assert "offline engine" in top
    keys(term, "F4")
    panel = term.wait_for_text("Context", timeout=10)
    assert TARGET in panel.split("Context", 1)[1], panel
    quit_app(term, rc_file)
    assert (courier / TARGET).read_bytes() == original
    print(f"working day: {time.monotonic() - began:.1f} s")
