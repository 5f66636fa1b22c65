"""``elixir-pro agents [PATH]``: list the agent files found for a project, where each came
from, and which ones fail to load.

Exit status: 0 when the default agent (elixir-pro) loads, 1 when it is missing or broken
(other broken files are listed as error rows and do not change the status), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from elixir_pro.errors import UserError

NAME = "agents"
HELP = "List the agents found for a project and where each came from."
_DESCRIPTION_WIDTH = 72


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        home = Path.home().resolve()
        try:
            return "~/" + str(path.resolve().relative_to(home))
        except ValueError:
            return str(path)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DESCRIPTION_WIDTH else text[: _DESCRIPTION_WIDTH - 1] + "…"


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UserError("not a directory", path=args.path)
    from elixir_pro.agent.discovery import DEFAULT_AGENT, discover_agents

    sources = discover_agents(root)
    rows = [("NAME", "ORIGIN", "PATH", "DESCRIPTION")]
    for source in sources:
        origin = source.origin + (" (shadowed)" if source.shadowed else "")
        if source.agent is not None:
            detail = _short(source.agent.description)
        else:
            detail = f"ERROR: {source.error.one_line() if source.error else 'unreadable'}"
        rows.append((source.name, origin, _shown(source.path, root), detail))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        print("  ".join([*cells, row[3]]).rstrip())

    default = next((s for s in sources if s.name == DEFAULT_AGENT and not s.shadowed), None)
    if default is None:
        print(f"elixir-pro: the default agent '{DEFAULT_AGENT}' was not found", file=sys.stderr)
        return 1
    if default.agent is None:
        print(f"elixir-pro: the default agent '{DEFAULT_AGENT}' does not load", file=sys.stderr)
        return 1
    return 0
