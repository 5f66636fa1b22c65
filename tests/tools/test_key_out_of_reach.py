"""The Anthropic key is never written where a tool (or a person reading over a shoulder) could
find it: not in a tool result (a key hard-coded into a project file is redacted), not in the
session store, not in the crash log. (Bash's side, the sandbox, is in test_bash_sandbox.py.)"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tools_support import MakeToolset, Project

from elixir_pro.cli import _crash_log
from elixir_pro.conversation.store import DB_NAME, SessionStore
from elixir_pro.events import TextDelta, ToolFinished
from elixir_pro.paths import project_state_dir, state_dir
from elixir_pro.tools import BashDecision, BashRequest
from elixir_pro.tools.redact import redact, remember_secret

KEY = "sk-ant-api03-redaction-test-key-ABCDEF0123456789"


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    return KEY


async def _yes(request: BashRequest) -> BashDecision:
    return BashDecision.ALLOW_ONCE


async def test_a_key_in_a_project_file_never_reaches_the_model(
    make_toolset: MakeToolset, project: Project, key: str
) -> None:
    (project.root / "config").mkdir(exist_ok=True)
    (project.root / "config" / "dev.exs").write_text(f'config :app, anthropic_key: "{key}"\n')
    tools = make_toolset(approve=_yes)
    read = await tools.run("Read", {"file_path": "config/dev.exs"})
    grep = await tools.run("Grep", {"pattern": "anthropic_key", "output_mode": "content"})
    bash = await tools.run("Bash", {"command": "cat config/dev.exs"})
    for outcome in (read, grep, bash):
        assert key not in outcome.output
        assert "[redacted ANTHROPIC_API_KEY]" in outcome.output


def test_a_key_handed_to_the_client_stays_redacted_without_the_variable() -> None:
    token = "sk-ant-oat01-only-handed-to-the-client-xyz"
    assert redact(f"x {token} y") == f"x {token} y"
    remember_secret(token, "ANTHROPIC_AUTH_TOKEN")
    assert redact(f"x {token} y") == "x [redacted ANTHROPIC_AUTH_TOKEN] y"
    assert redact("short") == "short"


def test_the_session_store_never_holds_the_key(tmp_path: Path, key: str) -> None:
    root = tmp_path / "app"
    root.mkdir()
    with SessionStore.open(root) as store:
        sid = store.create_session("elixir-pro", "t")
        store.append_user_prompt(sid, "critical", "t1", f"my key is {key}")
        store.append(sid, "critical", "t1", TextDelta(f"echoing {key}"))
        store.append(sid, "critical", "t1", ToolFinished("c", "Read", f"found {key}"))
        store.append_history(sid, "critical", "t1", [{"role": "user", "content": key}])
    raw = (project_state_dir(root) / DB_NAME).read_bytes()
    assert key.encode() not in raw
    with sqlite3.connect(project_state_dir(root) / DB_NAME) as conn:
        payloads = [row[0] for row in conn.execute("SELECT payload FROM events")]
    assert len(payloads) == 4 and all("[redacted ANTHROPIC_API_KEY]" in p for p in payloads)


def test_the_crash_log_never_holds_the_key(key: str) -> None:
    try:
        raise RuntimeError(f"request failed with headers x-api-key: {key}")
    except RuntimeError as exc:
        where = _crash_log(exc)
    assert Path(where) == state_dir() / "crash.log"
    text = Path(where).read_text()
    assert "RuntimeError" in text and key not in text and "[redacted ANTHROPIC_API_KEY]" in text
