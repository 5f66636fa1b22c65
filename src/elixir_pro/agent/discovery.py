"""Finding agent files: the project's ``agents/`` and ``.claude/agents/``, the user's
``~/.claude/agents/`` and ``<config dir>/agents``, then the bundled default. Earlier
locations win by agent name; a broken file is reported, never fatal to listing.

Used by the ``agents`` and ``prompt`` commands, the TUI and the headless ``ask`` command
(through :func:`resolve_agent`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.agent.model import AgentDefinition
from elixir_pro.agent.parse import load_agent
from elixir_pro.errors import UserError
from elixir_pro.paths import bundled_dir, config_dir

DEFAULT_AGENT = "elixir-pro"


@dataclass(frozen=True, slots=True)
class AgentSource:
    """One agent file found. ``name`` is the agent's own name (the file stem when the file
    does not load); ``shadowed`` is True when an earlier location has an agent of that name."""

    name: str
    path: Path
    origin: str
    agent: AgentDefinition | None
    error: UserError | None
    shadowed: bool = False


def search_locations(project_root: Path) -> list[tuple[str, Path]]:
    """(origin label, folder) in precedence order (the home folder is left out when the
    environment names none)."""
    locations = [
        ("project agents/", project_root / "agents"),
        ("project .claude/agents/", project_root / ".claude" / "agents"),
    ]
    with contextlib.suppress(RuntimeError):
        locations.append(("user ~/.claude/agents/", Path.home() / ".claude" / "agents"))
    locations += [("user config", config_dir() / "agents"), ("bundled", bundled_dir("agents"))]
    return locations


def _files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == ".md" and p.is_file())
    except OSError:
        return []


def discover_agents(project_root: Path) -> list[AgentSource]:
    """Every agent file in every location, in precedence order. The same file reached through
    two locations (the bundled folder is the project's ``agents/`` in a source checkout) is
    listed once, under the earlier location."""
    seen_files: set[Path] = set()
    seen_names: set[str] = set()
    found: list[AgentSource] = []
    for origin, folder in search_locations(project_root):
        for path in _files(folder):
            resolved = path.resolve()
            if resolved in seen_files:
                continue
            seen_files.add(resolved)
            try:
                agent: AgentDefinition | None = load_agent(path)
                error: UserError | None = None
            except UserError as exc:
                agent, error = None, exc
            name = agent.name if agent is not None else path.stem
            found.append(AgentSource(name, path, origin, agent, error, shadowed=name in seen_names))
            seen_names.add(name)
    return found


def resolve_agent(project_root: Path, name: str | None = None) -> AgentDefinition:
    """The winning agent of that name (default ``elixir-pro``), or the file itself when
    ``name`` ends in ``.md``. When the winning file is broken its error is raised: a
    project's own broken file never silently falls back to a later one."""
    wanted = name or DEFAULT_AGENT
    if wanted.endswith(".md"):
        return load_agent(Path(wanted))
    sources = discover_agents(project_root)
    for source in sources:
        if source.name == wanted and not source.shadowed:
            if source.agent is None:
                assert source.error is not None
                raise source.error
            return source.agent
    names = sorted({s.name for s in sources if s.agent is not None})
    known = f"; found: {', '.join(names)}" if names else "; no agent files were found"
    raise UserError(f"no agent named '{wanted}'{known}", field="--agent")
