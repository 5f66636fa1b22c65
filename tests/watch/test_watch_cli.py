"""``elixir-pro watch`` as a real subprocess: the first line, events as files change, a clean
exit on SIGINT and SIGTERM, and one-line errors for bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from watch_support import TIMEOUT_S, LineReader, write

STARTUP_S = 30.0  # a fresh interpreter on a loaded machine


@contextmanager
def _running(*args: str) -> Iterator[subprocess.Popen[str]]:
    """``elixir-pro watch ARGS`` as a subprocess; killed if still running on the way out. Its
    stdout belongs to the LineReader thread (closed there at EOF); stderr is closed here."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "elixir_pro", "watch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()


def _finish(proc: subprocess.Popen[str]) -> str:
    """Wait for the exit (stdout is drained by the LineReader thread); return stderr."""
    proc.wait(timeout=TIMEOUT_S)
    assert proc.stderr is not None
    return proc.stderr.read()


def _json_until(reader: LineReader, event: str) -> dict[str, object]:
    while True:
        data = json.loads(reader.next())
        assert isinstance(data, dict)
        if data["event"] == event:
            return data


def test_json_stream_batch_then_sigint_exits_zero(project: Path) -> None:
    with _running(str(project), "--json", "--no-analysis") as proc:
        reader = LineReader(proc)
        first = json.loads(reader.next(STARTUP_S))
        assert first["event"] == "watching" and first["files"] == 3
        assert first["root"] == str(project.resolve())
        _json_until(reader, "baseline")
        write(project / "lib" / "proj.ex", "defmodule Proj do\n  def hi, do: :there\nend\n")
        batch = _json_until(reader, "batch")
        assert batch == {"event": "batch", "paths": ["lib/proj.ex"], "deleted": []}
        proc.send_signal(signal.SIGINT)
        err = _finish(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


MISTAKE = """defmodule ProjWeb.KeyController do
  def show(conn, params) do
    json(conn, String.to_atom(params["key"]))
  end
end
"""


def test_json_reports_the_engines_finding_for_a_saved_mistake(project: Path) -> None:
    with _running(str(project), "--json", "--no-compile") as proc:
        reader = LineReader(proc)
        assert json.loads(reader.next(STARTUP_S))["event"] == "watching"
        baseline = _json_until(reader, "baseline")
        assert baseline["analyzed"] is True
        write(project / "lib" / "key_controller.ex", MISTAKE)
        update = _json_until(reader, "findings")
        proc.send_signal(signal.SIGINT)
        err = _finish(proc)
    assert update["paths"] == ["lib/key_controller.ex"]
    new = update["new"]
    assert isinstance(new, list) and len(new) == 1
    assert (new[0]["rule"], new[0]["path"], new[0]["line"]) == (
        "unsafe-atom-creation",
        "lib/key_controller.ex",
        3,
    )
    assert update["resolved"] == []
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_text_mode_sigterm_exits_zero(project: Path) -> None:
    with _running(str(project), "--no-analysis", "--debounce", "50") as proc:
        reader = LineReader(proc)
        first = reader.next(STARTUP_S)
        assert first.startswith(f"watching {project.resolve()}: 3 files match the triggers")
        assert "debounce 50 ms" in first
        write(project / "test" / "proj_test.exs", "defmodule ProjTest do\n  use ExUnit.Case\nend\n")
        assert reader.next() == "changed: test/proj_test.exs\n"
        proc.send_signal(signal.SIGTERM)
        err = _finish(proc)
    assert proc.returncode == 0, err
    assert err == ""


def test_forced_polling_says_so(project: Path) -> None:
    with _running(str(project), "--json", "--no-analysis", "--polling") as proc:
        reader = LineReader(proc)
        assert json.loads(reader.next(STARTUP_S))["mode"] == "polling"
        proc.send_signal(signal.SIGINT)
        _finish(proc)
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


def test_the_project_folder_vanishing_ends_the_command_cleanly(
    project: Path, tmp_path: Path
) -> None:
    with _running(str(project), "--json", "--no-analysis") as proc:
        reader = LineReader(proc)
        assert json.loads(reader.next(STARTUP_S))["event"] == "watching"
        _json_until(reader, "baseline")
        project.rename(tmp_path / "moved-away")
        notice = _json_until(reader, "notice")
        assert "deleted or renamed" in str(notice["message"])
        assert _json_until(reader, "state")["state"] == "stopped"
        err = _finish(proc)
    assert proc.returncode == 0, err
    assert err == ""


CONTROLLER_MISTAKE = """defmodule ProjWeb.SortController do
  use ProjWeb, :controller

  def index(conn, params) do
    field = String.to_atom(params["sort"])
    json(conn, %{field: field})
  end
end
"""


ROUTER = """defmodule ProjWeb.Router do
  use ProjWeb, :router

  get "/sort", ProjWeb.SortController, :index
end
"""


def test_json_does_not_announce_a_finding_again_when_lines_move(project: Path) -> None:
    """Lines added above a finding, then removed: the same finding, never "new" again."""
    path = project / "lib" / "sort_controller.ex"
    write(project / "lib" / "router.ex", ROUTER)  # routed: a controller nothing names is low
    with _running(str(project), "--json", "--no-compile") as proc:
        reader = LineReader(proc)
        assert json.loads(reader.next(STARTUP_S))["event"] == "watching"
        _json_until(reader, "baseline")
        write(path, CONTROLLER_MISTAKE)
        first = _json_until(reader, "findings")
        write(
            path,
            "# Sorting for the index page.\n# Keep the params as given.\n\n" + CONTROLLER_MISTAKE,
        )
        moved = _json_until(reader, "findings")
        write(path, CONTROLLER_MISTAKE)
        back = _json_until(reader, "findings")
        proc.send_signal(signal.SIGINT)
        err = _finish(proc)
    [finding] = first["new"]  # type: ignore[misc]
    assert (finding["rule"], finding["line"]) == ("unsafe-atom-creation", 5)
    assert finding["confidence"] in ("high", "medium")
    for update in (moved, back):
        assert update["new"] == [] and update["resolved"] == []
    [still] = moved["findings"]  # type: ignore[misc]
    assert still["line"] == 8 and still["fingerprint"] == finding["fingerprint"]
    assert proc.returncode == 0, err
