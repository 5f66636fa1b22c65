"""Model resolution against GET /v1/models on the fake server: newest active model of the
line, the per-day cache, explicit ids, and the fallback when the list fails."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import anthropic
from fakeclaude.server import FakeClaude, error_reply, model_info

from elixir_pro.config import Config, LlmConfig
from elixir_pro.llm.factory import create_backend
from elixir_pro.llm.models import FALLBACK_MODELS, resolve_model

MODELS = [
    model_info("claude-sonnet-9-9", "sonnet", "2026-10-01T00:00:00Z", lifecycle="deprecated"),
    model_info("claude-opus-7", "opus", "2026-09-01T00:00:00Z"),
    model_info("claude-sonnet-8", "sonnet", "2026-08-01T00:00:00Z"),
    model_info("claude-sonnet-7", "sonnet", "2026-02-01T00:00:00Z"),
    model_info("claude-legacy", None, "2026-11-01T00:00:00Z"),
]


def client(fake: FakeClaude) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=fake.base_url, api_key="k", max_retries=0)


def model_gets(fake: FakeClaude) -> int:
    return len([r for r in fake.requests if r.path.startswith("/v1/models")])


async def test_line_resolves_to_the_newest_active_model(
    fake_claude: FakeClaude, tmp_path: Path
) -> None:
    fake_claude.models = MODELS
    choice = await resolve_model(client(fake_claude), "sonnet", cache_dir=tmp_path)
    assert (choice.model_id, choice.source, choice.notice) == ("claude-sonnet-8", "models.list", "")
    opus = await resolve_model(client(fake_claude), "opus", cache_dir=tmp_path)
    assert (opus.model_id, opus.source) == ("claude-opus-7", "cache")
    assert model_gets(fake_claude) == 1


async def test_cache_is_per_day(fake_claude: FakeClaude, tmp_path: Path) -> None:
    fake_claude.models = MODELS
    today, tomorrow = date(2026, 11, 23), date(2026, 11, 24)
    await resolve_model(client(fake_claude), "sonnet", cache_dir=tmp_path, today=today)
    again = await resolve_model(client(fake_claude), "sonnet", cache_dir=tmp_path, today=today)
    assert again.source == "cache" and model_gets(fake_claude) == 1
    fake_claude.models = [model_info("claude-sonnet-10", "sonnet", "2026-11-24T00:00:00Z")]
    fresh = await resolve_model(client(fake_claude), "sonnet", cache_dir=tmp_path, today=tomorrow)
    assert fresh.model_id == "claude-sonnet-10" and model_gets(fake_claude) == 2


async def test_explicit_id_is_used_as_given(fake_claude: FakeClaude, tmp_path: Path) -> None:
    choice = await resolve_model(client(fake_claude), "claude-custom-1", cache_dir=tmp_path)
    assert (choice.model_id, choice.source) == ("claude-custom-1", "explicit")
    assert model_gets(fake_claude) == 0


async def test_failed_list_falls_back_with_a_notice(
    fake_claude: FakeClaude, tmp_path: Path
) -> None:
    fake_claude.models_error = error_reply(500, "api_error", "models unavailable")
    choice = await resolve_model(client(fake_claude), "sonnet", cache_dir=tmp_path)
    assert choice.model_id == FALLBACK_MODELS["sonnet"] and choice.source == "fallback"
    assert "Could not list models" in choice.notice and FALLBACK_MODELS["sonnet"] in choice.notice
    assert not (tmp_path / "models-cache.json").exists()


async def test_line_missing_from_the_list_falls_back(
    fake_claude: FakeClaude, tmp_path: Path
) -> None:
    fake_claude.models = [model_info("claude-opus-7", "opus", "2026-09-01T00:00:00Z")]
    choice = await resolve_model(client(fake_claude), "haiku", cache_dir=tmp_path)
    assert choice.model_id == FALLBACK_MODELS["haiku"] and "No active 'haiku'" in choice.notice


async def test_precedence_flag_then_config_then_agent(
    fake_claude: FakeClaude, tmp_path: Path
) -> None:
    fake_claude.models = MODELS
    env = {"ANTHROPIC_API_KEY": "k", "ANTHROPIC_BASE_URL": fake_claude.base_url}
    config = Config(llm=LlmConfig(model="opus"))
    by_agent = await create_backend(tmp_path, Config(), agent_model="sonnet", env=env)
    by_config = await create_backend(tmp_path, config, agent_model="sonnet", env=env)
    by_flag = await create_backend(
        tmp_path, config, agent_model="sonnet", model_override="claude-x", env=env
    )
    assert [c.backend.label for c in (by_agent, by_config, by_flag)] == [
        "claude-sonnet-8",
        "claude-opus-7",
        "claude-x",
    ]
    assert not by_agent.backend.is_offline
