"""Pilot tests: in the TUI, in audit mode, an MCP server's destructive tool asks through the same
approval modal as Bash (its arguments shown) while the read-only tool runs without asking.
A real MCP server on 127.0.0.1 and the fake Messages server with the real anthropic SDK."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fakeclaude.server import FakeClaude, text_reply, tool_reply
from mcp_support import RunningMcpServer
from textual.pilot import Pilot
from textual.widgets import Static

from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.tools.mcp_hub import McpToolRequest
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.bash_approval import BashApprovalScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.prompt_input import PromptInput

LOGS = "mcp__phoenix__get_logs"
SQL = "mcp__phoenix__execute_sql_query"
QUERY = "UPDATE deliveries SET status = 'lost'"


async def _until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await pilot.pause(0.02)


async def _ask_in_audit_mode(pilot: Pilot[Any], app: ElixirProApp, text: str) -> MainScreen:
    await _until(pilot, lambda: any(isinstance(s, MainScreen) for s in app.screen_stack))
    screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
    while screen.tool_mode is not ToolMode.AUDIT:
        screen.action_cycle_tool_mode()
    prompt = screen.query_one(PromptInput)
    prompt.text = text
    prompt.focus()
    await pilot.press("enter")
    return screen


def _configure(courier: Path, server: RunningMcpServer, claude: FakeClaude) -> None:
    settings = {"mcp_servers": {"phoenix": {"url": server.url}}}
    (courier / ".elixir-pro.yaml").write_text(json.dumps(settings), encoding="utf-8")
    claude.enqueue(
        tool_reply((LOGS, {"tail": 2}), (SQL, {"query": QUERY})),
        text_reply("Done."),
    )


async def test_the_destructive_tool_asks_with_its_arguments_and_runs_once_approved(
    courier: Path, claude_env: FakeClaude, mcp_server: RunningMcpServer
) -> None:
    _configure(courier, mcp_server, claude_env)
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ask_in_audit_mode(pilot, app, "mark the lost deliveries")
        await _until(pilot, lambda: isinstance(app.screen, BashApprovalScreen))
        modal = app.screen
        assert isinstance(modal, BashApprovalScreen)
        request = modal.request
        assert isinstance(request, McpToolRequest)
        assert (request.server, request.tool) == ("phoenix", "execute_sql_query")
        assert request.destructive is True
        await _until(pilot, lambda: bool(modal.query("#arguments")))
        shown = str(modal.query_one("#arguments", Static).render())
        assert QUERY in shown
        # the read-only tool came first and ran without asking
        assert mcp_server.calls == [("get_logs", {"tail": 2})]
        await pilot.press("y")
        turn = screen.pane(CognitiveMode.GENERATIVE).turns[-1]
        await _until(pilot, lambda: turn.finished)
        await app.workers.wait_for_complete()
    assert mcp_server.calls == [("get_logs", {"tail": 2}), ("execute_sql_query", {"query": QUERY})]
    body = claude_env.message_requests()[1].body
    results = [b for b in body["messages"][-1]["content"] if b.get("type") == "tool_result"]
    assert [r.get("is_error", False) for r in results] == [False, False]


async def test_denying_the_destructive_tool_keeps_it_from_running(
    courier: Path, claude_env: FakeClaude, mcp_server: RunningMcpServer
) -> None:
    _configure(courier, mcp_server, claude_env)
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ask_in_audit_mode(pilot, app, "mark the lost deliveries")
        await _until(pilot, lambda: isinstance(app.screen, BashApprovalScreen))
        await pilot.press("n")
        turn = screen.pane(CognitiveMode.GENERATIVE).turns[-1]
        await _until(pilot, lambda: turn.finished)
        await app.workers.wait_for_complete()
    assert mcp_server.calls == [("get_logs", {"tail": 2})]
    body = claude_env.message_requests()[1].body
    results = [b for b in body["messages"][-1]["content"] if b.get("type") == "tool_result"]
    assert results[1]["is_error"] is True and "denied" in str(results[1]["content"])
