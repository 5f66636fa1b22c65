"""Fixtures for the TUI tests: a copy of the example project in a temp git repository, the fake
Messages server, and helpers to wait on the app's state (never fixed sleeps)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fakeclaude.fixtures import claude_env, fake_claude

__all__ = ["claude_env", "courier", "fake_claude"]

REPO = Path(__file__).resolve().parents[2]


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
            "HOME": str(root),
            "PATH": "/usr/bin:/bin",
        },
    )


@pytest.fixture
def courier(tmp_path: Path) -> Path:
    """examples/courier copied into a fresh git repository (one commit)."""
    root = tmp_path / "courier"
    shutil.copytree(
        REPO / "examples" / "courier", root, ignore=shutil.ignore_patterns("_build", "deps")
    )
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "initial")
    return root
