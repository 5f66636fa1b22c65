"""The service runs an analyzer on each batch off the caller's thread and reports findings:
what is new since the previous state, what was resolved, and the current set."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from watch_support import AtomAnalyzer, Collector, write

from elixir_pro.events import FindingsUpdated
from elixir_pro.watch import Baseline, FileBatch, WatchService

StartService = Callable[..., WatchService]

BAD = "defmodule Proj do\n  def to_key(x) do\n    String.to_atom(x)\n  end\nend\n"
GOOD = "defmodule Proj do\n  def to_key(x) do\n    String.to_existing_atom(x)\n  end\nend\n"


def test_findings_new_then_resolved(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    write(project / "lib" / "old.ex", "defmodule Old do\n  def k(x), do: String.to_atom(x)\nend\n")
    analyzer = AtomAnalyzer(project)
    service = start_service(project, analyzer=analyzer)
    baseline = collector.next(Baseline)
    assert baseline.analyzed and [f.path for f in baseline.findings] == ["lib/old.ex"]

    write(project / "lib" / "proj.ex", BAD)
    update = collector.next(FindingsUpdated)
    assert update.paths == ("lib/proj.ex",)
    assert [(f.rule, f.path, f.line) for f in update.new] == [
        ("unsafe-atom-creation", "lib/proj.ex", 3)
    ]
    assert update.resolved == ()
    assert {f.path for f in service.current_findings()} == {"lib/old.ex", "lib/proj.ex"}

    # a save that changes nothing re-runs nothing; the next real change resolves it
    (project / "lib" / "proj.ex").write_text(BAD, encoding="utf-8")
    write(project / "lib" / "proj.ex", GOOD)
    update = collector.next(FindingsUpdated)
    assert update.new == () and [f.line for f in update.resolved] == [3]
    assert {f.path for f in service.current_findings()} == {"lib/old.ex"}
    assert analyzer.calls == [("lib/proj.ex",), ("lib/proj.ex",)]
    assert analyzer.threads and all(n.startswith("elixir-pro-watch") for n in analyzer.threads)
    assert threading.current_thread().name not in analyzer.threads


def test_deleted_file_drops_its_findings(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    write(project / "lib" / "old.ex", "defmodule Old do\n  def k(x), do: String.to_atom(x)\nend\n")
    service = start_service(project, analyzer=AtomAnalyzer(project))
    collector.next(Baseline)
    (project / "lib" / "old.ex").unlink()
    assert collector.next(FileBatch).deleted == ("lib/old.ex",)
    update = collector.next(FindingsUpdated)
    assert update.paths == ("lib/old.ex",) and len(update.resolved) == 1
    assert service.current_findings() == ()


class _Broken(AtomAnalyzer):
    def reanalyze(self, rel_paths: Iterable[str]) -> NoReturn:
        raise RuntimeError("rule crashed")


def test_analyzer_failure_is_a_notice_and_watching_goes_on(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    from elixir_pro.events import Notice

    start_service(project, analyzer=_Broken(project))
    write(project / "lib" / "proj.ex", BAD)
    assert "rule crashed" in collector.next(Notice).message
    write(project / "lib" / "proj.ex", GOOD)
    assert collector.next(FileBatch).paths == ("lib/proj.ex",)


# request params turned into an atom: a finding the default view shows (high confidence)
CONTROLLER_BAD = (
    "defmodule ProjWeb.KeyController do\n  def index(conn, params) do\n"
    '    json(conn, String.to_atom(params["key"]))\n  end\nend\n'
)
CONTROLLER_GOOD = CONTROLLER_BAD.replace("String.to_atom", "String.to_existing_atom")


def test_real_engine_new_then_resolved(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    from elixir_pro.watch.analysis import engine_analyzer

    service = start_service(project, analyzer=engine_analyzer(project, compile=False))
    assert collector.next(Baseline).analyzed
    write(project / "lib" / "proj.ex", CONTROLLER_BAD)
    update = collector.next(FindingsUpdated)
    assert [(f.rule, f.path, f.line) for f in update.new] == [
        ("unsafe-atom-creation", "lib/proj.ex", 3)
    ]
    assert any(f.rule == "unsafe-atom-creation" for f in service.current_findings())
    write(project / "lib" / "proj.ex", CONTROLLER_GOOD)
    update = collector.next(FindingsUpdated)
    assert update.new == () and [f.rule for f in update.resolved] == ["unsafe-atom-creation"]
    assert not any(f.rule == "unsafe-atom-creation" for f in service.current_findings())
