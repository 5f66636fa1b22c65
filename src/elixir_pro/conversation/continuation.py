"""Headless conversations: which stored session ``elixir-pro ask`` continues, and the listing
``elixir-pro sessions`` prints.

``ask --continue`` takes the most recently active session of the project that has a pane in
the turn's cognitive mode; ``ask --session ID`` takes the session with that id (a unique
prefix of it is enough, as with git). Both read the same SQLite store as the TUI
(:mod:`elixir_pro.conversation.store`), so a conversation started in a pane can go on in a
script and the other way round. A bad id or nothing to continue is one
:class:`~elixir_pro.errors.UserError` line.

Used by the ``ask`` and ``sessions`` commands.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from elixir_pro.conversation.store import SessionStore
from elixir_pro.conversation.store_model import PaneSummary
from elixir_pro.errors import UserError

SHORT_ID = 12
"""How many characters of a session id the listing shows (enough to be unique in practice)."""
PROMPT_WIDTH = 60


@dataclass(frozen=True, slots=True)
class Continued:
    """The session a headless turn continues and the pane history it sends back."""

    session_id: str
    history: list[dict[str, object]]


def find_session(store: SessionStore, ref: str) -> str:
    """The full id of the session ``ref`` names (its id or a unique prefix of it)."""
    wanted = ref.strip().lower()
    if not wanted or not all(c in "0123456789abcdef" for c in wanted):
        raise UserError(f"not a session id: {ref!r} (see 'elixir-pro sessions')", field="--session")
    ids = [info.id for info in store.list_sessions() if info.id.startswith(wanted)]
    if not ids:
        raise UserError(
            f"no session {ref!r} in this project (see 'elixir-pro sessions')", field="--session"
        )
    if len(ids) > 1:
        raise UserError(
            f"{ref!r} names {len(ids)} sessions; give more of the id", field="--session"
        )
    return ids[0]


def last_session(store: SessionStore, mode: str) -> str:
    """The id of the project's most recently active session with a ``mode`` pane."""
    for row in store.list_panes():
        if row.pane == mode:
            return row.session_id
    raise UserError(
        f"no earlier session in the {mode} mode for this project to continue "
        "(ask without --continue to start one)",
        field="--continue",
    )


def continued(store: SessionStore, session_id: str, mode: str) -> Continued:
    """The stored history of ``mode``'s pane in the session (empty for an unused pane)."""
    record = store.load(session_id)
    return Continued(session_id, list(record.pane(mode).history))


def title_for(prompt: str) -> str:
    """A new session's title: its first prompt on one line (as the TUI names sessions)."""
    return " ".join(prompt.split())[:PROMPT_WIDTH]


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PROMPT_WIDTH else flat[: PROMPT_WIDTH - 1] + "…"


def listing(rows: list[PaneSummary]) -> list[str]:
    """The ``sessions`` table: id, mode, last activity and first prompt, newest first."""
    if not rows:
        return []
    lines = [f"{'ID':<{SHORT_ID}}  {'MODE':<12}  {'DATE':<16}  FIRST PROMPT"]
    for row in rows:
        prompt = _one_line(row.first_prompt) or "(no prompt recorded)"
        lines.append(
            f"{row.session_id[:SHORT_ID]:<{SHORT_ID}}  {row.pane:<12}  "
            f"{_when(row.updated):<16}  {prompt}"
        )
    return lines
