"""Fixtures for the backend tests: the fake Messages server, a copy of a small Elixir
project, the real agent definition and a backend bound to the fake server."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import anthropic
import pytest
from fakeclaude.fixtures import claude_env, fake_claude
from fakeclaude.server import FakeClaude

from elixir_pro.agent import AgentDefinition, resolve_agent
from elixir_pro.config import LlmConfig
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
def waits() -> list[float]:
    return []


@pytest.fixture
def make_backend(fake_claude: FakeClaude, waits: list[float]) -> Callable[..., AnthropicBackend]:
    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    def build(**settings: object) -> AnthropicBackend:
        client = anthropic.AsyncAnthropic(
            base_url=fake_claude.base_url, api_key="test-key", max_retries=0
        )
        return AnthropicBackend(client, "claude-sonnet-5-5", LlmConfig(**settings), sleep=no_wait)  # type: ignore[arg-type]

    return build
