"""``elixir-pro fix [PATH]``: stage the engine's safe autofixes for PATH (a project, folder or
file) and open the review screen on them. Nothing lands without review: there is deliberately
no non-interactive apply. Leaving the screen keeps the fixes pending for ``elixir-pro review``."""

from __future__ import annotations

import argparse

NAME = "fix"
HELP = "Stage the engine's autofixes for PATH and review them hunk by hunk."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project, folder or file (default: .)")
    parser.add_argument(
        "--commit", action="store_true", help="git-commit exactly the applied files"
    )
    parser.add_argument("--no-verify", action="store_true", help="skip mix format/compile/test")


def run(args: argparse.Namespace) -> int:
    from elixir_pro.changes import store
    from elixir_pro.changes.cli_support import project_root_for, recover_at_start, verify_and_render
    from elixir_pro.engine.autofix import autofix_changeset

    root, rel = project_root_for(args.path)
    for line in recover_at_start(root):
        print(line)
    changeset = autofix_changeset(root, [rel] if rel else None)
    if not len(changeset):
        print(f"No autofixes for {args.path}.")
        return 0
    store.save(changeset)
    from elixir_pro.tui.review_app import run_review

    outcomes = run_review([changeset], commit=args.commit)
    if outcomes:
        print(verify_and_render(root, outcomes, verify=not args.no_verify))
    else:
        print("Left without applying; 'elixir-pro review' reopens the fixes.")
    return 0
