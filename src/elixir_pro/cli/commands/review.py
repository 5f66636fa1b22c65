"""``elixir-pro review [PATH]``: reopen the pending changesets of the project at PATH (staged by
a turn or by ``fix``, kept across restarts and crashes) in the review screen; verify and print
what was applied."""

from __future__ import annotations

import argparse

NAME = "review"
HELP = "Reopen the pending changes of the project at PATH for per-hunk review."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.add_argument(
        "--commit", action="store_true", help="git-commit exactly the applied files"
    )
    parser.add_argument("--no-verify", action="store_true", help="skip mix format/compile/test")


def run(args: argparse.Namespace) -> int:
    from elixir_pro.changes import store
    from elixir_pro.changes.cli_support import project_root_for, recover_at_start, verify_and_render

    root, _rel = project_root_for(args.path)
    for line in recover_at_start(root):
        print(line)
    pending = store.pending(root)
    if not pending:
        print(f"No pending changes for {root}.")
        return 0
    from elixir_pro.tui.review_app import run_review

    outcomes = run_review(pending, commit=args.commit)
    if outcomes:
        print(verify_and_render(root, outcomes, verify=not args.no_verify))
    left = len(store.pending(root))
    if left:
        print(f"{left} changeset(s) still pending: 'elixir-pro review' reopens them.")
    return 0
