"""The workspace with the real SQLite session store subscribed, resume, the shared changeset
and the backend choice without a key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fakeclaude.server import FakeClaude, text_reply, tool_reply

from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.conversation.store import SessionStore
from elixir_pro.conversation.workspace import Workspace, open_workspace, store_sink
from elixir_pro.events import EditProposed, TextDelta, TurnFinished
from elixir_pro.llm.factory import NO_KEY_NOTICE, OFFLINE_NOTICE

Make = Callable[..., Workspace]


async def test_store_sink_persists_a_turn_and_a_resumed_workspace_sends_its_history(
    fake_claude: FakeClaude, make_workspace: Make, project: Path
) -> None:
    fake_claude.enqueue(text_reply("Stored answer."), text_reply("Follow-up."))
    store = SessionStore.open(project)
    session_id = store.create_session("elixir-pro", "test")
    workspace = make_workspace(sink=store_sink(store, session_id))
    events = [e async for e in workspace.session("critical").send("first question")]

    record = store.load(session_id)
    pane = record.pane("critical")
    assert [p.text for p in pane.prompts] == ["first question"]
    assert pane.events == events
    assert [m["role"] for m in pane.history] == ["user", "assistant"]

    resumed = make_workspace()
    resumed.restore(record)
    [e async for e in resumed.session("critical").send("second question")]
    sent = fake_claude.message_requests()[1].body["messages"]
    assert sent[1]["content"][0]["text"] == "Stored answer."
    assert sent[2]["content"][0]["text"] == "second question"
    store.close()


async def test_edits_from_any_pane_share_the_pending_changeset(
    fake_claude: FakeClaude, make_workspace: Make, project: Path
) -> None:
    write = {"file_path": "lib/demo/new.ex", "content": "defmodule Demo.New do\nend\n"}
    fake_claude.enqueue(tool_reply(("Write", write)), text_reply("Created."))
    workspace = make_workspace()
    events = [e async for e in workspace.session("generative").send("add a module")]
    edit = next(e for e in events if isinstance(e, EditProposed))
    assert edit.changeset_id == workspace.changeset.id and edit.kind == "create"
    assert not (project / "lib/demo/new.ex").exists()
    assert workspace.session("critical").changeset is workspace.changeset
    fresh = workspace.reset_changeset()
    assert len(fresh) == 0 and workspace.session("critical").tool_context.changeset is fresh


async def test_without_a_key_the_offline_engine_answers(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = await open_workspace(project, env={})
    assert workspace.backend.is_offline and workspace.notices == (NO_KEY_NOTICE,)
    assert workspace.status.startswith("offline engine")
    events = [
        e
        async for e in workspace.session(CognitiveMode.CRITICAL).send(
            "review lib/", tool_mode=ToolMode.AUDIT
        )
    ]
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "Offline engine answer" in text and "receive without an after clause" in text
    assert isinstance(events[-1], TurnFinished)
    offline = await open_workspace(project, offline=True, env={"ANTHROPIC_API_KEY": "k"})
    assert offline.backend.is_offline and offline.notices == (OFFLINE_NOTICE,)
    informative = offline.session(CognitiveMode.INFORMATIVE)
    answer = [e async for e in informative.send("what should I read first?")]
    first = answer[0]
    assert isinstance(first, TextDelta) and "Offline mode was chosen" in first.text
