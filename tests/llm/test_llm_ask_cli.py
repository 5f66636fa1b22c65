"""``elixir-pro ask`` end to end: the real console script in a subprocess, against the fake
Messages server (through ANTHROPIC_BASE_URL) or, without a key, the offline engine, on a copy
of the bundled courier example."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from fakeclaude.server import FakeClaude, error_reply, model_info, text_reply, tool_reply

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO_ROOT / ".venv" / "bin" / "elixir-pro"
ANSWER = (
    "Locator.wait_for blocks forever.\n\n**Result**: one finding\n**Confidence**: high\n"
    "**Human Gate Required**: yes — choosing a timeout policy is an architectural decision\n"
)


@pytest.fixture
def courier(tmp_path: Path) -> Path:
    root = tmp_path / "courier"
    shutil.copytree(
        REPO_ROOT / "examples" / "courier", root, ignore=shutil.ignore_patterns("_build", "deps")
    )
    return root


def ask(
    *args: str, cwd: Path, fake: FakeClaude | None = None, key: str | None = "x"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    if fake is not None:
        env["ANTHROPIC_BASE_URL"] = fake.base_url
    if key is not None:
        env["ANTHROPIC_API_KEY"] = key
    return subprocess.run(
        [str(SCRIPT), "ask", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ask_streams_claude_answer_and_reports_escalation(
    fake_claude: FakeClaude, courier: Path
) -> None:
    fake_claude.models = [model_info("claude-sonnet-8", "sonnet", "2026-08-01T00:00:00Z")]
    fake_claude.enqueue(
        tool_reply(("Read", {"file_path": "lib/courier/locator.ex"})), text_reply(ANSWER)
    )
    result = ask("--mode", "critical", "review lib/", cwd=courier, fake=fake_claude)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("Locator.wait_for blocks forever.")
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("escalated: human gate") or last.startswith("escalated: ")
    assert "architectural decision" in last
    assert 'elixir-pro: tool: Read {"file_path": "lib/courier/locator.ex"}' in result.stderr
    first, second = (r.body for r in fake_claude.message_requests())
    assert first["model"] == "claude-sonnet-8"
    assert "Cognitive mode: critical." in first["system"][0]["text"]
    assert first["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert first["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    sent = first["messages"][0]["content"][0]["text"]
    assert sent.rstrip().endswith("review lib/")
    assert "## Phase gates" in sent and "Deployment gate: fail" in sent  # critical gets the gates
    tool_result = second["messages"][2]["content"][0]
    assert "def " in tool_result["content"] and not tool_result.get("is_error")


def test_ask_prints_staged_edits_as_a_diff_and_never_writes(
    fake_claude: FakeClaude, courier: Path
) -> None:
    target = courier / "lib" / "courier" / "notes.ex"
    write = {"file_path": "lib/courier/notes.ex", "content": "defmodule Courier.Notes do\nend\n"}
    fake_claude.enqueue(tool_reply(("Write", write)), text_reply("Created Courier.Notes."))
    result = ask(
        "--mode",
        "generative",
        "--tools",
        "solution",
        "--model",
        "claude-x",
        "add notes",
        cwd=courier,
        fake=fake_claude,
    )
    assert result.returncode == 0, result.stderr
    assert "--- /dev/null\n+++ b/lib/courier/notes.ex\n" in result.stdout
    assert "+defmodule Courier.Notes do\n" in result.stdout
    assert not target.exists()
    assert [r.path for r in fake_claude.requests if r.method == "GET"] == []


def test_ask_json_gives_one_event_per_line(fake_claude: FakeClaude, courier: Path) -> None:
    fake_claude.enqueue(text_reply("Short answer."))
    result = ask(
        "--json",
        "--model",
        "claude-x",
        "--mode",
        "informative",
        "what?",
        cwd=courier,
        fake=fake_claude,
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    types = [e["type"] for e in events]
    assert types[0] == "TextDelta" and types[-1] == "TurnFinished" and "UsageReported" in types
    assert "".join(e["text"] for e in events if e["type"] == "TextDelta") == "Short answer."
    assert events[-1]["extra"]["mode"] == "informative"


def test_ask_exits_1_on_an_api_error_with_one_clear_line(
    fake_claude: FakeClaude, courier: Path
) -> None:
    fake_claude.enqueue(error_reply(401, "authentication_error", "invalid x-api-key"))
    result = ask("--model", "claude-x", "hello", cwd=courier, fake=fake_claude)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [
        "elixir-pro: error: Claude rejected the API key (HTTP 401): check ANTHROPIC_API_KEY."
    ]
    assert "Traceback" not in result.stderr


def test_bash_runs_only_when_allowed(fake_claude: FakeClaude, courier: Path) -> None:
    fake_claude.enqueue(
        tool_reply(
            ("Bash", {"command": "touch denied.txt"}),
            ("Bash", {"command": "echo allowed-output"}),
        ),
        text_reply("ok"),
    )
    result = ask(
        "--model",
        "claude-x",
        "--tools",
        "audit",
        "--allow-bash",
        "echo *",
        "go",
        cwd=courier,
        fake=fake_claude,
    )
    assert result.returncode == 0, result.stderr
    assert not (courier / "denied.txt").exists()
    refused, ran = fake_claude.message_requests()[1].body["messages"][2]["content"]
    assert refused["is_error"] is True and "allow-bash" in refused["content"]
    assert "allowed-output" in ran["content"] and not ran.get("is_error")
    assert (
        "elixir-pro: tool Bash refused: Command refused: headless runs allow only" in result.stderr
    )


def test_without_a_key_the_offline_engine_answers(courier: Path) -> None:
    result = ask("--mode", "critical", "review lib/", cwd=courier, key=None)
    assert result.returncode == 0, result.stderr
    assert "No ANTHROPIC_API_KEY: answering with the offline engine" in result.stderr
    assert result.stdout.startswith("_Offline engine answer (critical mode)")
    assert "### [HIGH]" in result.stdout and "- **Location**: lib/courier/" in result.stdout
    assert "**Confidence**: medium" in result.stdout


def test_offline_generative_prints_autofixes_as_a_diff_without_escalating(courier: Path) -> None:
    locator = courier / "lib" / "courier" / "locator.ex"
    before = locator.read_bytes()
    result = ask(
        "--offline", "--mode", "generative", "fix lib/courier/locator.ex", cwd=courier, key="x"
    )
    assert result.returncode == 0, result.stderr
    assert "Offline mode: answering with the offline engine." in result.stderr
    assert "--- a/lib/courier/locator.ex\n+++ b/lib/courier/locator.ex\n" in result.stdout
    assert "+        after\n+          5_000 -> {:error, :timeout}\n" in result.stdout
    assert "escalated:" not in result.stdout
    assert "**Confidence**: medium" in result.stdout
    assert locator.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["--mode", "bogus", "q"],
        ["--project", "/does/not/exist", "q"],
        ["--context", "../outside.ex", "q"],
        [" "],
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], courier: Path) -> None:
    result = ask(*args, cwd=courier, key=None)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
