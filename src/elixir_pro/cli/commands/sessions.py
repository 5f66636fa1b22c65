"""``elixir-pro sessions``: the project's stored conversations, one line per session and mode
(id, mode, last activity, first prompt), the most recent first. They are the TUI's sessions
and ``ask``'s; ``ask --continue`` / ``ask --session ID`` go on with one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from elixir_pro.agent.modes import COGNITIVE_MODES
from elixir_pro.errors import UserError

NAME = "sessions"
HELP = "List the project's stored conversations (continue one with 'ask --session ID')."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mode", choices=[m.value for m in COGNITIVE_MODES], help="only this cognitive mode"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--project", default=".", help="project root (default: .)")


def run(args: argparse.Namespace) -> int:
    root = Path(args.project)
    if not root.is_dir():
        raise UserError("not a directory", path=args.project, field="--project")
    from elixir_pro.conversation.continuation import listing
    from elixir_pro.conversation.store import DB_NAME, SessionStore
    from elixir_pro.paths import project_state_dir

    rows = []
    if (project_state_dir(root) / DB_NAME).is_file():  # listing never creates a store
        with SessionStore.open(root) as store:
            rows = [r for r in store.list_panes() if args.mode in (None, r.pane)]
    if args.json:
        for row in rows:
            payload = {
                "id": row.session_id,
                "mode": row.pane,
                "updated": row.updated,
                "first_prompt": row.first_prompt,
            }
            print(json.dumps(payload, ensure_ascii=False))
        return 0
    lines = listing(rows)
    print("\n".join(lines) if lines else "No stored sessions for this project yet.")
    return 0
