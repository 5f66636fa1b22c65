"""``elixir-pro gates PATH``: judge the design, implementation, test and deployment gates."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from elixir_pro.errors import UserError

NAME = "gates"
HELP = (
    "Judge the four phase gates (design, implementation, test, deployment) with evidence. "
    "Exit 0 when all pass, 1 otherwise, 2 on bad usage."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    parser.add_argument("--json", action="store_true", help="print the gates as JSON")
    parser.add_argument(
        "--no-mix", action="store_true", help="do not run mix compile / mix test (checks: unknown)"
    )


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UserError("not a directory", path=args.path)
    from elixir_pro.config import load_config
    from elixir_pro.pipeline.gates import evaluate_gates
    from elixir_pro.pipeline.gates_model import render_text

    def progress(message: str) -> None:
        if sys.stderr.isatty():
            print(f"… {message}", file=sys.stderr)

    report = evaluate_gates(
        root, use_mix=not args.no_mix, config=load_config(root), progress=progress
    )
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(render_text(report), end="")
    return 0 if report.passed else 1
