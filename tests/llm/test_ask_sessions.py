"""Headless conversations end to end: ``elixir-pro ask --continue`` / ``--session ID`` and
``elixir-pro sessions``, the real console script in a subprocess against the fake Messages
server, on a copy of the bundled courier example. What a continued turn carries is read from
the request the server received."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fakeclaude.server import FakeClaude, text_reply

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO_ROOT / ".venv" / "bin" / "elixir-pro"


@pytest.fixture
def courier(tmp_path: Path) -> Path:
    root = tmp_path / "courier"
    shutil.copytree(
        REPO_ROOT / "examples" / "courier", root, ignore=shutil.ignore_patterns("_build", "deps")
    )
    return root


def run(
    command: str, *args: str, cwd: Path, fake: FakeClaude | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    if fake is not None:
        env["ANTHROPIC_BASE_URL"] = fake.base_url
        env["ANTHROPIC_API_KEY"] = "x"
    return subprocess.run(
        [str(SCRIPT), command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def ask(*args: str, cwd: Path, fake: FakeClaude) -> subprocess.CompletedProcess[str]:
    result = run("ask", "--model", "claude-x", *args, cwd=cwd, fake=fake)
    assert "Traceback" not in result.stderr
    return result


def texts(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(role, text) of each message, the text of its text blocks joined."""
    out = []
    for message in messages:
        content = message["content"]
        if isinstance(content, str):
            out.append((message["role"], content))
            continue
        joined = "".join(b.get("text", "") for b in content if b.get("type") == "text")
        out.append((message["role"], joined))
    return out


def session_of(result: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("elixir-pro: session ")]
    assert len(lines) == 1, result.stderr
    return lines[0].split()[2]


def test_continue_sends_the_previous_turns_back(fake_claude: FakeClaude, courier: Path) -> None:
    fake_claude.enqueue(text_reply("Locator is a GenServer."), text_reply("It restarts."))
    first = ask("--mode", "informative", "what is Locator?", cwd=courier, fake=fake_claude)
    assert first.returncode == 0, first.stderr
    second = ask(
        "--mode", "informative", "--continue", "and on a crash?", cwd=courier, fake=fake_claude
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "It restarts."
    assert session_of(second) == session_of(first)
    assert "(continued)" in second.stderr
    one, two = (r.body for r in fake_claude.message_requests())
    assert len(one["messages"]) == 1
    sent = texts(two["messages"])
    assert [role for role, _ in sent] == ["user", "assistant", "user"]
    assert sent[0][1].rstrip().endswith("what is Locator?")
    assert sent[1][1] == "Locator is a GenServer."
    assert sent[2][1].rstrip().endswith("and on a crash?")

    listed = run("sessions", cwd=courier)
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.strip().splitlines()
    assert len(rows) == 2  # the header and the one session's informative pane
    assert rows[1].split()[0] == session_of(first)[:12]
    assert " informative " in rows[1] and rows[1].endswith("what is Locator?")


def test_continue_takes_the_last_session_of_that_mode(
    fake_claude: FakeClaude, courier: Path
) -> None:
    fake_claude.enqueue(text_reply("A1"), text_reply("B1"), text_reply("A2"))
    informative = ask("--mode", "informative", "question A", cwd=courier, fake=fake_claude)
    critical = ask("--mode", "critical", "question B", cwd=courier, fake=fake_claude)
    again = ask("--mode", "informative", "--continue", "more A", cwd=courier, fake=fake_claude)
    assert again.returncode == 0, again.stderr
    assert session_of(again) == session_of(informative) != session_of(critical)
    sent = texts(fake_claude.message_requests()[2].body["messages"])
    assert sent[1] == ("assistant", "A1") and len(sent) == 3


def test_session_id_picks_the_given_session(fake_claude: FakeClaude, courier: Path) -> None:
    fake_claude.enqueue(text_reply("first"), text_reply("second"), text_reply("third"))
    one = ask("--mode", "informative", "question one", cwd=courier, fake=fake_claude)
    two = ask("--mode", "informative", "question two", cwd=courier, fake=fake_claude)
    assert session_of(one) != session_of(two)
    prefix = session_of(one)[:8]
    picked = ask(
        "--mode",
        "informative",
        "--json",
        "--session",
        prefix,
        "go on",
        cwd=courier,
        fake=fake_claude,
    )
    assert picked.returncode == 0, picked.stderr
    finished = json.loads(picked.stdout.strip().splitlines()[-1])
    assert finished["type"] == "TurnFinished"
    assert finished["extra"]["session"] == session_of(one) and finished["extra"]["continued"]
    sent = texts(fake_claude.message_requests()[2].body["messages"])
    assert sent[0][1].rstrip().endswith("question one") and sent[1] == ("assistant", "first")
    assert all("question two" not in text for _, text in sent)

    listed = run("sessions", "--json", cwd=courier)
    ids = [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    assert ids == [session_of(one), session_of(two)]  # the continued one is the most recent


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--session", "0123abcd", "q"], "no session '0123abcd' in this project"),
        (["--session", "not-an-id", "q"], "not a session id: 'not-an-id'"),
        (["--continue", "q"], "no earlier session in the informative mode"),
        (["--continue", "--session", "abc", "q"], "not allowed with argument"),
    ],
)
def test_bad_session_choice_is_one_line_and_exit_2(
    args: list[str], says: str, fake_claude: FakeClaude, courier: Path
) -> None:
    result = ask("--mode", "informative", *args, cwd=courier, fake=fake_claude)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr
    assert fake_claude.message_requests() == []


def test_sessions_without_any_stored(courier: Path) -> None:
    result = run("sessions", cwd=courier)
    assert result.returncode == 0
    assert result.stdout.strip() == "No stored sessions for this project yet."
