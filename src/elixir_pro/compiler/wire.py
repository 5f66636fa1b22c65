"""Reading the companion's ``compiled`` reply into a :class:`CompileResult`.

Mix's diagnostics differ by Elixir version: ``position`` is a line, ``{line, column}`` or
``{line, column, end_line, end_column}``; 1.15+ adds ``span`` and ``source``; an exception
raised while compiling (``** (SyntaxError) lib/x.ex:3:5: ...``) arrives as the message of an
error with its stack trace, and sometimes position 0. This module turns all of them into the
same :class:`Diagnostic`: paths relative to the project, the exception's location prefix and the
stack trace removed from the message, the line taken from the trace when Mix gave none.
Pure functions, no I/O; used by :mod:`elixir_pro.compiler.companion`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from elixir_pro.compiler.model import CompileResult, CompileStatus, Diagnostic, DiagnosticSeverity

_STATUS = {"ok": CompileStatus.OK, "noop": CompileStatus.NOOP, "error": CompileStatus.ERROR}
_SEVERITY = {s.value: s for s in DiagnosticSeverity}
_RAISED = re.compile(r"^\*\* \((?P<kind>[\w.]+)\) (?P<rest>.*)$", re.DOTALL)
_LOCATION = re.compile(
    r"^(?P<file>[^\s:]+\.(?:exs?|erl|hrl|eex|heex)):(?P<line>\d+)(?::(?P<col>\d+))?: "
)
# a stack frame: "    (app 1.0.0) lib/x.ex:3: M.f/1" or, from a script, "    /abs/x.exs:9: ..."
_FRAME = re.compile(r"^\s+(?:\((?:[\w.-]+ [\w.+-]+|stdlib|elixir)\) |/\S+:\d+: )")
_FRAME_AT = re.compile(r"(?P<file>[^\s:()]+\.(?:exs?|erl)):(?P<line>\d+)")
_MAX_MESSAGE = 4000


def compile_result(reply: Mapping[str, Any], root: Path, duration: float) -> CompileResult:
    """The result a ``compiled`` reply describes (``duration`` measured by the caller)."""
    status = _STATUS.get(str(reply.get("status", "")), CompileStatus.ERROR)
    raw = reply.get("diagnostics")
    diagnostics = tuple(
        diagnostic(item, root)
        for item in (raw if isinstance(raw, list) else [])
        if isinstance(item, dict)
    )
    compiled_raw = reply.get("compiled")
    compiled = tuple(
        sorted(
            {
                relative(str(p), root)
                for p in (compiled_raw if isinstance(compiled_raw, list) else [])
            }
        )
    )
    output = str(reply.get("output") or "")
    return CompileResult(status, diagnostics, duration, compiled, "", output)


def relative(file: str, root: Path) -> str:
    """``file`` relative to ``root`` in posix form when inside it, else as given."""
    if not file:
        return ""
    path = Path(file)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _ints(value: object) -> list[int]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def diagnostic(item: Mapping[str, Any], root: Path) -> Diagnostic:
    """One diagnostic from its wire form."""
    path = relative(str(item.get("file") or item.get("source") or ""), root)
    severity = _SEVERITY.get(str(item.get("severity", "")), DiagnosticSeverity.WARNING)
    position = _ints(item.get("position"))
    span = _ints(item.get("span"))
    line = position[0] if position else 0
    column = position[1] if len(position) > 1 else 0
    end_line, end_column = (position[2], position[3]) if len(position) > 3 else (0, 0)
    if len(span) > 1 and not end_line:
        end_line, end_column = span[0], span[1]
    message, found_line, found_column = clean_message(str(item.get("message") or ""), path)
    if not line and found_line:
        line, column = found_line, found_column
    compiler = str(item.get("compiler") or "Elixir")
    return Diagnostic(path, line, column, severity, message, compiler, end_line, end_column)


def clean_message(message: str, path: str) -> tuple[str, int, int]:
    """The message without an exception's ``file:line:col:`` prefix and stack trace, and the
    line and column found there (or in a stack frame of ``path``), 0 when none."""
    text = message.strip()
    line = column = 0
    match = _RAISED.match(text)
    if match is None:
        return text[:_MAX_MESSAGE], 0, 0
    kind, rest = match.group("kind"), match.group("rest")
    lines = rest.splitlines()
    body: list[str] = []
    frames: list[str] = []
    for item in lines:
        (frames if _FRAME.match(item) else body).append(item)
    head = body[0] if body else ""
    located = _LOCATION.match(head)
    if located is not None:
        line = int(located.group("line"))
        column = int(located.group("col") or 0)
        head = head[located.end() :]
        body[0] = head
    if not line and path:
        for frame in frames:
            at = _FRAME_AT.search(frame)
            if at is not None and (
                at.group("file") == path or path.endswith("/" + at.group("file"))
            ):
                line = int(at.group("line"))
                break
    text = "\n".join(body).strip()
    return f"{kind}: {text}"[:_MAX_MESSAGE], line, column


def summarize(diagnostics: Sequence[Diagnostic], limit: int = 10) -> list[str]:
    """One line per diagnostic, errors first, at most ``limit``."""
    ordered = sorted(diagnostics, key=lambda d: (not d.is_error, d.path, d.line, d.column))
    return [d.one_line() for d in ordered[:limit]]
