"""``elixir-pro [PATH]``: open the TUI on a project."""

from __future__ import annotations

import argparse
from pathlib import Path

from elixir_pro.errors import UserError

NAME = "open"
HELP = "Open the TUI on PATH (the default command)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.add_argument("--resume", action="store_true", help="reopen the last session")
    parser.add_argument("--model", help="Claude model id or line (sonnet, opus, haiku)")
    parser.add_argument("--offline", action="store_true", help="use the offline engine only")
    parser.add_argument("--agent", help="agent name (default: elixir-pro)")


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UserError("not a directory", path=args.path)
    from elixir_pro.config import load_config

    load_config(root.resolve())  # a bad settings file stops here: one line, exit status 2
    from elixir_pro.tui.launch import launch

    return launch(root, args)
