"""Code health, run by the test command: ruff, ruff format, mypy, the import contract (the
core never imports Textual) and the bundled agent file being the user's definition verbatim."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_SHA256 = "82d8b357947b7f72ba99139cf01e5fe6fc1ba756eaeca11270e78b375da5d2da"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, check=False)


def test_ruff_check_is_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_never_imports_textual() -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        "import elixir_pro\n"
        "for m in pkgutil.walk_packages(elixir_pro.__path__, 'elixir_pro.'):\n"
        "    if m.name.startswith('elixir_pro.tui') or m.name == 'elixir_pro.__main__':\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.'))\n"
        "print(len(list(pkgutil.walk_packages(elixir_pro.__path__, 'elixir_pro.'))))\n"
        "assert not bad, bad\n"
    )
    result = _run(sys.executable, "-c", script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert int(result.stdout.strip()) > 10


def test_bundled_agent_is_the_users_definition_verbatim() -> None:
    data = (REPO / "agents" / "elixir-pro.md").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256


@pytest.mark.slow
def test_wheel_ships_agent_and_themes(tmp_path: Path) -> None:
    result = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = tmp_path.glob("elixir_pro-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        agent = archive.read("elixir_pro/_bundled/agents/elixir-pro.md")
    assert hashlib.sha256(agent).hexdigest() == SEED_SHA256
    assert any(n.startswith("elixir_pro/_bundled/themes/") and n.endswith(".yaml") for n in names)


def _fenced_sh_blocks(markdown: str) -> list[str]:
    blocks, inside, current = [], False, []
    for line in markdown.splitlines():
        if line.startswith("```"):
            if inside:
                blocks.append("\n".join(current).strip())
            inside, current = (not inside and line.strip() == "```sh"), []
            continue
        if inside:
            current.append(line)
    return blocks


def test_readme_has_two_commands_and_ci_runs_the_test_one_verbatim() -> None:
    commands = _fenced_sh_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 2
    opener, tester = commands
    assert opener.endswith("elixir-pro examples/courier")
    assert (REPO / "examples" / "courier" / "mix.exs").is_file()
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tester in ci_lines
