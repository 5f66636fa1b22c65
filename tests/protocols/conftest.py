"""Fixtures for the protocol tests: a copy of the example project, the fake Messages server and
a real MCP server on 127.0.0.1 (see ``mcp_support``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakeclaude.fixtures import claude_env, fake_claude
from mcp_support import RunningMcpServer, serve_mcp

__all__ = ["claude_env", "courier", "fake_claude", "mcp_server"]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def courier(tmp_path: Path) -> Path:
    """examples/courier copied into a temp folder."""
    root = tmp_path / "courier"
    shutil.copytree(
        REPO / "examples" / "courier", root, ignore=shutil.ignore_patterns("_build", "deps")
    )
    return root


@pytest.fixture
def mcp_server() -> Iterator[RunningMcpServer]:
    with serve_mcp() as running:
        yield running
