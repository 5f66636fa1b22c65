"""The sessions screen: earlier sessions of this project (title, panes, events, when last used:
"today 14:03", "yesterday 09:12", "Dec 3"), the current one marked; enter reopens one with its
panes, escape closes. Dismisses with the chosen session id.

Pushed by the App (``f6`` / palette); the list comes from the session store.
"""

from __future__ import annotations

import time
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from elixir_pro.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from elixir_pro.conversation.store_model import SessionInfo


def when(stamp: float, now: float, tz: tzinfo | None = None) -> str:
    """``"today 14:03"``, ``"yesterday 09:12"``, ``"Dec 3"`` (this year) or ``"Dec 3 2025"``."""
    moment = datetime.fromtimestamp(stamp, tz)
    today = datetime.fromtimestamp(now, tz).date()
    day = moment.date()
    if day == today:
        return f"today {moment:%H:%M}"
    if (today - day).days == 1:
        return f"yesterday {moment:%H:%M}"
    label = f"{moment:%b} {day.day}"
    return label if day.year == today.year else f"{label} {day.year}"


CURRENT = "●"


class SessionsScreen(ModalScreen[str | None]):
    CSS_PATH = "sessions.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close"),
        Binding("enter", "open", "open", priority=True),
    ]

    def __init__(
        self,
        sessions: list[SessionInfo],
        *,
        now: float | None = None,
        current: str | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.sessions = sessions
        self.now = time.time() if now is None else now
        self.current = current
        self.tz = tz

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Sessions · {len(self.sessions)}", classes="dialog-title")
            if not self.sessions:
                yield Static("No saved sessions for this project yet.", classes="dialog-text")
            table: DataTable[str] = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            table.add_columns(" ", "used", "title", "panes", "events")
            for info in self.sessions:
                title = info.title or "(untitled)"
                table.add_row(
                    CURRENT if info.id == self.current else " ",
                    when(info.updated, self.now, self.tz),
                    title if len(title) <= 32 else title[:31] + "…",
                    ", ".join(info.panes) or "-",
                    str(info.event_count),
                    key=info.id,
                )
            yield table
            if any(info.id == self.current for info in self.sessions):
                yield Static(f"{CURRENT} this session", classes="dialog-text")
        yield KeyBar()

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
