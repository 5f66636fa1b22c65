"""A compiled copy of examples/courier for tests that need the real ``mix``: the example is copied
and compiled cold once per test session, and each test gets a copy of that tree with its
``_build`` (mtimes kept, so Mix finds nothing stale and the first warm compile is a no-op).

Used by the compiler, watch, audit and TUI tests of compiler diagnostics.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "courier"
_PREBUILT: dict[str, Path] = {}
COMPILE_TIMEOUT_S = 240.0


def prebuilt_courier(factory: pytest.TempPathFactory) -> Path:
    """The session's compiled copy of the example (compiled on first use). Do not modify it."""
    root = _PREBUILT.get("courier")
    if root is not None and root.is_dir():
        return root
    root = factory.mktemp("courier-prebuilt") / "courier"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_build", "deps"))
    result = cold_compile(root)
    assert result.returncode == 0, result.stdout + result.stderr
    _PREBUILT["courier"] = root
    return root


def courier_copy(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """A fresh, compiled copy of the example at ``dest`` (created)."""
    shutil.copytree(prebuilt_courier(factory), dest, symlinks=True)
    return dest


def cold_compile(root: Path) -> subprocess.CompletedProcess[str]:
    """A plain ``mix compile`` in ``root``."""
    return subprocess.run(
        ["mix", "compile"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=COMPILE_TIMEOUT_S,
        env=_env(),
        stdin=subprocess.DEVNULL,
    )


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["MIX_ENV"] = "dev"
    env.setdefault("LANG", "C.UTF-8")
    return env


UNUSED_VARIABLE = "    unused_here = 42\n"


def add_unused_variable(root: Path, rel: str = "lib/courier/rate_card.ex") -> tuple[str, int]:
    """Insert an unused variable as the first line of the first ``def`` body of ``rel``;
    returns the path and the 1-based line of the new statement."""
    path = root / rel
    lines = path.read_text().splitlines(keepends=True)
    for index, text in enumerate(lines):
        stripped = text.lstrip()
        if stripped.startswith("def ") and stripped.rstrip().endswith(" do"):
            lines.insert(index + 1, UNUSED_VARIABLE)
            path.write_text("".join(lines))
            return rel, index + 2
    raise AssertionError(f"no multi-line def in {rel}")


def wait_gone(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` has exited within ``timeout`` (waits on a pidfd: no polling)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)
