"""Fixtures for the conversation tests: the fake Messages server, a copy of a small Elixir
project and a workspace whose backend talks to the fake server through the real SDK."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anthropic
import pytest
from fakeclaude.fixtures import claude_env, fake_claude
from fakeclaude.project import agent, project
from fakeclaude.server import FakeClaude

from elixir_pro.agent import AgentDefinition
from elixir_pro.config import Config, LlmConfig
from elixir_pro.conversation.workspace import EventSink, Workspace
from elixir_pro.llm.anthropic_backend import AnthropicBackend

__all__ = ["agent", "claude_env", "fake_claude", "project"]


@pytest.fixture
def make_workspace(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> Callable[..., Workspace]:
    async def no_wait(seconds: float) -> None:
        return None

    def build(sink: EventSink | None = None, **kwargs: object) -> Workspace:
        client = anthropic.AsyncAnthropic(
            base_url=fake_claude.base_url, api_key="test-key", max_retries=0
        )
        backend = AnthropicBackend(client, "claude-sonnet-5-5", LlmConfig(), sleep=no_wait)
        return Workspace(project, agent, backend, Config(), sink=sink, **kwargs)  # type: ignore[arg-type]

    return build
