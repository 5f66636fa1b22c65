"""``elixir-pro acp`` answered by Claude: the agent subprocess runs the real anthropic SDK against
the fake Messages server on 127.0.0.1, driven by the official ACP client. A streamed answer
with a Read tool call (reading the editor's unsaved buffer through ``fs/read_text_file``), a
Bash command asked through ``session/request_permission``, and ``session/cancel`` stopping a
slow answer, after which the session still answers; the editor's MCP server used as a tool
source, its destructive tool asked about."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from acp import text_block
from acp.schema import HttpMcpServer
from acp_support import EditorClient, connect
from fakeclaude.server import FakeClaude, StreamReply, TextBlock, text_reply, tool_reply
from mcp_support import RunningMcpServer

LOCATOR = "lib/courier/locator.ex"


def claude(fake: FakeClaude) -> dict[str, str]:
    return {"ANTHROPIC_BASE_URL": fake.base_url, "ANTHROPIC_API_KEY": "test-key"}


def deny_commands_apply_changes(call: Any, options: list[Any]) -> str | None:
    ids = {o.option_id for o in options}
    if call.kind == "edit":
        assert ids == {"apply", "keep-staged"}
        return "apply"
    assert ids == {"once", "always", "deny"}
    return "deny"


async def test_claude_answers_with_tools_and_cancel_stops_a_turn(
    courier: Path, fake_claude: FakeClaude, tmp_path: Path
) -> None:
    unsaved = (courier / LOCATOR).read_text() + "\n# an unsaved line in the editor\n"
    client = EditorClient(
        decide=deny_commands_apply_changes, buffers={str(courier / LOCATOR): unsaved}
    )
    fake_claude.enqueue(
        tool_reply(
            ("Read", {"file_path": LOCATOR}),
            ("Bash", {"command": "rm -rf _build", "description": "clean"}),
        ),
        text_reply("The locator waits without a timeout."),
    )
    env = claude(fake_claude)
    async with connect(client, courier, env=env, log=tmp_path / "agent.log") as conn:
        session = await conn.new_session(cwd=str(courier), mcp_servers=[])
        sid = session.session_id
        reply = await conn.prompt(session_id=sid, prompt=[text_block("look at the locator")])
        assert reply.stop_reason == "end_turn"
        assert "The locator waits without a timeout." in client.text()

        started = {c.tool_call_id: c for c in client.of("tool_call")}
        read, bash = started.values()
        assert (read.kind, read.title) == ("read", f"Read {LOCATOR}")
        assert read.locations[0].path == str(courier / LOCATOR)
        assert bash.kind == "execute"
        done = {u.tool_call_id: u.status for u in client.of("tool_call_update")}
        assert done == {read.tool_call_id: "completed", bash.tool_call_id: "failed"}
        # the Bash command was put to the editor's user, against the same tool call
        (asked,) = client.permissions
        assert asked.tool_call_id == bash.tool_call_id and "rm -rf _build" in asked.title
        assert not (courier / "made").exists()

        # what Claude read is the editor's buffer, not the disk
        assert client.reads == [str(courier / LOCATOR)]
        second = fake_claude.message_requests()[1].body
        results = [b for b in second["messages"][-1]["content"] if b.get("type") == "tool_result"]
        assert "an unsaved line in the editor" in str(results[0]["content"])
        assert results[1]["is_error"] is True

        # Claude writes a file: staged, shown as a diff, written once allowed
        notes = "lib/courier/notes.ex"
        content = "defmodule Courier.Notes do\nend\n"
        fake_claude.enqueue(
            tool_reply(("Write", {"file_path": notes, "content": content})),
            text_reply("Staged the module."),
        )
        client.permissions.clear()
        reply = await conn.prompt(session_id=sid, prompt=[text_block("add a notes module")])
        assert reply.stop_reason == "end_turn"
        (asked,) = client.permissions
        (diff,) = asked.content
        assert (diff.type, diff.path, diff.old_text, diff.new_text) == (
            "diff", str(courier / notes), None, content,
        )  # fmt: skip
        assert (courier / notes).read_text() == content

        # a slow answer, cancelled once it is streaming
        fake_claude.enqueue(StreamReply([TextBlock("word " * 400, chunk=5)], delay=0.05))
        before = len(client.text())
        running = asyncio.create_task(
            conn.prompt(session_id=sid, prompt=[text_block("explain it at length")])
        )
        await client.wait_for(lambda: len(client.text()) > before + 20)
        await conn.cancel(session_id=sid)
        cancelled = await asyncio.wait_for(running, 10)
        assert cancelled.stop_reason == "cancelled"
        assert len(client.text()) - before < len("word " * 400)

        # the session is not stuck: the next prompt is answered
        fake_claude.enqueue(text_reply("Still here."))
        after = await conn.prompt(session_id=sid, prompt=[text_block("are you there?")])
        assert after.stop_reason == "end_turn"
        assert client.text().endswith("Still here.")


async def test_the_editors_mcp_servers_are_used_and_a_destructive_tool_asks(
    courier: Path, fake_claude: FakeClaude, mcp_server: RunningMcpServer
) -> None:
    query = "DELETE FROM deliveries WHERE status = 'lost'"
    client = EditorClient(decide=lambda call, options: "once")
    fake_claude.enqueue(
        tool_reply(
            ("mcp__phoenix__get_logs", {"tail": 1}),
            ("mcp__phoenix__execute_sql_query", {"query": query}),
        ),
        text_reply("Cleaned up."),
    )
    server = HttpMcpServer(type="http", name="phoenix", url=mcp_server.url, headers=[])
    async with connect(client, courier, env=claude(fake_claude)) as conn:
        session = await conn.new_session(cwd=str(courier), mcp_servers=[server])
        reply = await conn.prompt(
            session_id=session.session_id, prompt=[text_block("drop the lost deliveries")]
        )
    assert reply.stop_reason == "end_turn"
    assert mcp_server.calls == [("get_logs", {"tail": 1}), ("execute_sql_query", {"query": query})]
    # only the destructive tool was put to the user, its arguments shown
    (asked,) = client.permissions
    assert "phoenix · execute_sql_query" in asked.title and asked.raw_input == {"query": query}
    calls = client.of("tool_call")
    assert [c.title for c in calls] == ["phoenix · get_logs", "phoenix · execute_sql_query"]
    assert asked.tool_call_id == calls[1].tool_call_id
