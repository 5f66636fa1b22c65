"""The Docs tool offered to Claude, over the real SDK and the fake Messages server, on a small
Mix project with a path dependency compiled by the real mix: the tool is in every tool mode's
request with a description that asks for it before naming an API, and its result for the
dependency's function carries the docs at the version compiled in ``_build``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import anthropic
import pytest
from fakeclaude.server import FakeClaude, text_reply, tool_reply

from elixir_pro.agent import AgentDefinition
from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.config import Config, LlmConfig
from elixir_pro.conversation.workspace import Workspace
from elixir_pro.events import ToolFinished, TurnFinished
from elixir_pro.llm.anthropic_backend import AnthropicBackend

pytestmark = pytest.mark.mix

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "dep_docs"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "work")
    root = tmp_path / "work" / "shop"
    done = subprocess.run(
        ["mix", "compile"],
        cwd=root,
        env={**os.environ, "MIX_ENV": "dev"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return root


async def test_claude_gets_dependency_docs_at_the_compiled_version(
    fake_claude: FakeClaude, shop: Path, agent: AgentDefinition
) -> None:
    fake_claude.enqueue(
        tool_reply(("Docs", {"symbol": "Pricing.total/2"})),
        text_reply("Pricing.total/2 takes a net amount and a rate."),
        text_reply("ok"),
    )
    client = anthropic.AsyncAnthropic(base_url=fake_claude.base_url, api_key="k", max_retries=0)
    backend = AnthropicBackend(client, "claude-sonnet-5-5", LlmConfig())
    ws = Workspace(shop, agent, backend, Config())
    session = ws.session(CognitiveMode.INFORMATIVE)
    events = [e async for e in session.send("how do I price a cart?", tool_mode=ToolMode.AUDIT)]
    solution = [e async for e in session.send("and now?", tool_mode=ToolMode.SOLUTION)]
    await ws.aclose()
    assert isinstance(events[-1], TurnFinished) and not events[-1].interrupted
    assert isinstance(solution[-1], TurnFinished)
    (finished,) = [e for e in events if isinstance(e, ToolFinished)]
    assert not finished.is_error
    assert finished.output.startswith("_pricing 0.3.1: the version compiled in _build/dev_")
    first, second, third = (r.body for r in fake_claude.message_requests())
    for body in (first, third):  # audit and solution both offer it
        docs_tool = next(t for t in body["tools"] if t["name"] == "Docs")
        assert "before you name or call an API" in docs_tool["description"]
        assert docs_tool["input_schema"]["required"] == ["symbol"]
    result = second["messages"][2]["content"][0]
    assert result["type"] == "tool_result" and not result.get("is_error")
    assert "pricing 0.3.1" in result["content"]
    assert "The total of `net` with the `rate` applied." in result["content"]
