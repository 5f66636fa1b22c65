"""``elixir-pro acp``: run elixir-pro as an Agent Client Protocol agent on stdin/stdout, for
editors and terminals that host ACP agents (Zed, JetBrains IDEs, Toad; see docs/protocols.md).
The project is the session's working directory, as the client sends it. The SDK is imported
here, inside ``run``, never at start-up of other commands. Diagnostics go to stderr: stdout
carries the protocol only."""

from __future__ import annotations

import argparse

NAME = "acp"
HELP = "Serve elixir-pro as an ACP agent on stdio (Zed, JetBrains, Toad)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true", help="answer with the offline engine")
    parser.add_argument("--model", help="model id or line (sonnet, opus, haiku)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_serve(args))


async def _serve(args: argparse.Namespace) -> int:
    import os
    import stat
    import sys

    from elixir_pro.errors import UserError
    from elixir_pro.protocols.stderr_log import one_line_logging

    for stream in (sys.stdin, sys.stdout):
        mode = os.fstat(stream.fileno()).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
            raise UserError("stdin and stdout must be pipes: an ACP client starts this command")
    one_line_logging("elixir-pro acp")
    from acp import run_agent

    from elixir_pro.protocols.acp_agent import ElixirProAgent

    agent = ElixirProAgent(offline=args.offline, model=args.model)
    try:
        await run_agent(agent)
    finally:
        await agent.aclose()
    return 0
