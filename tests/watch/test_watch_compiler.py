"""Compiler diagnostics on save, with the real ``mix``, a real watchdog observer and real files
in a compiled copy of examples/courier: ``watch --json`` reports the compiler's warning of a
save (marked as the compiler's, not new again when its lines move), a save that breaks the
build shows the error, no BEAM is left behind, and without ``mix`` there is one notice and the
engine's findings still come."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from compiled_courier import add_unused_variable, courier_copy, wait_gone
from watch_support import Collector, LineReader, git

from elixir_pro.events import FindingsUpdated, Notice
from elixir_pro.watch import Baseline, Compiled, FileBatch, WatchService
from elixir_pro.watch.analysis import engine_analyzer

pytestmark = pytest.mark.mix
TIMEOUT_S = 60.0
StartService = Callable[..., WatchService]


@pytest.fixture
def courier(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    root: Path = courier_copy(tmp_path_factory, tmp_path / "courier")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "init")
    return root


def companions_of(parent: int) -> list[int]:
    """The compiler companions (BEAMs running companion.exs) whose parent is ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(") ", 1)[1].split()[1])
        if ppid == parent and b"companion.exs" in cmdline:
            found.append(int(entry.name))
    return found


def json_until(reader: LineReader, test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    while True:
        data = json.loads(reader.next(TIMEOUT_S))
        assert isinstance(data, dict)
        if test(data):
            return data


def compiler_new(data: dict[str, Any]) -> bool:
    return data["event"] == "findings" and any(f["source"] == "compiler" for f in data["new"])


def test_watch_json_reports_the_compiler_warning_of_a_save(courier: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "elixir_pro", "watch", str(courier), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        reader = LineReader(proc)
        json_until(reader, lambda d: d["event"] == "baseline")
        first = json_until(reader, lambda d: d["event"] == "compiled")
        assert first["status"] == "noop" and first["errors"] == first["warnings"] == 0
        rel, line = add_unused_variable(courier)
        update = json_until(reader, compiler_new)
        (warning,) = [f for f in update["new"] if f["source"] == "compiler"]
        assert (warning["rule"], warning["path"], warning["line"]) == (
            "compiler:warning",
            rel,
            line,
        )
        assert warning["severity"] == "medium" and warning["confidence"] == "high"
        assert 'variable "unused_here" is unused' in warning["message"]
        assert warning in update["findings"]
        assert update["paths"] == [rel]
        # lines added above it: the same warning, moved, not new
        path = courier / rel
        path.write_text("# Rates.\n# Per zone.\n" + path.read_text())
        moved = json_until(
            reader,
            lambda d: (
                d["event"] == "findings"
                and any(f["source"] == "compiler" and f["line"] == line + 2 for f in d["findings"])
            ),
        )
        assert moved["new"] == [] and moved["resolved"] == []
        (still,) = [f for f in moved["findings"] if f["source"] == "compiler"]
        assert still["fingerprint"] == warning["fingerprint"]
        (beam,) = companions_of(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(TIMEOUT_S)
        assert proc.returncode == 0
        assert wait_gone(beam, 10.0), "the companion outlived elixir-pro watch"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.stderr.close()
    assert "Traceback" not in err


@pytest.fixture
def start(collector: Collector) -> Iterator[StartService]:
    services: list[WatchService] = []

    def start(root: Path, **kwargs: Any) -> WatchService:
        service = WatchService(root, on_event=collector, **kwargs)
        services.append(service)
        service.start()
        return service

    yield start
    for service in services:
        service.stop()


def next_compiler_update(collector: Collector) -> FindingsUpdated:
    while True:
        update = collector.next(FindingsUpdated, TIMEOUT_S)
        if any(f.source == "compiler" for f in (*update.new, *update.resolved)):
            return update


def test_a_save_that_breaks_the_build_shows_the_error_then_its_fix(
    courier: Path, collector: Collector, start: StartService
) -> None:
    start(courier, analyzer=engine_analyzer(courier))
    assert collector.next(Baseline, TIMEOUT_S).analyzed
    assert collector.next(Compiled, TIMEOUT_S).status == "noop"
    path = courier / "lib/courier/metrics.ex"
    original = path.read_text()
    path.write_text(
        original.replace(
            "defmodule Courier.Metrics do", "defmodule Courier.Metrics do\n  def broken(, do: 1", 1
        )
    )
    broken = next_compiler_update(collector)
    (error,) = broken.new
    assert (error.rule, error.path, error.source) == (
        "compiler:error",
        "lib/courier/metrics.ex",
        "compiler",
    )
    assert error.severity.value == "critical" and error.line >= 2
    assert error.message.startswith("SyntaxError")
    path.write_text(original)
    assert collector.next(Compiled, TIMEOUT_S).status == "error"
    fixed = next_compiler_update(collector)
    assert fixed.resolved == (error,) and fixed.new == ()
    assert not [f for f in fixed.findings if f.source == "compiler"]


def test_without_mix_one_notice_and_the_engine_goes_on(
    courier: Path,
    collector: Collector,
    start: StartService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git_path = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    (bin_dir / "git").symlink_to(git_path)
    monkeypatch.setenv("PATH", str(bin_dir))  # git, but no mix and no elixir
    start(courier, analyzer=engine_analyzer(courier))
    assert collector.next(Baseline, TIMEOUT_S).analyzed
    notice = collector.next(Notice, TIMEOUT_S)
    assert notice.message == (
        "compiler diagnostics are off: mix is not installed (no 'mix' or 'elixir' on PATH)"
    )
    leaky = courier / "lib/courier/labels.ex"
    leaky.write_text(
        "defmodule Courier.Labels do\n  def label(params) do\n"
        '    {:ok, String.to_atom(params["kind"])}\n  end\nend\n'
    )
    collector.next(FindingsUpdated, TIMEOUT_S)
    add_unused_variable(courier)
    collector.next(FindingsUpdated, TIMEOUT_S)
    notices = [e for e in collector.seen if isinstance(e, Notice)]
    assert notices == [notice]  # said once, not on every save


SLOW = "defmodule Courier.Slow do\n  Process.sleep(3000)\n  def ok, do: :ok\nend\n"
LEAKY = (
    "defmodule Courier.Labels do\n  def label(params) do\n"
    '    kind = String.to_atom(params["kind"])\n    {:ok, kind}\n  end\nend\n'
)


def test_a_long_compile_never_holds_up_the_engines_findings(
    courier: Path, collector: Collector, start: StartService
) -> None:
    start(courier, analyzer=engine_analyzer(courier))
    assert collector.next(Baseline, TIMEOUT_S).analyzed
    assert collector.next(Compiled, TIMEOUT_S).status == "noop"
    (courier / "lib/courier/slow.ex").write_text(SLOW)  # its compile takes 3 s
    collector.next(FileBatch, TIMEOUT_S)
    (courier / "lib/courier/labels.ex").write_text(LEAKY)
    while True:
        update = collector.next(FindingsUpdated, TIMEOUT_S)
        if any(f.path == "lib/courier/labels.ex" for f in update.new):
            break
    assert not [e for e in collector.seen if isinstance(e, Compiled)][1:], (
        "the engine's finding waited for the compile"
    )
    slow = collector.next(Compiled, TIMEOUT_S)
    assert slow.status == "ok" and slow.duration_ms >= 3000
    assert collector.next(Compiled, TIMEOUT_S).status in ("ok", "noop")  # labels.ex's turn
