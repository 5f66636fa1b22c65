"""The session store: every core event of a session appended to SQLite as it happens.

One database per project, ``project_state_dir(root) / "sessions.sqlite3"``, in WAL mode. Each
append is one committed INSERT, so a crash loses nothing that was appended (WAL with
``synchronous=NORMAL`` survives a killed process; only a power loss may drop the last
commits). A session has one pane per cognitive mode; each pane keeps its ordered records
(user prompts and core events, numbered by ``seq``) and the conversation history's message
params used to resume the conversation with Claude; a stored compaction
(``ContextCompacted``) replaces the turns it summarised, so a resumed pane sends what the live
one did.

A corrupt, locked or unreadable database raises UserError: one line naming the file.

Used by the conversation sessions (appends), ``elixir-pro --resume`` and the TUI sessions
screen (list, load).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from elixir_pro.conversation.compaction import compacted_history
from elixir_pro.conversation.store_codec import (
    CodecError,
    Record,
    UserPrompt,
    decode,
    encode,
    to_json_value,
)
from elixir_pro.conversation.store_model import (
    PaneRecord,
    PaneSummary,
    SessionInfo,
    SessionRecord,
    StoredEntry,
)
from elixir_pro.errors import UserError
from elixir_pro.events import ContextCompacted, CoreEvent
from elixir_pro.paths import project_state_dir
from elixir_pro.tools.redact import redact

DB_NAME = "sessions.sqlite3"
SCHEMA_VERSION = 1
HISTORY_KIND = "HistoryMessage"
_UPDATED_EVERY = 1.0  # seconds between bumps of sessions.updated while events stream in

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    title TEXT NOT NULL,
    agent TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    pane TEXT NOT NULL,
    seq INTEGER NOT NULL,
    turn_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    ts REAL NOT NULL,
    UNIQUE (session_id, pane, seq)
);
CREATE INDEX IF NOT EXISTS sessions_by_updated ON sessions (updated);
"""

_INSERT = """
INSERT INTO events (session_id, pane, seq, turn_id, kind, payload, ts)
VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE session_id = ? AND pane = ?),
        ?, ?, ?, ?)
RETURNING seq
"""


class SessionStore:
    """The sessions of one project. Thread-safe; open with :meth:`open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, project: Path) -> None:
        self._conn = conn
        self.path = path
        self.project = project
        self._lock = threading.Lock()
        self._bumped: dict[str, float] = {}

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path, *, timeout: float = 5.0) -> SessionStore:
        """Open (creating if needed) the store of the project at ``root``.

        ``timeout`` is how long to wait for a lock held by another process before giving up
        with a UserError.
        """
        project = root.resolve()
        directory = project_state_dir(project)
        path = directory / DB_NAME
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(
                f"cannot create the state directory: {exc.strerror}", path=directory
            ) from None
        try:
            conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise _user_error(exc, path) from None
        store = cls(conn, path, project)
        try:
            with store._guard():
                mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise UserError(
                        f"the session store was written by a newer elixir-pro (schema {version})",
                        path=path,
                    )
                if version < SCHEMA_VERSION:
                    conn.executescript(
                        f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;"
                    )
        except BaseException:
            conn.close()
            raise
        if str(mode).lower() != "wal":
            conn.close()
            raise UserError(f"cannot switch the session store to WAL mode ({mode})", path=path)
        return store

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except BaseException as exc:
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _user_error(exc, self.path) from None
                raise

    # -- writing -----------------------------------------------------------------------

    def create_session(self, agent: str, title: str = "") -> str:
        """A new empty session; returns its id."""
        session_id = uuid.uuid4().hex
        now = time.time()
        with self._guard() as conn:
            conn.execute(
                "INSERT INTO sessions (id, project, created, updated, title, agent) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, str(self.project), now, now, title, agent),
            )
        return session_id

    def set_title(self, session_id: str, title: str) -> None:
        with self._guard() as conn:
            conn.execute("UPDATE sessions SET title = ? WHERE id = ?", (title, session_id))

    def append(self, session_id: str, pane: str, turn_id: str, event: CoreEvent) -> int:
        """Append one core event (committed before returning); returns its seq in the pane."""
        return self._append(session_id, pane, turn_id, event)

    def append_user_prompt(
        self,
        session_id: str,
        pane: str,
        turn_id: str,
        text: str,
        *,
        tool_mode: str = "",
        role: str = "",
        context_files: Sequence[str] = (),
    ) -> int:
        """Append what the user sent in ``pane`` (the start of a turn)."""
        prompt = UserPrompt(text, str(tool_mode), str(role), tuple(context_files))
        return self._append(session_id, pane, turn_id, prompt)

    def append_history(
        self, session_id: str, pane: str, turn_id: str, messages: Sequence[dict[str, Any]]
    ) -> None:
        """Append conversation history message params (role/content dicts, as sent to the
        Messages API) in one transaction; ``load`` returns them in order for resuming."""
        try:
            payloads = [
                redact(json.dumps(to_json_value(m), ensure_ascii=False, separators=(",", ":")))
                for m in messages
            ]
        except (TypeError, ValueError) as exc:
            raise ValueError(f"history message is not JSON-serialisable: {exc}") from None
        now = time.time()
        with self._guard() as conn:
            conn.execute("BEGIN IMMEDIATE")
            for payload in payloads:
                conn.execute(
                    _INSERT,
                    (
                        session_id,
                        str(pane),
                        session_id,
                        str(pane),
                        turn_id,
                        HISTORY_KIND,
                        payload,
                        now,
                    ),
                )
            self._bump(conn, session_id, now, force=True)
            conn.execute("COMMIT")

    def _append(self, session_id: str, pane: str, turn_id: str, record: Record) -> int:
        kind, payload = encode(record)
        payload = redact(payload)  # never the user's Anthropic key on disk
        now = time.time()
        with self._guard() as conn:
            if self._bumped.get(session_id, 0.0) + _UPDATED_EVERY > now:
                return self._insert(conn, session_id, str(pane), turn_id, kind, payload, now)
            conn.execute("BEGIN IMMEDIATE")
            seq = self._insert(conn, session_id, str(pane), turn_id, kind, payload, now)
            self._bump(conn, session_id, now, force=True)
            conn.execute("COMMIT")
            return seq

    @staticmethod
    def _insert(
        conn: sqlite3.Connection,
        session_id: str,
        pane: str,
        turn_id: str,
        kind: str,
        payload: str,
        now: float,
    ) -> int:
        row = conn.execute(
            _INSERT, (session_id, pane, session_id, pane, turn_id, kind, payload, now)
        ).fetchone()
        return int(row[0])

    def _bump(self, conn: sqlite3.Connection, session_id: str, now: float, force: bool) -> None:
        if force or self._bumped.get(session_id, 0.0) + _UPDATED_EVERY <= now:
            cur = conn.execute("UPDATE sessions SET updated = ? WHERE id = ?", (now, session_id))
            if cur.rowcount == 0:
                raise UserError(f"no session {session_id} in this project", path=self.path)
            self._bumped[session_id] = now

    def delete_session(self, session_id: str) -> None:
        with self._guard() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # -- reading -----------------------------------------------------------------------

    _INFO_SQL = """
        SELECT s.id, s.project, s.created, s.updated, s.title, s.agent,
               (SELECT group_concat(DISTINCT pane) FROM events e WHERE e.session_id = s.id),
               (SELECT COUNT(*) FROM events e WHERE e.session_id = s.id AND e.kind != ?)
        FROM sessions s
    """

    def list_sessions(self) -> list[SessionInfo]:
        """Every session of the project, most recently updated first."""
        with self._guard() as conn:
            rows = conn.execute(
                self._INFO_SQL + " ORDER BY s.updated DESC, s.created DESC", (HISTORY_KIND,)
            ).fetchall()
        return [_info(row) for row in rows]

    def latest_session(self) -> SessionInfo | None:
        """The most recently updated session, or None when there is none."""
        with self._guard() as conn:
            row = conn.execute(
                self._INFO_SQL + " ORDER BY s.updated DESC, s.created DESC LIMIT 1",
                (HISTORY_KIND,),
            ).fetchone()
        return _info(row) if row else None

    _PANES_SQL = """
        SELECT e.session_id, e.pane, MAX(e.ts),
               (SELECT p.payload FROM events p WHERE p.session_id = e.session_id
                AND p.pane = e.pane AND p.kind = ? ORDER BY p.seq LIMIT 1)
        FROM events e GROUP BY e.session_id, e.pane ORDER BY MAX(e.ts) DESC
    """

    def list_panes(self) -> list[PaneSummary]:
        """One row per pane used in any session (its last activity and first prompt), the
        most recently active first: what ``elixir-pro sessions`` lists and ``ask --continue``
        picks from."""
        with self._guard() as conn:
            rows = conn.execute(self._PANES_SQL, (UserPrompt.__name__,)).fetchall()
        out: list[PaneSummary] = []
        for session_id, pane, updated, payload in rows:
            try:
                item = decode(UserPrompt.__name__, payload) if payload else None
            except CodecError:
                item = None
            first = item.text if isinstance(item, UserPrompt) else ""
            out.append(PaneSummary(session_id, pane, float(updated), first))
        return out

    def load(self, session_id: str) -> SessionRecord:
        """A session with its panes' records and history. Records that cannot be decoded
        (written by an incompatible build) are counted in ``skipped``, not fatal."""
        with self._guard() as conn:
            row = conn.execute(self._INFO_SQL + " WHERE s.id = ?", (HISTORY_KIND, session_id))
            info_row = row.fetchone()
            if info_row is None:
                raise UserError(f"no session {session_id!r} in this project", path=self.path)
            rows = conn.execute(
                "SELECT pane, seq, turn_id, kind, payload, ts FROM events "
                "WHERE session_id = ? ORDER BY pane, seq",
                (session_id,),
            ).fetchall()
        panes: dict[str, PaneRecord] = {}
        skipped = 0
        for pane, seq, turn_id, kind, payload, ts in rows:
            record = panes.setdefault(pane, PaneRecord(pane))
            if kind == HISTORY_KIND:
                try:
                    record.history.append(json.loads(payload))
                except json.JSONDecodeError:
                    skipped += 1
                continue
            try:
                item = decode(kind, payload)
            except CodecError:
                skipped += 1
                continue
            record.entries.append(StoredEntry(seq, turn_id, ts, item))
            if isinstance(item, ContextCompacted):  # the summary replaced the older turns
                record.history = compacted_history(record.history, item)
        return SessionRecord(_info(info_row), panes, skipped)


def _info(row: Sequence[Any]) -> SessionInfo:
    panes = tuple(sorted(row[6].split(","))) if row[6] else ()
    return SessionInfo(row[0], row[1], row[2], row[3], row[4], row[5], panes, int(row[7]))


def _user_error(exc: sqlite3.Error, path: Path) -> UserError:
    message = str(exc)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return UserError(
            "the session store is locked by another process (another elixir-pro?); "
            "close it and try again",
            path=path,
        )
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered
    ):
        return UserError(
            f"the session store is corrupt ({message}); move the file aside to start afresh",
            path=path,
        )
    return UserError(f"cannot use the session store: {message}", path=path)
