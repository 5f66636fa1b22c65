"""``elixir-pro docs SYMBOL``: print the docs of a module or function as the project builds
it: a dependency's at the version compiled in the project's ``_build`` (the answer names it),
the standard library's from the installed Elixir."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from elixir_pro.errors import UserError

if TYPE_CHECKING:
    from elixir_pro.engine.docs import DocResult

NAME = "docs"
HELP = (
    "Show the docs of a module or function at the project's versions "
    "(Enum.map/2, Ecto.Changeset.cast/4)."
)
EPILOG = (
    "SYMBOL is a module (Enum, GenServer), a function with or without arity (Enum.map, "
    "Enum.map/2, Kernel.spawn/1, spawn/1) or a callback (GenServer.handle_call). The docs are "
    "read from the BEAM files of the installed Elixir, offline. Exit status: 0 when docs were "
    "shown; 1 when there are none for that symbol (unknown, undocumented, or an Erlang module "
    "such as :ets); 2 when the symbol is malformed, Elixir is not installed or the lookup "
    "failed or timed out. With a Mix project (--project, default: the current directory), the "
    "modules of its compiled dependencies are documented at the version in _build/<env>/lib "
    "(dev first); a dependency that is not compiled is named, with how to compile it."
)
_NO_DOCS = frozenset({"not-found", "no-docs", "erlang"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("symbol", help="module or function, e.g. Enum.map/2")
    parser.add_argument("--json", action="store_true", help="print the docs as JSON")
    parser.add_argument(
        "--timeout", type=float, default=20.0, help="seconds to wait for elixir (default: 20)"
    )
    parser.add_argument("--project", default=".", help="project root (default: .)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from elixir_pro.engine.dep_docs import project_docs
    from elixir_pro.engine.docs import DocResult

    if args.timeout <= 0:
        raise UserError("must be a positive number of seconds", field="--timeout")
    root = Path(args.project)
    if not root.is_dir():
        raise UserError("not a directory", path=args.project, field="--project")
    answer = project_docs(root, args.symbol, timeout=args.timeout)
    if isinstance(answer, DocResult):
        if args.json:
            print(json.dumps(_result_json(answer), indent=2))
        else:
            sys.stdout.write(answer.markdown)
        return 0
    if answer.reason not in _NO_DOCS:
        raise UserError(answer.message)
    if args.json:
        payload = {"symbol": answer.symbol, "found": False, "reason": answer.reason}
        print(json.dumps({**payload, "message": answer.message}, indent=2))
    else:
        print(f"elixir-pro: {answer.message}", file=sys.stderr)
    return 1


def _result_json(answer: DocResult) -> dict[str, object]:
    data = asdict(answer)
    data["found"] = True
    data["title"] = answer.title
    return data
