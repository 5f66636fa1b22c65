"""Fixtures shared by the backend and conversation tests: a copy of the small Elixir project
the fake server's conversations are about, and the real agent definition."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from elixir_pro.agent import AgentDefinition, resolve_agent

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
