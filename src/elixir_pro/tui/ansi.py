"""Terminal output shown safely in a widget: colour codes (``mix test --color``) become styled
Rich text, and every other control sequence (cursor moves, screen clears, window titles, bells,
backspaces) is dropped, so tool output can never write over the screen around it. Also reads a
Bash tool result's exit status for the row's title.

Used by :class:`~elixir_pro.tui.widgets.tool_row.ToolRow`.
"""

from __future__ import annotations

import re

from rich.text import Text

# OSC (window title, hyperlinks) ended by BEL or ST; charset designations; other two-byte escapes
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
_TWO_BYTE = re.compile(r"\x1b[()*+][0-9A-Za-z]|\x1b[^\[\]]")
# C0 controls but tab, newline, carriage return and escape (the decoder reads those), and DEL
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")
_LEFT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_EXIT = re.compile(r"^Exit code: (-?\d+)$", re.MULTILINE)
_TIMED_OUT = re.compile(r"^Command timed out after ", re.MULTILINE)


def ansi_text(raw: str) -> Text:
    """``raw`` terminal output as styled text: SGR colours and styles kept, everything else
    that would move the cursor or change the terminal removed (a carriage return keeps what
    was written after it, as a terminal would show the line)."""
    cleaned = _CONTROLS.sub("", _TWO_BYTE.sub("", _OSC.sub("", raw)))
    text = Text.from_ansi(cleaned)
    if _LEFT.search(text.plain):  # a sequence the decoder did not know: plain text, no codes
        return Text(_LEFT.sub("", text.plain))
    return text


def exit_status(output: str) -> str | None:
    """``exit 0`` / ``exit 1`` / ``timed out`` from a Bash tool result (None when absent)."""
    if _TIMED_OUT.search(output):
        return "timed out"
    found = _EXIT.search(output)
    return f"exit {found.group(1)}" if found else None
