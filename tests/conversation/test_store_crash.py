"""A crash loses nothing: a separate process appends events and reports each committed seq;
it is SIGKILLed mid-stream, and reopening the store shows every event it reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from elixir_pro import events
from elixir_pro.conversation.store import SessionStore

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from elixir_pro import events
    from elixir_pro.conversation.store import SessionStore

    store = SessionStore.open(Path(sys.argv[1]))
    sid = store.create_session("elixir-pro", "crash test")
    print("session", sid, flush=True)
    store.append_user_prompt(sid, "critical", "t1", "review lib/")
    i = 0
    while True:
        pane = ("critical", "generative")[i % 2]
        seq = store.append(sid, pane, "t1", events.TextDelta(f"token {i}"))
        print("committed", pane, seq, i, flush=True)
        i += 1
    """
)


def test_sigkill_mid_stream_loses_no_committed_event(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None
    committed: list[tuple[str, int, int]] = []
    session_id = ""
    deadline = time.monotonic() + 60
    try:
        while len(committed) < 300:
            assert time.monotonic() < deadline, "the writer did not make progress"
            line = proc.stdout.readline()
            assert line, "the writer exited early"
            parts = line.split()
            if parts[0] == "session":
                session_id = parts[1]
            else:
                committed.append((parts[1], int(parts[2]), int(parts[3])))
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    with SessionStore.open(root) as store:
        record = store.load(session_id)
    stored = {
        (pane, entry.seq): entry.item
        for pane, pane_record in record.panes.items()
        for entry in pane_record.entries
    }
    for pane, seq, i in committed:
        assert stored[(pane, seq)] == events.TextDelta(f"token {i}")
    critical = record.pane("critical")
    assert critical.prompts[0].text == "review lib/"
    texts = [e.text for e in critical.events if isinstance(e, events.TextDelta)]
    reported = [i for pane, _, i in committed if pane == "critical"]
    assert texts[: len(reported)] == [f"token {i}" for i in reported]
    assert record.info.title == "crash test"
