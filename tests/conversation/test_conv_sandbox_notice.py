"""A Claude session without a working Bash sandbox says so once, when it opens; with one, or
with the offline engine (which runs no commands), it says nothing about it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fakeclaude.server import FakeClaude

from elixir_pro.conversation.workspace import open_workspace


def _broken_bwrap(folder: Path) -> Path:
    folder.mkdir()
    bwrap = folder / "bwrap"
    bwrap.write_text("#!/bin/sh\necho 'bwrap: Creating new namespace failed' >&2\nexit 1\n")
    bwrap.chmod(0o755)
    return bwrap


async def test_no_sandbox_is_said_once_when_the_session_opens(
    project: Path, fake_claude: FakeClaude, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"ANTHROPIC_API_KEY": "k", "ANTHROPIC_BASE_URL": fake_claude.base_url}
    working = await open_workspace(project, model="claude-x", env=env)
    assert not [n for n in working.notices if "sandbox" in n]
    await working.aclose()
    bin_dir = _broken_bwrap(tmp_path / "bin").parent
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    broken = await open_workspace(project, model="claude-x", env=env)
    await broken.aclose()
    warned = [n for n in broken.notices if "sandbox" in n]
    assert warned == [
        "The Bash sandbox is unavailable (bwrap cannot start: bwrap: Creating new namespace "
        "failed): every shell command will be asked for and runs without it; headless runs "
        "refuse shell commands."
    ]
    offline = await open_workspace(project, offline=True, env=env)
    assert not [n for n in offline.notices if "sandbox" in n]
