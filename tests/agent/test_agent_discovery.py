"""Agent discovery across the project, the user's folders and the bundled default."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from elixir_pro.agent import discover_agents, resolve_agent
from elixir_pro.errors import UserError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "agent"


def _agent(folder: Path, name: str, description: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(f"---\nname: {name}\ndescription: {description}\n---\nBody.\n")
    return path


def test_bundled_default_is_found_for_an_empty_project(tmp_path: Path) -> None:
    sources = discover_agents(tmp_path)
    assert [(s.name, s.origin) for s in sources] == [("elixir-pro", "bundled")]
    agent = resolve_agent(tmp_path)
    assert agent.name == "elixir-pro"
    assert agent.tools.default_mode.value == "solution"


def test_every_location_in_order_and_earlier_wins(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    home = Path(os.environ["HOME"])
    config = Path(os.environ["ELIXIR_PRO_CONFIG_DIR"])
    _agent(project / "agents", "alpha", "from project agents")
    _agent(project / ".claude" / "agents", "alpha", "from project claude")
    shutil.copy(FIXTURES / "code-reviewer.md", _dir(project / ".claude" / "agents"))
    _agent(home / ".claude" / "agents", "beta", "from user claude")
    _agent(config / "agents", "beta", "from user config")
    _agent(config / "agents", "elixir-pro", "user override of the default")

    sources = discover_agents(project)
    table = [(s.name, s.origin, s.shadowed) for s in sources]
    assert table == [
        ("alpha", "project agents/", False),
        ("alpha", "project .claude/agents/", True),
        ("code-reviewer", "project .claude/agents/", False),
        ("beta", "user ~/.claude/agents/", False),
        ("beta", "user config", True),
        ("elixir-pro", "user config", False),
        ("elixir-pro", "bundled", True),
    ]
    assert resolve_agent(project, "alpha").description == "from project agents"
    assert resolve_agent(project, "beta").description == "from user claude"
    assert resolve_agent(project).description == "user override of the default"
    assert resolve_agent(project, "code-reviewer").tools.audit == ("Read", "Grep", "Glob")


def _dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_broken_file_is_a_row_not_a_failure(tmp_path: Path) -> None:
    broken = _dir(tmp_path / "agents") / "broken.md"
    broken.write_text("---\nname: broken\ndescription: [unclosed\n---\n")
    sources = discover_agents(tmp_path)
    row = next(s for s in sources if s.name == "broken")
    assert row.agent is None and row.error is not None
    assert "malformed YAML" in str(row.error)
    assert any(s.name == "elixir-pro" and s.agent is not None for s in sources)
    with pytest.raises(UserError, match="malformed YAML"):
        resolve_agent(tmp_path, "broken")


def test_broken_project_default_is_not_silently_replaced(tmp_path: Path) -> None:
    (_dir(tmp_path / "agents") / "elixir-pro.md").write_text("no frontmatter\n")
    with pytest.raises(UserError, match="missing YAML frontmatter"):
        resolve_agent(tmp_path)


def test_unknown_agent_lists_what_exists(tmp_path: Path) -> None:
    with pytest.raises(UserError) as info:
        resolve_agent(tmp_path, "nope")
    assert str(info.value) == "--agent: no agent named 'nope'; found: elixir-pro"


def test_resolve_by_path(tmp_path: Path) -> None:
    agent = resolve_agent(tmp_path, str(FIXTURES / "doc-writer.md"))
    assert agent.name == "doc-writer"
    with pytest.raises(UserError, match="no such agent file"):
        resolve_agent(tmp_path, str(tmp_path / "missing.md"))
