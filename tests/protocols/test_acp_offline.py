"""``elixir-pro acp`` end to end with the offline engine, driven by the official ACP SDK's client
side: initialize, a new session on a copy of the example project, an answer streamed as
session updates (with its plan), a mode switch, staged edits arriving as tool calls with diff
content, one allowed (written, journalled, undone by ``elixir-pro undo``, handed to the editor)
and one rejected (the file untouched, kept staged for review), and session/load replaying the
stored conversation."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from acp import text_block
from acp_support import ELIXIR_PRO, EditorClient, agent_env, connect

from elixir_pro.changes import store

LOCATOR = "lib/courier/locator.ex"
METRICS = "lib/courier/metrics.ex"


def allow_locator(call: Any, options: list[Any]) -> str | None:
    """Apply the change to the locator; keep any other staged for review."""
    ids = {o.option_id for o in options}
    assert ids == {"apply", "keep-staged"}
    path = call.locations[0].path
    return "apply" if path.endswith(LOCATOR) else "keep-staged"


async def test_offline_session_answers_switches_mode_and_reviews_staged_edits(
    courier: Path, tmp_path: Path
) -> None:
    locator_before = (courier / LOCATOR).read_bytes()
    metrics_before = (courier / METRICS).read_bytes()
    client = EditorClient(decide=allow_locator)
    async with connect(client, courier, "--offline", log=tmp_path / "agent.log") as conn:
        session = await conn.new_session(cwd=str(courier), mcp_servers=[])
        assert session.modes is not None
        modes = {m.id for m in session.modes.available_modes}
        assert modes == {"generative", "critical", "evaluative", "informative"}
        options = {o.root.id if hasattr(o, "root") else o.id: o for o in session.config_options}
        tool_mode = options["tool_mode"]
        assert {o.value for o in tool_mode.options} == {"audit", "solution", "research"}
        assert tool_mode.current_value == "solution"

        # a critical-mode answer from the engine, streamed
        await conn.set_session_mode(session_id=session.session_id, mode_id="critical")
        await client.wait_for(lambda: bool(client.of("current_mode_update")))
        assert client.of("current_mode_update")[-1].current_mode_id == "critical"
        reply = await conn.prompt(
            session_id=session.session_id, prompt=[text_block("review lib/courier/dispatch.ex")]
        )
        assert reply.stop_reason == "end_turn"
        answer = client.text()
        assert "Offline engine answer (critical mode)" in answer
        assert "lib/courier/dispatch.ex" in answer
        plans = client.of("plan")
        assert plans and plans[-1].entries[0].status == "completed"
        assert "critical mode" in plans[-1].entries[0].content

        # generative mode stages the engine's fixes: one diff tool call per file
        await conn.set_session_mode(session_id=session.session_id, mode_id="generative")
        client.updates.clear()
        reply = await conn.prompt(
            session_id=session.session_id, prompt=[text_block("fix what can be fixed safely")]
        )
        assert reply.stop_reason == "end_turn"
        calls = [c for c in client.of("tool_call") if c.kind == "edit"]
        assert sorted(c.locations[0].path for c in calls) == [
            str(courier / LOCATOR),
            str(courier / METRICS),
        ]
        for call in calls:
            (diff,) = call.content
            assert diff.type == "diff" and diff.old_text != diff.new_text
            assert diff.old_text == Path(diff.path).read_text() or diff.path.endswith(LOCATOR)
        asked = [p.locations[0].path for p in client.permissions]
        assert sorted(asked) == sorted(c.locations[0].path for c in calls)
        locator_diff = next(c for c in calls if c.locations[0].path.endswith(LOCATOR))
        finished = {u.tool_call_id: u.status for u in client.of("tool_call_update")}
        assert finished[locator_diff.tool_call_id] == "completed"
        assert "Kept staged: lib/courier/metrics.ex" in client.text()
        assert client.of("plan")[-1].entries[-1].status == "completed"

    # allowed: written (and handed to the editor); rejected: untouched and still staged
    new_locator = locator_diff.content[0].new_text
    assert (courier / LOCATOR).read_text() == new_locator
    assert client.writes == [(str(courier / LOCATOR), new_locator)]
    assert (courier / METRICS).read_bytes() == metrics_before
    pending = store.pending(courier)
    assert [sorted(c.proposals) for c in pending] == [[METRICS]]

    undo = subprocess.run(
        [ELIXIR_PRO, "undo", str(courier)], capture_output=True, text=True, env=agent_env()
    )
    assert undo.returncode == 0, undo.stderr
    assert (courier / LOCATOR).read_bytes() == locator_before

    # the session was stored: loading it (a new process) replays the conversation
    replayed = EditorClient()
    async with connect(replayed, courier, "--offline") as conn:
        listed = await conn.list_sessions(cwd=str(courier))
        assert session.session_id in [s.session_id for s in listed.sessions]
        loaded = await conn.load_session(
            cwd=str(courier), session_id=session.session_id, mcp_servers=[]
        )
        assert loaded.modes is not None and loaded.modes.current_mode_id == "generative"
        prompts = [u.content.text for u in replayed.of("user_message_chunk")]
        assert prompts == ["review lib/courier/dispatch.ex", "fix what can be fixed safely"]
        assert "Offline engine answer (critical mode)" in replayed.text()


async def test_bad_requests_are_one_line_errors(courier: Path) -> None:
    from acp import RequestError

    client = EditorClient()
    async with connect(client, courier, "--offline") as conn:
        for call in (
            conn.new_session(cwd="relative/path", mcp_servers=[]),
            conn.prompt(session_id="nope", prompt=[text_block("hi")]),
            conn.load_session(cwd=str(courier), session_id="missing", mcp_servers=[]),
        ):
            try:
                await call
            except RequestError as exc:
                assert "\n" not in str(exc) and "Traceback" not in str(exc)
                assert exc.code == -32602
            else:
                raise AssertionError("the agent accepted a bad request")
        session = await conn.new_session(cwd=str(courier), mcp_servers=[])
        try:
            await conn.set_session_mode(session_id=session.session_id, mode_id="dreamy")
        except RequestError as exc:
            assert "unknown mode 'dreamy'" in str(exc)
        else:
            raise AssertionError("an unknown mode was accepted")
