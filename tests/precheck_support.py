"""The greeter fixture project (tests/fixtures/precheck/greeter: two modules, a test, a
``.formatter.exs``, no dependencies) compiled once per session with the real ``mix``, copies of
it for each test (modification times kept, so nothing is stale), staged edits on it, and a
digest of a whole directory tree (to show a shadow build leaves the project byte-identical).

Used by tests/precheck and the review screen's check-before-apply tests in tests/tui.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from elixir_pro.changes.changeset import Changeset

GREETER = Path(__file__).resolve().parent / "fixtures" / "precheck" / "greeter"
GREETER_EX = "lib/greeter.ex"
NAMES_EX = "lib/greeter/names.ex"
# two hunks in lib/greeter.ex: a harmless one, then a call to functions that do not exist
HARMLESS = ('@moduledoc "Greets people."', '@moduledoc "Greets people, politely."')
BROKEN_CALL = ('"Goodbye, " <> Names.display(name)', '"Goodbye, " <> Names.missing(name) <> nope()')
UNFORMATTED = ('"Hello, " <> Names.display(name) <> "!"', '"Hello, "<>Names.display( name )')
_SEED: dict[str, Path] = {}


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


def greeter_copy(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """A compiled copy of the greeter project at ``dest/greeter``."""
    seed = _SEED.get("greeter")
    if seed is None or not seed.is_dir():
        seed = factory.mktemp("greeter-seed") / "greeter"
        shutil.copytree(GREETER, seed)
        env = dict(os.environ, MIX_ENV="dev", LANG="C.UTF-8")
        subprocess.run(["mix", "compile"], cwd=seed, env=env, check=True, capture_output=True)
        _SEED["greeter"] = seed
    root = dest / "greeter"
    shutil.copytree(seed, root, symlinks=True)
    return root


def stage(root: Path, edits: dict[str, list[tuple[str, str]]], **kwargs: object) -> Changeset:
    """A changeset replacing, in each file, each ``old`` text with its ``new`` text."""
    changeset = Changeset(root, source="claude", description="Be polite", **kwargs)  # type: ignore[arg-type]
    changeset.created_at = 0.0
    for rel, pairs in edits.items():
        text = (root / rel).read_text()
        for old, new in pairs:
            assert old in text, old
            text = text.replace(old, new, 1)
        changeset.propose_text(rel, text)
    return changeset
