"""The session recorder: every prompt and core event of every pane is appended to the project's
SQLite session store as it happens (one committed insert each), so a crash loses nothing; the
turn's history messages (``TurnFinished.extra["messages"]``) are stored for resuming.

The session row is created with the first prompt, so opening and closing the app leaves no
empty session. A store that cannot be opened or written turns recording off with one notice.
Used by the main screen through :class:`~elixir_pro.tui.services.TuiContext`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from elixir_pro.errors import UserError
from elixir_pro.events import CoreEvent, TurnFinished

if TYPE_CHECKING:
    from elixir_pro.conversation.store import SessionStore


class SessionRecorder:
    def __init__(self, root: Path, agent_name: str, *, title: str = "") -> None:
        self.root = root
        self.agent_name = agent_name
        self.title = title
        self.session_id: str | None = None
        self.error: str | None = None
        self.on_error: Callable[[str], None] | None = None
        self._store: SessionStore | None = None

    def store(self) -> SessionStore | None:
        if self._store is None and self.error is None:
            try:
                from elixir_pro.conversation.store import SessionStore

                self._store = SessionStore.open(self.root)
            except (ImportError, UserError) as exc:
                self._fail(exc.one_line() if isinstance(exc, UserError) else str(exc))
        return self._store

    def _fail(self, reason: str) -> None:
        self.error = reason
        if self.on_error is not None:
            self.on_error(f"Sessions are not being saved: {reason}")

    def attach(self, session_id: str) -> None:
        """Continue recording into an existing (resumed) session."""
        self.session_id = session_id

    def _session(self, first_prompt: str) -> str | None:
        store = self.store()
        if store is None:
            return None
        if self.session_id is None:
            title = self.title or " ".join(first_prompt.split())[:60]
            try:
                self.session_id = store.create_session(self.agent_name, title)
            except UserError as exc:
                self._fail(exc.one_line())
                return None
        return self.session_id

    def record_prompt(
        self,
        pane: str,
        turn_id: str,
        text: str,
        *,
        tool_mode: str = "",
        role: str = "",
        context_files: tuple[str, ...] = (),
    ) -> None:
        session_id = self._session(text)
        if session_id is None or self._store is None:
            return
        try:
            self._store.append_user_prompt(
                session_id,
                pane,
                turn_id,
                text,
                tool_mode=tool_mode,
                role=role,
                context_files=context_files,
            )
        except UserError as exc:
            self._fail(exc.one_line())

    def record_event(self, pane: str, turn_id: str, event: CoreEvent) -> None:
        if self.session_id is None or self._store is None:
            return
        try:
            self._store.append(self.session_id, pane, turn_id, event)
            if isinstance(event, TurnFinished):
                messages: Any = event.extra.get("messages")
                if isinstance(messages, list) and messages:
                    self._store.append_history(self.session_id, pane, turn_id, messages)
        except (UserError, ValueError) as exc:
            self._fail(exc.one_line() if isinstance(exc, UserError) else str(exc))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
