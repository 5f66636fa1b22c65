"""``elixir-pro watch`` as a real subprocess: the first line, events as files change, a clean
exit on SIGINT and SIGTERM, and one-line errors for bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from watch_support import TIMEOUT_S, LineReader, write


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "elixir_pro", "watch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _json_until(reader: LineReader, event: str) -> dict[str, object]:
    while True:
        data = json.loads(reader.next())
        assert isinstance(data, dict)
        if data["event"] == event:
            return data


def test_json_stream_batch_then_sigint_exits_zero(project: Path) -> None:
    proc = _start(str(project), "--json", "--no-analysis")
    try:
        reader = LineReader(proc)
        first = json.loads(reader.next())
        assert first["event"] == "watching" and first["files"] == 3
        assert first["root"] == str(project.resolve())
        _json_until(reader, "baseline")
        write(project / "lib" / "proj.ex", "defmodule Proj do\n  def hi, do: :there\nend\n")
        batch = _json_until(reader, "batch")
        assert batch == {"event": "batch", "paths": ["lib/proj.ex"], "deleted": []}
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_text_mode_sigterm_exits_zero(project: Path) -> None:
    proc = _start(str(project), "--no-analysis", "--debounce", "50")
    try:
        reader = LineReader(proc)
        first = reader.next()
        assert first.startswith(f"watching {project.resolve()}: 3 files match the triggers")
        assert "debounce 50 ms" in first
        write(project / "test" / "proj_test.exs", "defmodule ProjTest do\n  use ExUnit.Case\nend\n")
        assert reader.next() == "changed: test/proj_test.exs\n"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert err == ""


def test_forced_polling_says_so(project: Path) -> None:
    proc = _start(str(project), "--json", "--no-analysis", "--polling")
    try:
        reader = LineReader(proc)
        assert json.loads(reader.next())["mode"] == "polling"
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0


def test_bad_path_and_bad_debounce_are_one_line_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = subprocess.run(
        [sys.executable, "-m", "elixir_pro", "watch", str(missing)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == f"elixir-pro: {missing}: not a directory\n"
    assert result.stdout == ""
    result = subprocess.run(
        [sys.executable, "-m", "elixir_pro", "watch", str(tmp_path), "--debounce", "-5"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--debounce" in result.stderr
