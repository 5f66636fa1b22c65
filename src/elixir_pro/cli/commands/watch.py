"""``elixir-pro watch PATH [--json]``: the watcher without the TUI. Prints what changes, the
engine's findings and the compiler's diagnostics (new and resolved) as files are saved, until
Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
from pathlib import Path

from elixir_pro.errors import UserError

NAME = "watch"
HELP = "Watch PATH and print findings as files change (until Ctrl-C)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.add_argument("--json", action="store_true", help="one JSON event per line")
    parser.add_argument("--agent", help="agent whose proactive_triggers to use")
    parser.add_argument(
        "--debounce", type=int, metavar="MS", help="debounce window in ms (default: config, 50)"
    )
    parser.add_argument("--polling", action="store_true", help="poll instead of OS notifications")
    parser.add_argument(
        "--no-analysis", action="store_true", help="report changed files only, run no rules"
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="no compiler diagnostics (default: watch.compile, on; needs mix)",
    )


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UserError("not a directory", path=args.path)
    if args.debounce is not None and not 0 <= args.debounce <= 60_000:
        raise UserError("expected 0 to 60000 milliseconds", field="--debounce")
    from elixir_pro.watch.headless import watch_headless

    return watch_headless(
        root,
        as_json=args.json,
        agent=args.agent,
        debounce_ms=args.debounce,
        force_polling=args.polling,
        analyze=not args.no_analysis,
        compile=False if args.no_compile else None,
    )
