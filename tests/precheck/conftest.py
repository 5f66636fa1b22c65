"""Fixtures for the check before apply: the greeter fixture project (no dependencies) compiled
once with the real ``mix``, then copied for each test, and a digest of a whole directory tree."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

GREETER = Path(__file__).resolve().parents[1] / "fixtures" / "precheck" / "greeter"


def tree_digest(root: Path) -> str:
    """Every entry under ``root``: its relative path, kind, mode, and bytes or link target."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            stat = path.lstat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_mode}\0".encode())
            if path.is_symlink():
                digest.update(os.readlink(path).encode())
            elif path.is_file():
                digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


@pytest.fixture(scope="session")
def compiled_greeter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("greeter-seed") / "greeter"
    shutil.copytree(GREETER, root)
    env = dict(os.environ, MIX_ENV="dev", LANG="C.UTF-8")
    subprocess.run(["mix", "compile"], cwd=root, env=env, check=True, capture_output=True)
    return root


@pytest.fixture
def greeter(compiled_greeter: Path, tmp_path: Path) -> Path:
    """A compiled copy of the greeter project (modification times kept, so nothing is stale)."""
    root = tmp_path / "greeter"
    shutil.copytree(compiled_greeter, root, symlinks=True)
    return root
