"""Engine benchmark: full audit vs raw tree-sitter parsing, and incremental re-audit of one file
vs parsing that file alone, on the synthetic corpus from bench/corpus.py.

    .venv/bin/python bench/engine_bench.py [--files 2000] [--rounds 5] [--no-write]

Each figure is the best of several interleaved rounds (the floor and the measured operation
alternate, so both see the same machine load). CPU time (``time.process_time``) is the headline
because the benchmark machine is shared; wall-clock times are reported next to it. Writes its
section of docs/performance.md through bench._report.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import write_section
from bench.corpus import generate
from elixir_pro.config import Config
from elixir_pro.engine.analyzer import ProjectAnalyzer
from elixir_pro.engine.parallel import pool_size
from elixir_pro.engine.parse import parse

NAME = "engine"
TITLE = "Engine: audit vs raw parsing"


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _corpus(root: Path, files: int) -> dict[str, bytes]:
    paths = generate(root, files=files, seed=7)
    return {rel: (root / rel).read_bytes() for rel in paths}


def full_audit(root: Path, sources: dict[str, bytes], rounds: int) -> dict[str, float]:
    blobs = list(sources.values())
    best = {
        "parse_wall": 1e9,
        "parse_cpu": 1e9,
        "audit_wall": 1e9,
        "audit_cpu": 1e9,
        "pool_wall": 1e9,
        "two_wall": 1e9,
    }
    findings = 0

    def fresh_heap() -> None:
        # each measurement starts with nothing else alive, so neither side runs in a heap
        # crowded by the other's trees
        gc.collect()

    for _ in range(rounds):
        fresh_heap()
        wall, cpu = _timed(lambda: [parse(b) for b in blobs])
        best["parse_wall"], best["parse_cpu"] = (
            min(best["parse_wall"], wall),
            min(best["parse_cpu"], cpu),
        )
        fresh_heap()
        analyzer = ProjectAnalyzer(root, Config(), jobs=1)
        wall, cpu = _timed(analyzer.analyze_all)
        best["audit_wall"], best["audit_cpu"] = (
            min(best["audit_wall"], wall),
            min(best["audit_cpu"], cpu),
        )
        findings = len(analyzer.findings)
        del analyzer
        fresh_heap()
        jobs = pool_size(len(blobs), None)
        pooled = ProjectAnalyzer(root, Config())  # the default: a pool over idle cores
        wall = _timed(pooled.analyze_all)[0]
        if wall < best["pool_wall"]:
            best["pool_wall"], best["jobs"] = wall, jobs
        del pooled
        fresh_heap()
        two = ProjectAnalyzer(root, Config(), jobs=2)
        best["two_wall"] = min(best["two_wall"], _timed(two.analyze_all)[0])
        del two
    best["findings"] = findings
    return best


def incremental(root: Path, sources: dict[str, bytes], reps: int) -> dict[str, float]:
    """Re-audit one changed GenServer file; compare with parsing that file alone."""
    servers = sorted((len(data), rel) for rel, data in sources.items() if "/servers/" in rel)
    rel = servers[len(servers) // 2][1]
    path = root / rel
    original = sources[rel]
    analyzer = ProjectAnalyzer(root, Config())
    analyzer.analyze_all()
    reaudit: list[float] = []
    floor: list[float] = []
    for i in range(reps):
        changed = original + f"\n# edit {i}\n".encode()
        path.write_bytes(changed)
        start = time.perf_counter()
        analyzer.reanalyze([rel])
        reaudit.append(time.perf_counter() - start)
        variant = changed + b" "
        start = time.perf_counter()
        parse(variant)
        floor.append(time.perf_counter() - start)
    path.write_bytes(original)
    return {
        "file": len(analyzer.files()),
        "bytes": len(original),
        "reaudit": statistics.median(reaudit),
        "parse": statistics.median(floor),
        "reaudit_best": min(reaudit),
        "parse_best": min(floor),
    }


def thread_check(sources: dict[str, bytes], rounds: int) -> tuple[float, float]:
    """Parse the corpus on one thread and on two (best of interleaved rounds): does
    py-tree-sitter release the GIL while parsing?"""
    blobs = list(sources.values())

    def two_threads() -> None:
        halves = [blobs[::2], blobs[1::2]]
        threads = [threading.Thread(target=lambda h=h: [parse(b) for b in h]) for h in halves]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    one = two = 1e9
    for _ in range(rounds):
        one = min(one, _timed(lambda: [parse(b) for b in blobs])[0])
        two = min(two, _timed(two_threads)[0])
    return one, two


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big"
        small = Path(tmp) / "small"
        sources = _corpus(big, args.files)
        small_sources = _corpus(small, max(args.files // 10, 50))
        total_bytes = sum(len(b) for b in sources.values())
        lines = sum(b.count(b"\n") for b in sources.values())
        full = full_audit(big, sources, args.rounds)
        inc_big = incremental(big, sources, args.reps)
        inc_small = incremental(small, small_sources, args.reps)
        one, two = thread_check(sources, args.rounds)
    cpu_ratio = full["audit_cpu"] / full["parse_cpu"]
    wall_ratio = full["audit_wall"] / full["parse_wall"]
    pool_ratio = full["pool_wall"] / full["parse_wall"]
    inc_ratio = inc_big["reaudit"] / inc_big["parse"]
    inc_small_ratio = inc_small["reaudit"] / inc_small["parse"]
    big_cells = f"{inc_big['reaudit'] * 1000:.2f} ms | {inc_big['parse'] * 1000:.2f} ms"
    small_cells = f"{inc_small['reaudit'] * 1000:.2f} ms | {inc_small['parse'] * 1000:.2f} ms"
    jobs = int(full["jobs"])
    body = f"""
Corpus: `bench/corpus.py`, {len(sources)} files (seed 7: GenServers, supervisors, Ecto contexts
and schemas, LiveViews, controllers, ExUnit tests, about one file in ten with a planted mistake),
{total_bytes / 1024 / 1024:.1f} MiB, {lines} lines, {total_bytes / len(sources):.0f} bytes per file
on average. Best of {args.rounds} interleaved rounds; each audit starts cold (new analyzer, empty
parse cache) and includes finding, reading and hashing the files.

| measurement | wall time | CPU time (this process) | / floor |
|---|---|---|---|
| raw tree-sitter parse of the corpus, one thread (**floor**) | {full["parse_wall"]:.3f} s | \
{full["parse_cpu"]:.3f} s | 1.00x |
| full audit, one process (`--jobs 1`), {int(full["findings"])} findings | \
{full["audit_wall"]:.3f} s | {full["audit_cpu"]:.3f} s | {wall_ratio:.2f}x wall, \
{cpu_ratio:.2f}x CPU |
| full audit, two forked processes (`--jobs 2`) | {full["two_wall"]:.3f} s | - | \
{full["two_wall"] / full["parse_wall"]:.2f}x wall |
| full audit, default (`ProjectAnalyzer(root)`; in its best round it chose {jobs} \
process{"es" if jobs > 1 else ""}) | {full["pool_wall"]:.3f} s | - | **{pool_ratio:.2f}x** wall |

Target: full audit within 1.5x of the floor. In one process the rules, reading and hashing add
about {(cpu_ratio - 1) * 100:.0f}% to the parse. Forked worker processes split the files
(tree-sitter holds the GIL, so threads cannot: two threads parsing half the corpus each took
{two:.3f} s against {one:.3f} s on one, {one / two:.2f}x). By default a project of 300 files or
more gets one process per idle core, judged from the 1-minute load average; on this shared
machine that average includes other engineers' work and this benchmark's own earlier rounds.

Incremental re-audit of one changed GenServer file ({inc_big["bytes"]} bytes), median of
{args.reps} edits, against parsing that same file alone (target <= 2x):

| project size | re-audit one file | parse that file | ratio |
|---|---|---|---|
| {len(sources)} files | {big_cells} | **{inc_ratio:.2f}x** |
| {len(small_sources)} files | {small_cells} | {inc_small_ratio:.2f}x |

The re-audit does not grow with the project: per-file results are kept by content hash, the
changed file is re-parsed incrementally from its previous tree (tree-sitter `Tree.edit`), and the
only cross-file fact (callbacks of project-defined behaviours) is updated per file.
"""
    print(body)
    if not args.no_write:
        write_section(NAME, TITLE, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
