"""User-facing errors.

Anything the user can fix (a bad agent file, bad config, a bad theme, a path outside the
project, bad command-line usage) is raised as :class:`UserError`. Its ``str()`` is exactly one
readable line, naming the file, the line where known, and the field; the CLI prints it to
stderr and exits with status 2, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """An error caused by user input; rendered as one line, exit status 2."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = " ".join(message.split())
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = [p for p in (where, self.field) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message
