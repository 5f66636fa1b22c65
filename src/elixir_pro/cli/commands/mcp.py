"""``elixir-pro mcp [PATH]``: serve the offline engine of the project at PATH as an MCP server on
stdin/stdout (for Claude Code, Codex CLI, OpenCode, Zed...; see docs/protocols.md). The SDK is
imported here, inside ``run``, never at start-up of other commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from elixir_pro.errors import UserError

NAME = "mcp"
HELP = "Serve the engine (audit, supervision, docs, gates, fixes) as an MCP server on stdio."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UserError("not a directory", path=args.path)
    import anyio

    from elixir_pro.config import load_config

    load_config(root.resolve())  # a bad settings file is one line before serving
    from elixir_pro.protocols.stderr_log import one_line_logging

    one_line_logging("elixir-pro mcp")
    from elixir_pro.protocols.mcp_server import serve_stdio

    anyio.run(serve_stdio, root)
    return 0
