"""``elixir-pro undo [PATH]``: restore the exact previous bytes of every file of the last apply
in the project at PATH (run it again for the one before); refuses, changing nothing, when a file
changed since that apply."""

from __future__ import annotations

import argparse

NAME = "undo"
HELP = "Undo the last apply in the project at PATH (again for the one before)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.add_argument("--list", action="store_true", help="list the applies that can be undone")


def run(args: argparse.Namespace) -> int:
    from elixir_pro.changes import journal
    from elixir_pro.changes.cli_support import project_root_for, recover_at_start

    root, _rel = project_root_for(args.path)
    for line in recover_at_start(root):
        print(line)
    if args.list:
        for entry in journal.undoable(root):
            files = ", ".join(f.path for f in entry.files)
            print(f"{entry.id}  {entry.message or entry.changeset_id}: {files}")
        return 0
    print(journal.undo(root).render_text())
    return 0
