"""The ``agents`` and ``prompt`` commands, run as the real ``elixir-pro`` console script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "agent"
SCRIPT = Path(sys.executable).parent / "elixir-pro"


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, check=False, cwd=cwd, timeout=60
    )


def test_prompt_critical_audit(repo_root: Path) -> None:
    result = _run("prompt", "--mode", "critical", "--tools", "audit", cwd=repo_root)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ":observer" in out
    assert "### [CRITICAL] {Finding Title}" in out and "## OTP Analysis" in out
    for generative in (
        "GenStage for backpressure",
        "Use Ecto changesets for data validation",
        "Include telemetry for observability",
        "When Generative",
    ):
        assert generative not in out
    assert "## Production Readiness" not in out


def test_prompt_defaults_to_the_agents_defaults(repo_root: Path) -> None:
    result = _run("prompt", "--project", str(repo_root))
    assert result.returncode == 0, result.stderr
    assert "Cognitive mode: generative." in result.stdout
    assert "Ensemble role: solo." in result.stdout
    assert "## Production Readiness" in result.stdout  # default tool mode: solution


def test_agents_lists_project_and_claude_code_agents(tmp_path: Path, repo_root: Path) -> None:
    (tmp_path / "agents").mkdir()
    shutil.copy(repo_root / "agents" / "elixir-pro.md", tmp_path / "agents")
    (tmp_path / ".claude" / "agents").mkdir(parents=True)
    shutil.copy(FIXTURES / "code-reviewer.md", tmp_path / ".claude" / "agents")
    result = _run("agents", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ORIGIN", "PATH", "DESCRIPTION"]
    assert lines[1].startswith("elixir-pro")
    assert "project agents/" in lines[1] and "agents/elixir-pro.md" in lines[1]
    assert lines[2].startswith("code-reviewer")
    assert "project .claude/agents/" in lines[2]
    assert ".claude/agents/code-reviewer.md" in lines[2]
    assert "Reviews recent changes for bugs" in lines[2]
    assert "bundled (shadowed)" in lines[3]


def test_agents_shows_broken_file_as_row(tmp_path: Path) -> None:
    (tmp_path / ".claude" / "agents").mkdir(parents=True)
    (tmp_path / ".claude" / "agents" / "bad.md").write_text(
        "---\nname: bad\ndescription: x\ntools: Read, Teleport\n---\n"
    )
    result = _run("agents", str(tmp_path))
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("bad"))
    assert "ERROR:" in row and "unknown tool 'Teleport'" in row and ":4:" in row
    assert any(line.startswith("elixir-pro") for line in result.stdout.splitlines())


def test_agents_exits_1_when_default_agent_is_broken(tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "elixir-pro.md").write_text("---\nname: elixir-pro\n---\n")
    result = _run("agents", str(tmp_path))
    assert result.returncode == 1
    assert "missing required key 'description'" in result.stdout
    assert result.stderr.count("\n") == 1 and "does not load" in result.stderr


def _broken_project(tmp_path: Path, content: bytes) -> Path:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "elixir-pro.md").write_bytes(content)
    return tmp_path


BAD_USAGE = [
    ("bad-mode", ["prompt", "--mode", "dreamy"], "invalid choice: 'dreamy'"),
    ("bad-tools", ["prompt", "--tools", "write"], "invalid choice: 'write'"),
    ("bad-role", ["prompt", "--role", "boss"], "invalid choice: 'boss'"),
    ("bad-agent", ["prompt", "--agent", "ghost"], "no agent named 'ghost'"),
    ("missing-file", ["prompt", "--agent", "nowhere.md"], "nowhere.md: no such agent file"),
    ("bad-project", ["prompt", "--project", "/no/such/dir"], "--project: not a directory"),
    ("agents-bad-path", ["agents", "/no/such/dir"], "/no/such/dir: not a directory"),
]


@pytest.mark.parametrize(
    ("args", "expected"), [c[1:] for c in BAD_USAGE], ids=[c[0] for c in BAD_USAGE]
)
def test_bad_usage_is_one_line_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    result = _run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


BAD_FILES = [
    ("malformed-yaml", b"---\nname: elixir-pro\ndescription: [x\n---\n", ":4: malformed YAML"),
    ("no-frontmatter", b"# Just markdown\n", ":1: missing YAML frontmatter"),
    ("non-utf8", b"---\nname: elixir-pro\ndescription: \xff\n---\n", ":3: not UTF-8"),
    (
        "wrong-type",
        b"---\nname: elixir-pro\ndescription: d\ncognitive_modes:\n  critical:\n"
        b"    mindset: [a]\n    output: o\n    risk_profile: r\n---\n",
        ":6: cognitive_modes.critical.mindset: expected text, got a list",
    ),
    (
        "unknown-mode",
        b"---\nname: elixir-pro\ndescription: d\ncognitive_modes:\n  dreaming:\n    mindset: m\n"
        b"---\n",
        ":5: cognitive_modes.dreaming: unknown cognitive mode",
    ),
    (
        "unknown-tool",
        b"---\nname: elixir-pro\ndescription: d\ntools:\n  audit: Read, Hammer\n---\n",
        ":5: tools.audit: unknown tool 'Hammer'",
    ),
    (
        "unknown-key",
        b"---\nname: elixir-pro\ndescription: d\nmodle: opus\n---\n",
        ":4: modle: unknown key; allowed keys:",
    ),
    ("missing-field", b"---\nname: elixir-pro\n---\n", "missing required key 'description'"),
]


@pytest.mark.parametrize(
    ("content", "expected"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_agent_file_is_one_line_exit_2(tmp_path: Path, content: bytes, expected: str) -> None:
    project = _broken_project(tmp_path, content)
    result = _run("prompt", "--mode", "critical", "--tools", "audit", cwd=project)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("elixir-pro: agents/elixir-pro.md:")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
