"""Fixtures for the backend tests: the fake Messages server, a copy of a small Elixir
project, the real agent definition and a backend bound to the fake server."""

from __future__ import annotations

from collections.abc import Callable

import anthropic
import pytest
from fakeclaude.fixtures import claude_env, fake_claude
from fakeclaude.project import agent, project
from fakeclaude.server import FakeClaude

from elixir_pro.config import LlmConfig
from elixir_pro.llm.anthropic_backend import AnthropicBackend

__all__ = ["agent", "claude_env", "fake_claude", "project"]


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
