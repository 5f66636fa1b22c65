"""``elixir-pro prompt``: print the system prompt composed for a cognitive mode, tool mode
and ensemble role, exactly as the backends send it: the agent's text, then the project's
instructions (AGENTS.md, CLAUDE.md, dependencies' usage rules), whose summary (files, budget
used, what did not fit) goes to stderr."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from elixir_pro.agent.modes import COGNITIVE_MODES, ENSEMBLE_ROLES, TOOL_MODES
from elixir_pro.errors import UserError

NAME = "prompt"
HELP = "Print the system prompt for a cognitive mode, tool mode and ensemble role."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mode",
        choices=[m.value for m in COGNITIVE_MODES],
        help="cognitive mode (default: the agent's default mode)",
    )
    parser.add_argument(
        "--tools",
        choices=[m.value for m in TOOL_MODES],
        help="tool mode (default: the agent's tools.default_mode)",
    )
    parser.add_argument(
        "--role",
        choices=[r.value for r in ENSEMBLE_ROLES],
        help="ensemble role (default: the agent's default role)",
    )
    parser.add_argument("--agent", help="agent name or path to an agent .md file")
    parser.add_argument("--project", default=".", help="project root (default: .)")
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="FILE",
        help="a file in the context (its directory's AGENTS.md/CLAUDE.md join the prompt)",
    )


def run(args: argparse.Namespace) -> int:
    root = Path(args.project)
    if not root.is_dir():
        raise UserError("not a directory", path=args.project, field="--project")
    from elixir_pro.agent import compose_system_prompt, resolve_agent
    from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
    from elixir_pro.config import load_config
    from elixir_pro.conversation.instructions import project_instructions, with_instructions
    from elixir_pro.llm.context import relative_context

    for rel in args.context:
        target = (root / rel).resolve()
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            raise UserError("not a file inside the project", path=rel, field="--context")
    config = load_config(root)
    agent = resolve_agent(root, args.agent)
    mode = CognitiveMode(args.mode) if args.mode else agent.cognitive_modes.default
    tools = ToolMode(args.tools) if args.tools else agent.tools.default_mode
    role = EnsembleRole(args.role) if args.role else agent.ensemble_roles.default
    context = relative_context(root, list(args.context))
    found = project_instructions(root, context, budget=config.llm.instructions_budget_tokens)
    sys.stdout.write(with_instructions(compose_system_prompt(agent, mode, tools, role), found))
    sys.stdout.flush()
    print(f"elixir-pro: {found.summary()}", file=sys.stderr)
    return 0
