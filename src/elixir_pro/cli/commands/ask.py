"""``elixir-pro ask "question"``: one headless turn in a cognitive mode, streamed to stdout.

Staged changes are printed as a unified diff at the end (never applied); an escalated turn
ends with ``escalated: <reasons>``. Exit 0 on success, 1 on an API error or an interrupted
turn, 2 on bad usage, 4 when the answer was cut off at the continuation cap.
Without an API key (or with ``--offline``) the offline engine answers.

Every ask is saved in the project's session store (the TUI's); ``--continue`` goes on with the
last session of the project in that mode and ``--session ID`` with a given one, sending the
earlier turns back as history (:mod:`elixir_pro.conversation.continuation`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.agent.modes import COGNITIVE_MODES, ENSEMBLE_ROLES, TOOL_MODES
from elixir_pro.errors import UserError

if TYPE_CHECKING:
    from elixir_pro.conversation.store import SessionStore

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
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--continue",
        dest="continue_session",
        action="store_true",
        help="continue the last session of this project in this mode (its turns are sent back)",
    )
    which.add_argument(
        "--session",
        metavar="ID",
        help="continue the session with this id (or a unique prefix; see 'elixir-pro sessions')",
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
    from elixir_pro.conversation.continuation import continued, title_for
    from elixir_pro.conversation.headless import Renderer
    from elixir_pro.conversation.workspace import open_workspace, store_sink
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
    store: SessionStore | None = None
    try:
        mode = CognitiveMode(args.mode) if args.mode else workspace.agent.cognitive_modes.default
        session = workspace.session(mode)
        store, session_id = _conversation(args, root, mode.value)
        for notice in workspace.notices:
            renderer.notice(notice)
        if store is not None:
            if session_id is None:
                session_id = store.create_session(workspace.agent.name, title_for(args.question))
            else:
                session.restore(continued(store, session_id, mode.value).history)
            workspace.sink = store_sink(store, session_id)
            renderer.session(session_id, continued=bool(args.continue_session or args.session))
        role = EnsembleRole(args.role) if args.role else None
        from elixir_pro.pipeline.context import pipeline_context

        extra = await asyncio.to_thread(pipeline_context, root, mode, list(args.context))
        stream = session.send(args.question, args.context, role=role, extra_context=extra)
        async for event in stream:
            renderer.event(event)
        renderer.closing(workspace.changeset, workspace.status)
    finally:
        await workspace.aclose()
        if store is not None:
            store.close()
    return renderer.exit_status


def _conversation(
    args: argparse.Namespace, root: Path, mode: str
) -> tuple[SessionStore | None, str | None]:
    """The session store and the session to continue (None: a new one). Without
    ``--continue``/``--session`` a store that cannot be opened only means nothing is saved."""
    from elixir_pro.conversation.continuation import find_session, last_session
    from elixir_pro.conversation.store import SessionStore

    wanted = bool(args.continue_session or args.session)
    try:
        store = SessionStore.open(root)
    except UserError:
        if wanted:
            raise
        return None, None
    try:
        if args.session:
            return store, find_session(store, args.session)
        if args.continue_session:
            return store, last_session(store, mode)
    except UserError:
        store.close()
        raise
    return store, None
