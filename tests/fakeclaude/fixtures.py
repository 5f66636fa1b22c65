"""Pytest fixtures around :class:`fakeclaude.server.FakeClaude`.

``fake_claude`` starts a fresh server for the test and stops it afterwards; ``claude_env``
also points ``ANTHROPIC_BASE_URL``/``ANTHROPIC_API_KEY`` at it (for code that reads the
environment, such as the CLI or the TUI). Import them into a folder's conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakeclaude.server import FakeClaude


@pytest.fixture
def fake_claude() -> Iterator[FakeClaude]:
    with FakeClaude() as fake:
        yield fake


@pytest.fixture
def claude_env(fake_claude: FakeClaude, monkeypatch: pytest.MonkeyPatch) -> FakeClaude:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_claude.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    return fake_claude
