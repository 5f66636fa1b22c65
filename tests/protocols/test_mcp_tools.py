"""MCP servers' tools in our loop: a real MCP server (MCP SDK, streamable HTTP on 127.0.0.1) with
one read-only and one destructive tool, Claude played by the fake Messages server through the
real anthropic SDK. Headless (``elixir-pro ask``) in audit mode the read-only tool runs and the
destructive one is refused; a server that is down is one notice and the turn still ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakeclaude.server import FakeClaude, text_reply, tool_reply
from mcp_support import RunningMcpServer, closed_port_url

from elixir_pro.cli import main

LOGS = "mcp__phoenix__get_logs"
SQL = "mcp__phoenix__execute_sql_query"


def _settings(root: Path, **servers: dict[str, object]) -> None:
    (root / ".elixir-pro.yaml").write_text(json.dumps({"mcp_servers": servers}), encoding="utf-8")


def _tool_results(request_body: dict[str, object]) -> dict[str, dict[str, object]]:
    """tool_use id -> tool_result block of the last user message."""
    messages = request_body["messages"]
    assert isinstance(messages, list)
    blocks = messages[-1]["content"]
    return {b["tool_use_id"]: b for b in blocks if b.get("type") == "tool_result"}


def test_audit_mode_headless_runs_the_read_only_tool_and_refuses_the_destructive_one(
    courier: Path,
    claude_env: FakeClaude,
    mcp_server: RunningMcpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _settings(
        courier,
        phoenix={"url": mcp_server.url},
        down={"url": closed_port_url(), "timeout": 3},
    )
    claude_env.enqueue(
        tool_reply((LOGS, {"tail": 3}), (SQL, {"query": "DELETE FROM deliveries"})),
        text_reply("The logs look healthy; I did not touch the database."),
    )
    code = main(["ask", "--project", str(courier), "--tools", "audit", "are requests served?"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "The logs look healthy" in out

    # the read-only tool ran on the server, the destructive one never reached it
    assert mcp_server.calls == [("get_logs", {"tail": 3})]
    first, second = claude_env.message_requests()
    offered = {t["name"] for t in first.body["tools"]}
    assert {LOGS, SQL} <= offered
    assert not any(name.startswith("mcp__down__") for name in offered)
    schema = next(t for t in first.body["tools"] if t["name"] == SQL)["input_schema"]
    assert schema["required"] == ["query"]

    results = list(_tool_results(second.body).values())
    logs, sql = results
    assert "request 2 served" in str(logs["content"]) and not logs.get("is_error")
    assert sql["is_error"] is True
    assert "not marked read-only" in str(sql["content"]) and "headless" in str(sql["content"])

    # the server that is down: exactly one notice, naming it
    notices = [line for line in err.splitlines() if "MCP server down" in line]
    assert len(notices) == 1, err
    assert "not available" in notices[0]


def test_an_allowlisted_tool_runs_headless(
    courier: Path, claude_env: FakeClaude, mcp_server: RunningMcpServer
) -> None:
    _settings(courier, phoenix={"url": mcp_server.url, "allow": ["execute_sql_query"]})
    claude_env.enqueue(tool_reply((SQL, {"query": "SELECT 1"})), text_reply("One row."))
    assert main(["ask", "--project", str(courier), "--tools", "audit", "count them"]) == 0
    assert mcp_server.calls == [("execute_sql_query", {"query": "SELECT 1"})]
    (result,) = _tool_results(claude_env.message_requests()[1].body).values()
    assert result["content"] == "1 row affected" and not result.get("is_error")


def test_offline_turns_connect_to_no_server(
    courier: Path, mcp_server: RunningMcpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _settings(courier, phoenix={"url": mcp_server.url}, down={"url": closed_port_url()})
    assert main(["ask", "--project", str(courier), "--offline", "--mode", "critical", "x"]) == 0
    assert "MCP server" not in capsys.readouterr().err
    assert mcp_server.calls == []
