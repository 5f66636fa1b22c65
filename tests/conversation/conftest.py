"""Fixtures for the conversation tests: the fake Messages server, a copy of a small Elixir
project and a workspace whose backend talks to the fake server through the real SDK."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import anthropic
import pytest
from fakeclaude.fixtures import claude_env, fake_claude
from fakeclaude.server import FakeClaude

from elixir_pro.agent import AgentDefinition, resolve_agent
from elixir_pro.config import Config, LlmConfig
from elixir_pro.conversation.workspace import EventSink, Workspace
from elixir_pro.llm.anthropic_backend import AnthropicBackend

__all__ = ["claude_env", "fake_claude"]

FIXTURE_PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "llm" / "project"
REPO_ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE_PROJECT, root)
    return root


@pytest.fixture
def agent() -> AgentDefinition:
    return resolve_agent(REPO_ROOT)


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
