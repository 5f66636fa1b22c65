"""``elixir-pro supervision PATH``: print the project's supervision trees."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from elixir_pro.errors import UserError

NAME = "supervision"
HELP = "Print the project's supervision trees, read statically from the source."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.add_argument("--json", action="store_true", help="print the map as JSON")


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UserError("not a directory", path=args.path)
    from elixir_pro.engine.supervision_render import render_map
    from elixir_pro.project import ProjectService

    smap = ProjectService(root).supervision()
    if args.json:
        print(json.dumps(smap.to_json(), indent=2))
    else:
        print(render_map(smap))
    return 0
