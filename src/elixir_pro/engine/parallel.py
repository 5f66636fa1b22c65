"""Full audits across cores: a fork-based process pool analyses chunks of files and sends back
per-file results (findings, notices, behaviour facts). tree-sitter holds the GIL while parsing,
so threads do not help; processes do, once a project is large enough to pay the pool's start-up.

Used by :meth:`ProjectAnalyzer.analyze_all` for large projects when cores are idle, or when the
caller asks for jobs (``elixir-pro audit --jobs N``), and only when it is safe: a ``fork`` start
method and a process with a single thread (forking a threaded process such as the TUI is not).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from elixir_pro.config import Config
from elixir_pro.engine.findings import Finding
from elixir_pro.engine.project import Callbacks, RepoFunctions, Schemas
from elixir_pro.engine.reach import Entry
from elixir_pro.engine.scope import ScopePolicy
from elixir_pro.engine.sources import Notice

CHUNK = 64
AUTO_MIN_FILES = 300
MAX_JOBS = 4


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """One file's result from a worker; ``digest`` is empty when it could not be analysed."""

    path: str
    digest: str
    findings: list[Finding]
    notices: list[Notice]
    behaviours: frozenset[str]
    callbacks: Callbacks
    repo_functions: RepoFunctions = field(default_factory=dict)
    loop_calls: frozenset[str] = frozenset()
    entries: tuple[Entry, ...] = ()
    schemas: Schemas = field(default_factory=dict)


def idle_cores() -> int:
    """Cores not busy with other work, from the 1-minute load average (this process's own
    load counted as idle). The pool only wins when cores are actually free: on the shared
    benchmark machine it ranged from slower than one process to close to twice as fast."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return cores
    return max(1, min(cores, round(cores - max(0.0, load - 1.0))))


def pool_size(files: int, jobs: int | None) -> int:
    """How many processes to use. ``jobs`` when given (0 = one per core, 1 = no pool); by
    default a pool only for projects of ``AUTO_MIN_FILES`` or more and only over idle cores.
    Never forks a process that runs other threads (the TUI, the watcher)."""
    if jobs == 1 or files < 2:
        return 1
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if jobs is None:
        wanted = idle_cores() if files >= AUTO_MIN_FILES else 1
    else:
        wanted = jobs if jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, MAX_JOBS, files))


def _worker(job: tuple[str, list[str], Config, ScopePolicy]) -> list[FileOutcome]:
    from elixir_pro.engine.file_check import check_source_file

    root, paths, config, policy = job
    return [check_source_file(root, rel, config, policy) for rel in paths]


def analyze_in_pool(
    root: str,
    paths: list[str],
    config: Config,
    policy: ScopePolicy,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[FileOutcome]:
    """Every file's outcome, in order, computed by ``jobs`` forked processes."""
    chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
    context = multiprocessing.get_context("fork")
    done = 0
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for outcomes in pool.map(_worker, [(root, chunk, config, policy) for chunk in chunks]):
            yield from outcomes
            done += len(outcomes)
            if progress is not None:
                progress(done, len(paths))
