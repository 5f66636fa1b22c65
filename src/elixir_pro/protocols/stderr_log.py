"""Diagnostics of the protocol servers on stderr, one line each (stdout carries the protocol).

The SDKs log a malformed message or a failing handler with ``logging.exception``; by default
that prints a traceback. :func:`one_line_logging` installs a root handler that prints the message
and the exception's type and text on one line instead (before the SDKs configure logging, so
their own ``basicConfig`` leaves it in place). Used by the ``acp`` and ``mcp`` commands.
"""

from __future__ import annotations

import logging
import sys


class OneLineFormatter(logging.Formatter):
    def __init__(self, prog: str) -> None:
        super().__init__()
        self.prog = prog

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message = f"{message}: {type(exc).__name__}: {exc}"
        return f"{self.prog}: {record.levelname.lower()}: {' '.join(message.split())}"


def one_line_logging(prog: str, level: int = logging.WARNING) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(prog))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
