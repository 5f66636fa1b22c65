"""``elixir-pro ask "question"``: one headless turn in a cognitive mode, streamed to stdout.

Staged changes are printed as a unified diff at the end (never applied); an escalated turn
ends with ``escalated: <reasons>``. Exit 0 on success, 1 on an API error or an interrupted
turn, 2 on bad usage, 4 when the answer was cut off at the continuation cap.
Without an API key (or with ``--offline``) the offline engine answers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from elixir_pro.agent.modes import COGNITIVE_MODES, ENSEMBLE_ROLES, TOOL_MODES
from elixir_pro.errors import UserError

NAME = "ask"
HELP = "Ask one question headlessly and stream the answer (staged edits shown as a diff)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="what to ask")
    parser.add_argument(
        "--mode",
        choices=[m.value for m in COGNITIVE_MODES],
        help="cognitive mode (default: the agent's)",
    )
    parser.add_argument(
        "--tools", choices=[t.value for t in TOOL_MODES], help="tool mode (default: the agent's)"
    )
    parser.add_argument("--role", choices=[r.value for r in ENSEMBLE_ROLES], help="ensemble role")
    parser.add_argument("--model", help="model id or line (sonnet, opus, haiku)")
    parser.add_argument("--offline", action="store_true", help="answer with the offline engine")
    parser.add_argument("--json", action="store_true", help="one JSON event per line")
    parser.add_argument(
        "--allow-bash",
        action="append",
        default=[],
        metavar="PAT",
        help="allow Bash commands whose every part matches this rule ('mix test *'; "
        "repeatable; see docs/tools.md)",
    )
    parser.add_argument(
        "--bash-network",
        action="store_true",
        help="give allowed Bash commands the network (the sandbox has none by default)",
    )
    parser.add_argument("--project", default=".", help="project root (default: .)")
    parser.add_argument("--agent", help="agent name (default: elixir-pro)")
    parser.add_argument(
        "--context", action="append", default=[], metavar="FILE", help="add a file to the context"
    )


def run(args: argparse.Namespace) -> int:
    root = Path(args.project)
    if not root.is_dir():
        raise UserError("not a directory", path=args.project, field="--project")
    if not args.question.strip():
        raise UserError("the question is empty")
    import asyncio

    return asyncio.run(_ask(args, root))


async def _ask(args: argparse.Namespace, root: Path) -> int:
    import asyncio
    import sys

    from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
    from elixir_pro.config import load_config
    from elixir_pro.conversation.headless import Renderer
    from elixir_pro.conversation.workspace import open_workspace
    from elixir_pro.tools import HeadlessBashPolicy
    from elixir_pro.tools.bash_rules import parse_rules

    config = load_config(root)
    for rel in args.context:
        target = (root / rel).resolve()
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            raise UserError("not a file inside the project", path=rel, field="--context")
    parse_rules(config.tools.allow_bash, origin="tools.allow_bash")  # a bad rule: one line
    policy = HeadlessBashPolicy(
        [*config.tools.allow_bash, *args.allow_bash], network=args.bash_network
    )
    workspace = await open_workspace(
        root,
        agent_name=args.agent,
        model=args.model,
        offline=args.offline,
        tool_mode=ToolMode(args.tools) if args.tools else None,
        approve_bash=policy,
    )
    renderer = Renderer(sys.stdout, sys.stderr, as_json=args.json)
    try:
        for notice in workspace.notices:
            renderer.notice(notice)
        mode = CognitiveMode(args.mode) if args.mode else workspace.agent.cognitive_modes.default
        session = workspace.session(mode)
        role = EnsembleRole(args.role) if args.role else None
        from elixir_pro.pipeline.context import pipeline_context

        extra = await asyncio.to_thread(pipeline_context, root, mode, list(args.context))
        stream = session.send(args.question, args.context, role=role, extra_context=extra)
        async for event in stream:
            renderer.event(event)
        renderer.closing(workspace.changeset, workspace.status)
    finally:
        await workspace.aclose()
    return renderer.exit_status
