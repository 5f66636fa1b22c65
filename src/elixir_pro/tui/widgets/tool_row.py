"""A tool call in the conversation: a collapsible row titled with what ran, holding its result.

Used by :class:`~elixir_pro.tui.widgets.turn_view.TurnView`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Collapsible, Static

_MAX_SHOWN = 4000


def describe_call(name: str, tool_input: dict[str, Any]) -> str:
    """A one-line summary of a tool call: ``Bash: mix test``, ``Read: lib/a.ex``."""
    for key in ("command", "file_path", "path", "pattern", "query", "url"):
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            first = value.splitlines()[0] if value.splitlines() else value
            return f"{name}: {first[:70]}"
    return name


class ToolRow(Collapsible):
    """Collapsed: ``▶ Bash: mix test · running``; expanded: the tool's output."""

    def __init__(self, call_id: str, name: str, tool_input: dict[str, Any]) -> None:
        self.call_id = call_id
        self.tool_name = name
        self.summary = describe_call(name, tool_input)
        self._body = Static(Text("running…"), classes="tool-output")
        super().__init__(self._body, title=f"{self.summary} · running", collapsed=True)
        self.add_class("tool-row")

    def finish(self, output: str, is_error: bool) -> None:
        shown = output if len(output) <= _MAX_SHOWN else output[:_MAX_SHOWN] + "\n… (truncated)"
        self._body.update(Text(shown or "(no output)"))
        state = "error" if is_error else "done"
        self.title = f"{self.summary} · {state}"
        self.set_class(is_error, "-error")
