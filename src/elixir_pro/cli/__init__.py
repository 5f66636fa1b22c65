"""The ``elixir-pro`` command line.

``elixir-pro [PATH]`` opens the TUI on PATH; ``elixir-pro COMMAND ...`` runs a headless
command. Each command is one module in ``elixir_pro.cli.commands`` that defines ``NAME``,
``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; they are discovered, so adding a
command is adding a file. Command modules keep their top-level imports light (the heavy ones
go inside ``run``) so that ``--help`` and start-up stay fast.

Every user error is one line on stderr and exit status 2; an unexpected error is one line
naming a log file that holds the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from elixir_pro import __version__
from elixir_pro.errors import UserError

PROG = "elixir-pro"
DEFAULT_COMMAND = "open"


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _command_modules() -> dict[str, ModuleType]:
    from elixir_pro.cli import commands

    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        found[module.NAME] = module
    return found


def build_parser(modules: dict[str, ModuleType]) -> OneLineParser:
    parser = OneLineParser(
        prog=PROG,
        description="A terminal pair-programmer for Elixir, OTP and Phoenix. "
        "Run without a command to open the TUI on PATH.",
        epilog="commands: "
        + ", ".join(name for name in modules if name != DEFAULT_COMMAND)
        + f". '{PROG} COMMAND --help' describes each.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name, module in modules.items():
        command_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command_parser)
    return parser


def _crash_log(exc: BaseException) -> str:
    from elixir_pro.paths import state_dir
    from elixir_pro.tools.redact import redact

    try:
        log_dir = state_dir()
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / "crash.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(redact("".join(traceback.format_exception(exc))))
            handle.write("\n")
        return str(log)
    except OSError:
        return "(no log could be written)"


def _exit_now(code: int) -> None:
    """Exit at once (ctrl-c): the turn's cleanup has run (commands and workers are killed,
    the HTTP client closed); tearing down every loaded module can take half a second more."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        modules = _command_modules()
        parser = build_parser(modules)
        first = next((a for a in args_list if not a.startswith("-")), None)
        wants_top_level = any(a in ("-h", "--help", "--version") for a in args_list[:1])
        if not wants_top_level and first not in modules:
            args_list = [DEFAULT_COMMAND, *args_list]
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help()
            return 0
        result: int = modules[args.command].run(args)
        return result
    except UserError as exc:
        print(f"{PROG}: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        if argv is None:  # the program itself: stop now, not after a slow interpreter teardown
            _exit_now(130)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from elixir_pro.tools.redact import redact

        log = _crash_log(exc)
        print(
            redact(f"{PROG}: internal error: {type(exc).__name__}: {exc} (traceback in {log})"),
            file=sys.stderr,
        )
        return 3
