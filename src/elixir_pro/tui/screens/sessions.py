"""The sessions screen: earlier sessions of this project (title, panes, events, last used);
enter reopens one with its panes, escape closes. Dismisses with the chosen session id.

Pushed by the App (``f6`` / palette); the list comes from the session store.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

if TYPE_CHECKING:
    from elixir_pro.conversation.store_model import SessionInfo


def age(updated: float, now: float) -> str:
    """``"3 min ago"``-style age of a timestamp."""
    seconds = max(0, int(now - updated))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


class SessionsScreen(ModalScreen[str | None]):
    CSS_PATH = "sessions.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close"),
        Binding("enter", "open", "open session"),
    ]

    def __init__(self, sessions: list[SessionInfo], *, now: float | None = None) -> None:
        super().__init__()
        self.sessions = sessions
        self.now = time.time() if now is None else now

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Sessions · {len(self.sessions)}", classes="dialog-title")
            if not self.sessions:
                yield Static("No saved sessions for this project yet.", classes="dialog-text")
            table: DataTable[str] = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            table.add_columns("title", "panes", "events", "used")
            for info in self.sessions:
                table.add_row(
                    info.title or "(untitled)",
                    ", ".join(info.panes) or "-",
                    str(info.event_count),
                    age(info.updated, self.now),
                    key=info.id,
                )
            yield table

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.sessions or table.cursor_row is None:
            return
        self.dismiss(self.sessions[table.cursor_row].id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(str(event.row_key.value))

    def action_close(self) -> None:
        self.dismiss(None)
