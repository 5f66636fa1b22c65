"""Suite-wide fixtures: every test runs with its own config and state dirs and without the
user's Anthropic credentials, so nothing a test does touches the real home directory or
reaches the network by accident."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    base = tmp_path_factory.mktemp("env")
    monkeypatch.setenv("ELIXIR_PRO_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("ELIXIR_PRO_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("HOME", str(base / "home"))
    (base / "home").mkdir()
    for name in (
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "ELIXIR_PRO_MODEL",
    ):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
