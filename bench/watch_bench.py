"""Watcher benchmark: start time and save-to-finding latency on a synthetic Elixir project.

Run: ``.venv/bin/python bench/watch_bench.py [--files 2000] [--saves 50] [--debounce 150]``

In one run, on a generated project (>= 2,000 ``.ex``/``.exs`` files in a real git repository,
plus ``deps/`` and ``_build/`` trees the watcher must ignore):

- the floor: a bare watchdog observer on the same tree (file write -> first raw event), plus
  the debounce window itself; the watcher cannot beat ``debounce + raw delivery``;
- watcher start: ``WatchService.start()`` (file listing + native watches), and the baseline
  (fingerprints + the engine's first full analysis);
- 50 saves, each adding ``String.to_atom/1`` on a parameter to a different module: time from the
  write to the ``FileBatch`` and to the finding being available from the service (the
  ``FindingsUpdated`` event that carries it as new), p50 and p95;
- a burst of 5,000 new files (like a checkout): how many batches, and how long after the last
  write the last batch and its findings arrive.

Target: p95 save-to-finding within the debounce window + 50 ms. Figures go to
docs/performance.md (section ``watch``).

Extension hook: another front end adds its own rows with :func:`register_measure`;
``generate_project`` and ``mistake_source`` are reusable. ``main`` registers the TUI rows of
``bench/watch_tui_bench.py`` (the findings panel under Pilot) unless ``--no-tui``.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import write_section
from elixir_pro.events import FindingsUpdated
from elixir_pro.watch import FileBatch, WatchEvent, WatchService
from elixir_pro.watch.analysis import Analyzer, engine_analyzer

RULE = "unsafe-atom-creation"
TIMEOUT_S = 30.0


# -- the synthetic project -------------------------------------------------------------------


def module_source(index: int) -> str:
    """A plausible, clean GenServer-free context module."""
    return (
        f"defmodule Synth.Ctx{index // 100:02}.Mod{index:04} do\n"
        f'  @moduledoc "Synthetic module {index}."\n\n'
        f"  def run(items) when is_list(items) do\n"
        f"    items\n"
        f"    |> Enum.map(&transform/1)\n"
        f"    |> Enum.filter(&keep?/1)\n"
        f"  end\n\n"
        f"  defp transform(%{{value: v}} = item), do: %{{item | value: v * {index % 7 + 2}}}\n"
        f"  defp transform(other), do: other\n\n"
        f"  defp keep?(%{{value: v}}), do: v > {index % 11}\n"
        f"  defp keep?(_), do: false\n"
        f"end\n"
    )


def mistake_source(index: int, round_no: int) -> str:
    """The module with a mistake the engine reports: an atom made from a parameter."""
    return module_source(index).replace(
        "  defp keep?(_), do: false\n",
        "  defp keep?(_), do: false\n\n"
        f"  def key_{round_no}(name) do\n"
        "    String.to_atom(name)\n"
        "  end\n",
    )


def module_path(index: int) -> str:
    return f"lib/ctx{index // 100:02}/mod{index:04}.ex"


def generate_project(root: Path, files: int) -> None:
    """``files`` modules and tests, plus ignored deps/_build trees, committed to git."""
    (root / "mix.exs").write_text(
        "defmodule Synth.MixProject do\n  use Mix.Project\n"
        '  def project, do: [app: :synth, version: "0.1.0"]\nend\n'
    )
    (root / ".gitignore").write_text("/_build/\n/deps/\n/cover/\n")
    modules = files * 4 // 5
    for index in range(modules):
        path = root / module_path(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module_source(index))
    for index in range(files - modules):
        path = root / "test" / f"ctx{index // 100:02}" / f"mod{index:04}_test.exs"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"defmodule Synth.Mod{index:04}Test do\n  use ExUnit.Case\n"
            f'  test "runs", do: assert Synth.Ctx{index // 100:02}.Mod{index:04}.run([]) == []\n'
            "end\n"
        )
    for tree in ("deps/jason/lib", "_build/dev/lib/synth"):
        folder = root / tree
        folder.mkdir(parents=True)
        for index in range(200):
            (folder / f"dep{index}.ex").write_text(f"defmodule Dep{index} do\nend\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e"}
    env |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@e"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "synthetic"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)


# -- measuring ---------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@dataclass
class Context:
    """What an extra measure gets: the generated project and the settings of this run."""

    root: Path
    files: int
    saves: int
    debounce_ms: int
    rows: list[tuple[str, str, str]] = field(default_factory=list)


Measure = Callable[[Context], list[tuple[str, str, str]]]
_MEASURES: list[Measure] = []


def register_measure(measure: Measure) -> Measure:
    """Add rows (name, value, note) to the report, e.g. the TUI panel's latency under Pilot."""
    _MEASURES.append(measure)
    return measure


def raw_event_latency(root: Path, saves: int) -> list[float]:
    """The floor's first part: a bare watchdog observer, file write -> first raw event."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    arrivals: queue.Queue[tuple[str, float]] = queue.Queue()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if not event.is_directory and event.event_type in ("modified", "closed", "created"):
                arrivals.put((os.fsdecode(event.src_path), time.perf_counter()))

    observer = Observer()
    observer.schedule(Handler(), str(root), recursive=True)
    observer.start()
    out: list[float] = []
    try:
        for index in range(saves):
            target = root / "lib" / "floor" / f"f{index}.ex"
            target.parent.mkdir(exist_ok=True)
            start = time.perf_counter()
            target.write_text("defmodule F do\nend\n")
            while True:
                path, at = arrivals.get(timeout=TIMEOUT_S)
                if path == str(target):
                    out.append(at - start)
                    break
        shutil.rmtree(root / "lib" / "floor")
    finally:
        observer.stop()
        observer.join()
    return out


def save_latencies(
    service_events: queue.Queue[tuple[WatchEvent, float]], root: Path, saves: int, files: int
) -> tuple[list[float], list[float]]:
    """Write ``saves`` mistakes into different modules; time batch and finding arrival."""
    to_batch: list[float] = []
    to_finding: list[float] = []
    modules = files * 4 // 5
    for round_no in range(saves):
        index = (round_no * 37) % modules
        rel = module_path(index)
        start = time.perf_counter()
        (root / rel).write_text(mistake_source(index, round_no))
        got_batch = False
        while True:
            event, at = service_events.get(timeout=TIMEOUT_S)
            if isinstance(event, FileBatch) and rel in event.paths and not got_batch:
                to_batch.append(at - start)
                got_batch = True
            if isinstance(event, FindingsUpdated) and any(
                f.rule == RULE and f.path == rel for f in event.new
            ):
                to_finding.append(at - start)
                break
    return to_batch, to_finding


@dataclass(frozen=True)
class Burst:
    files: int
    write_s: float
    batches: int
    settle_batch_s: float
    settle_findings_s: float


def burst(service_events: queue.Queue[tuple[WatchEvent, float]], root: Path, count: int) -> Burst:
    """``count`` new modules written as fast as possible (a git checkout), the last one a
    sentinel: how many batches, and how long after the last write the batch and its findings
    arrive."""
    started = time.perf_counter()
    for index in range(count - 1):
        path = root / "lib" / "burst" / f"d{index // 100:02}" / f"m{index:04}.ex"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module_source(index))
    sentinel = "lib/burst/sentinel.ex"
    (root / sentinel).write_text(mistake_source(0, 0))
    last_write = time.perf_counter()
    batches = 0
    batch_at = 0.0
    while True:
        event, at = service_events.get(timeout=TIMEOUT_S * 4)
        if isinstance(event, FileBatch):
            batches += 1
            if sentinel in event.paths:
                batch_at = at
        if batch_at and isinstance(event, FindingsUpdated) and sentinel in event.paths:
            return Burst(
                count, last_write - started, batches, batch_at - last_write, at - last_write
            )


def run(files: int, saves: int, debounce_ms: int, burst_files: int) -> str:
    with tempfile.TemporaryDirectory(prefix="watch-bench-") as tmp:
        root = Path(tmp) / "synth"
        root.mkdir()
        generate_project(root, files)
        floor_raw = raw_event_latency(root, saves)

        arrivals: queue.Queue[tuple[WatchEvent, float]] = queue.Queue()

        def on_event(event: WatchEvent) -> None:
            arrivals.put((event, time.perf_counter()))

        # the engine alone: the compiler has its own benchmark (bench/compiler_bench.py)
        analyzer: Analyzer = engine_analyzer(root, compile=False)
        service = WatchService(root, debounce_ms=debounce_ms, analyzer=analyzer, on_event=on_event)
        started = time.perf_counter()
        service.start()
        start_s = time.perf_counter() - started
        if not service.ready.wait(300):
            raise SystemExit("the baseline did not finish within 300 s")
        ready_s = time.perf_counter() - started
        try:
            while not arrivals.empty():
                arrivals.get_nowait()
            to_batch, to_finding = save_latencies(arrivals, root, saves, files)
            bursted = burst(arrivals, root, burst_files)
        finally:
            service.stop()
        context = Context(root, files, saves, debounce_ms)
        for measure in _MEASURES:
            context.rows.extend(measure(context))
        watched = service.file_count

    debounce_s = debounce_ms / 1000
    floor_s = debounce_s + statistics.median(floor_raw)
    target_s = debounce_s + 0.050
    p50, p95 = percentile(to_finding, 50), percentile(to_finding, 95)
    rows = [
        ("project", f"{watched} watched files (+400 ignored in deps/, _build/)", "git repository"),
        (
            "raw watchdog event, p50 / p95",
            f"{ms(percentile(floor_raw, 50))} / {ms(percentile(floor_raw, 95))}",
            "bare observer, same tree",
        ),
        ("floor (debounce + raw p50)", ms(floor_s), f"debounce {debounce_ms} ms"),
        ("watcher start", ms(start_s), "file listing + native watches"),
        ("baseline ready", ms(ready_s), "start + fingerprints + full analysis"),
        (
            "save -> batch, p50 / p95",
            f"{ms(percentile(to_batch, 50))} / {ms(percentile(to_batch, 95))}",
            f"{saves} saves",
        ),
        ("save -> finding, p50 / p95", f"{ms(p50)} / {ms(p95)}", f"{saves} saves"),
        ("p50 / floor", f"{p50 / floor_s:.2f}x", ""),
        (
            "p95 / target (debounce + 50 ms)",
            f"{p95 / target_s:.2f}x",
            "met" if p95 <= target_s else "NOT met",
        ),
        ("burst: files written", f"{bursted.files} in {ms(bursted.write_s)}", "new modules"),
        ("burst: batches", str(bursted.batches), "max wait 2 s per batch"),
        (
            "burst: last write -> batch / findings",
            f"{ms(bursted.settle_batch_s)} / {ms(bursted.settle_findings_s)}",
            "the findings include re-analysing the batch",
        ),
        *context.rows,
    ]
    table = ["| measure | value | note |", "|---|---|---|"]
    table += [f"| {name} | {value} | {note} |" for name, value, note in rows]
    return "\n".join(table) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--debounce", type=int, default=150, metavar="MS")
    parser.add_argument("--burst", type=int, default=5000, metavar="FILES")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs alone")
    parser.add_argument(
        "--no-tui", action="store_true", help="leave out the TUI rows (bench/watch_tui_bench.py)"
    )
    args = parser.parse_args(argv)
    if not args.no_tui:
        from bench.watch_tui_bench import measure_tui

        if measure_tui not in _MEASURES:
            register_measure(measure_tui)
    body = run(args.files, args.saves, args.debounce, args.burst)
    print(body)
    if not args.no_write:
        write_section("watch", "Watcher: start time and save-to-finding latency", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
