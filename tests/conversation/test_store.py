"""The session store: round trips of every record type, ordering per pane, history for
resume, listing, and clear one-line errors for a corrupt or locked database."""

from __future__ import annotations

import sqlite3
import threading
import typing
from pathlib import Path

import pytest

from elixir_pro import events
from elixir_pro.conversation.store import DB_NAME, SessionStore
from elixir_pro.conversation.store_codec import RECORD_TYPES, UserPrompt, decode, encode
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.errors import UserError
from elixir_pro.paths import project_state_dir

FINDING = Finding(
    rule="genserver-missing-impl",
    severity=Severity.HIGH,
    path="lib/sample/worker.ex",
    line=17,
    column=3,
    end_line=19,
    end_column=6,
    message="handle_info/2 lacks @impl true",
    fixable=True,
    title="Missing @impl",
    source="claude",
)

SAMPLES: list[object] = [
    events.TextDelta("Hello, ünïcode ✓ "),
    events.ThinkingDelta("considering the supervisor"),
    events.Notice("waiting 2 s before retrying", level="warning"),
    events.ToolRequested("toolu_1", "Read", {"file_path": "lib/a.ex", "offset": 3, "x": [1, {}]}),
    events.ToolFinished("toolu_1", "Read", "     1\tdefmodule A do", is_error=True),
    events.EditProposed("lib/a.ex", "modify", 3, 1, "cs123"),
    events.UsageReported(1200, 340, 100, 900, cost_usd=0.0123, model="claude-sonnet-x"),
    events.UsageReported(1, 2),
    events.FindingsUpdated(("lib/a.ex", "lib/b.ex"), (FINDING,), new=(FINDING,)),
    events.FindingsUpdated((), (), resolved=(FINDING,)),
    events.TurnError("rate_limit", "rate limited; retrying", retryable=True),
    events.TurnFinished(
        "the answer",
        stop_reason="max_tokens",
        interrupted=True,
        escalation=("low confidence 0.4 < 0.6", "trigger: distributed"),
        extra={"confidence": 0.4, "nested": {"a": [1, 2]}},
    ),
    events.ContextMeasured(41_200, 200_000),
    events.ContextCompacted("## Summary\nCounter is a GenServer.", 3, 160_000, 9_000, "manual"),
    UserPrompt("review lib/", tool_mode="audit", role="solo", context_files=("lib/a.ex",)),
]


def test_samples_cover_every_core_event_type() -> None:
    core = set(typing.get_args(events.CoreEvent))
    assert core <= {type(s) for s in SAMPLES}
    assert set(RECORD_TYPES.values()) == core | {UserPrompt}


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: type(r).__name__)
def test_codec_round_trips(record: events.CoreEvent | UserPrompt) -> None:
    kind, payload = encode(record)
    back = decode(kind, payload)
    assert back == record
    assert type(back) is type(record)


def test_finding_severity_comes_back_as_the_enum() -> None:
    back = decode(*encode(SAMPLES[8]))  # type: ignore[arg-type]
    assert isinstance(back, events.FindingsUpdated)
    assert back.findings[0].severity is Severity.HIGH
    assert isinstance(back.paths, tuple)


@pytest.fixture
def store(tmp_path: Path) -> typing.Iterator[SessionStore]:
    root = tmp_path / "project"
    root.mkdir()
    with SessionStore.open(root) as opened:
        yield opened


def test_events_round_trip_through_the_database(store: SessionStore) -> None:
    sid = store.create_session("elixir-pro", "first")
    store.append_user_prompt(sid, "critical", "t1", "review lib/", tool_mode="audit")
    for record in SAMPLES:
        if isinstance(record, UserPrompt):
            store.append_user_prompt(
                sid, "critical", "t1", record.text, tool_mode=record.tool_mode,
                role=record.role, context_files=record.context_files,
            )  # fmt: skip
        else:
            store.append(sid, "critical", "t1", record)  # type: ignore[arg-type]
    loaded = store.load(sid).pane("critical")
    assert [e.item for e in loaded.entries][1:] == SAMPLES
    assert [e.seq for e in loaded.entries] == list(range(1, len(SAMPLES) + 2))


def test_panes_turns_and_history(store: SessionStore) -> None:
    sid = store.create_session("elixir-pro")
    store.append_user_prompt(sid, "generative", "g1", "write a GenServer")
    store.append(sid, "generative", "g1", events.TextDelta("Here "))
    store.append_user_prompt(sid, "critical", "c1", "review it")
    store.append(sid, "generative", "g1", events.TextDelta("it is"))
    store.append(sid, "generative", "g1", events.TurnFinished("Here it is"))
    history: list[dict[str, typing.Any]] = [
        {"role": "user", "content": "write a GenServer"},
        {"role": "assistant", "content": [{"type": "text", "text": "Here it is"}]},
    ]
    store.append_history(sid, "generative", "g1", history)
    store.append_user_prompt(sid, "generative", "g2", "and a test")
    record = store.load(sid)
    assert set(record.panes) == {"generative", "critical"}
    gen = record.pane("generative")
    assert [type(e).__name__ for e in gen.events] == ["TextDelta", "TextDelta", "TurnFinished"]
    assert [p.text for p in gen.prompts] == ["write a GenServer", "and a test"]
    assert gen.turn_ids == ["g1", "g2"]
    assert gen.history == history
    assert record.pane("critical").prompts[0].text == "review it"
    assert record.pane("informative").entries == []
    assert record.info.panes == ("critical", "generative")
    assert record.info.event_count == 6
    assert record.skipped == 0


def test_sessions_survive_reopening_and_list_newest_first(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    with SessionStore.open(root) as store:
        assert store.latest_session() is None and store.list_sessions() == []
        older = store.create_session("elixir-pro", "older")
        newer = store.create_session("elixir-pro", "newer")
        store.append(older, "critical", "t", events.TextDelta("bump"))
        store.set_title(newer, "renamed")
    with SessionStore.open(root) as store:
        listed = store.list_sessions()
        assert [s.id for s in listed] == [older, newer]
        assert listed[1].title == "renamed"
        assert listed[0].project == str(root.resolve())
        latest = store.latest_session()
        assert latest is not None and latest.id == older
        assert store.load(older).pane("critical").events == [events.TextDelta("bump")]
        store.delete_session(newer)
        assert [s.id for s in store.list_sessions()] == [older]


def test_database_location_and_wal_mode(store: SessionStore, tmp_path: Path) -> None:
    assert store.path == project_state_dir(tmp_path / "project") / DB_NAME
    other = sqlite3.connect(store.path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        other.close()


def test_each_append_is_committed_at_once(store: SessionStore) -> None:
    sid = store.create_session("elixir-pro")
    store.append(sid, "critical", "t", events.TextDelta("visible"))
    other = sqlite3.connect(store.path)
    try:
        rows = other.execute("SELECT kind, payload FROM events").fetchall()
    finally:
        other.close()
    assert rows == [("TextDelta", '{"text":"visible"}')]


def test_unknown_session_and_undecodable_rows(store: SessionStore) -> None:
    with pytest.raises(UserError, match="no session 'nope' in this project"):
        store.load("nope")
    sid = store.create_session("elixir-pro")
    store.append(sid, "critical", "t", events.TextDelta("kept"))
    raw = sqlite3.connect(store.path)
    with raw:
        raw.execute(
            "INSERT INTO events (session_id, pane, seq, turn_id, kind, payload, ts) "
            "VALUES (?, 'critical', 99, 't', 'FutureEvent', '{}', 0)",
            (sid,),
        )
        raw.execute(
            "INSERT INTO events (session_id, pane, seq, turn_id, kind, payload, ts) "
            "VALUES (?, 'critical', 100, 't', 'TextDelta', '{not json', 0)",
            (sid,),
        )
    raw.close()
    record = store.load(sid)
    assert record.pane("critical").events == [events.TextDelta("kept")]
    assert record.skipped == 2


def test_concurrent_appends_from_threads_get_distinct_seqs(store: SessionStore) -> None:
    sid = store.create_session("elixir-pro")

    def worker(n: int) -> None:
        for i in range(50):
            store.append(sid, "critical", f"t{n}", events.TextDelta(f"{n}:{i}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    entries = store.load(sid).pane("critical").entries
    assert [e.seq for e in entries] == list(range(1, 201))
    assert len({e.item for e in entries}) == 200


def test_corrupt_database_is_one_clear_line(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    db = project_state_dir(root) / DB_NAME
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not sqlite at all " * 100)
    with pytest.raises(UserError) as info:
        SessionStore.open(root)
    message = str(info.value)
    assert message.startswith(str(db)) and "corrupt" in message and "\n" not in message


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    SessionStore.open(root).close()
    db = project_state_dir(root) / DB_NAME
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(UserError, match="newer elixir-pro"):
        SessionStore.open(root)


def test_locked_database_is_one_clear_line(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    store = SessionStore.open(root, timeout=0.2)
    sid = store.create_session("elixir-pro")
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(UserError) as info:
            store.append(sid, "critical", "t", events.TextDelta("blocked"))
        message = str(info.value)
        assert "locked by another process" in message and "\n" not in message
        assert message.startswith(str(store.path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.append(sid, "critical", "t", events.TextDelta("after"))
    assert store.load(sid).pane("critical").events == [events.TextDelta("after")]
    store.close()


def test_sdk_objects_in_history_and_extra_are_stored_as_plain_json(store: SessionStore) -> None:
    from anthropic.types import TextBlock

    block = TextBlock(type="text", text="Here it is", citations=None)
    sid = store.create_session("elixir-pro")
    store.append(sid, "critical", "t", events.TurnFinished("Here it is", extra={"blocks": [block]}))
    store.append_history(sid, "critical", "t", [{"role": "assistant", "content": [block]}])
    pane = store.load(sid).pane("critical")
    plain = {"type": "text", "text": "Here it is"}
    assert pane.events == [events.TurnFinished("Here it is", extra={"blocks": [plain]})]
    assert pane.history == [{"role": "assistant", "content": [plain]}]


def test_unstorable_values_are_refused_before_anything_is_written(store: SessionStore) -> None:
    sid = store.create_session("elixir-pro")
    with pytest.raises(TypeError, match="cannot store a value of type object"):
        store.append(sid, "critical", "t", events.TurnFinished("x", extra={"bad": object()}))
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        store.append_history(sid, "critical", "t", [{"role": "user", "content": object()}])
    assert store.load(sid).panes == {}
