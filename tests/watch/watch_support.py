"""Helpers for the watcher tests: an event collector that waits on a service's events with a
timeout (never a fixed sleep), and small file and git helpers."""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.watch import FileBatch, WatchEvent

TIMEOUT_S = 20.0
E = TypeVar("E")


class Collector:
    """The ``on_event`` callback of a service under test: every event goes into a queue."""

    def __init__(self) -> None:
        self.queue: queue.Queue[WatchEvent] = queue.Queue()
        self.seen: list[WatchEvent] = []

    def __call__(self, event: WatchEvent) -> None:
        self.queue.put(event)

    def next(self, kind: type[E], timeout: float = TIMEOUT_S) -> E:
        """The next event of that type (others are kept in ``seen``)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kind.__name__} within {timeout}s; saw {self.seen}")
            try:
                event = self.queue.get(timeout=remaining)
            except queue.Empty:
                continue
            self.seen.append(event)
            if isinstance(event, kind):
                return event

    def batches_until(self, sentinel: str, timeout: float = TIMEOUT_S) -> list[FileBatch]:
        """Every batch up to and including the one that holds ``sentinel``."""
        batches: list[FileBatch] = []
        while True:
            batch = self.next(FileBatch, timeout)
            batches.append(batch)
            if sentinel in batch.all_paths:
                return batches


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=30
    )
    return result.stdout


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class _Report:
    files_analyzed: int
    findings: list[Finding]


@dataclass(frozen=True)
class _Delta:
    paths: tuple[str, ...]
    findings: list[Finding]
    new: list[Finding]
    resolved: list[Finding]


class AtomAnalyzer:
    """A small real analyzer with the engine's shape: flags each ``String.to_atom(`` line and
    keeps per-file state so ``reanalyze`` reports what is new and what was resolved."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state: dict[str, list[Finding]] = {}
        self.calls: list[tuple[str, ...]] = []
        self.threads: list[str] = []

    def _scan(self, rel: str) -> list[Finding]:
        try:
            text = (self.root / rel).read_text(encoding="utf-8")
        except OSError:
            return []
        return [
            Finding("unsafe-atom-creation", Severity.HIGH, rel, n, 1, n, 1, "atom from input")
            for n, line in enumerate(text.splitlines(), 1)
            if "String.to_atom(" in line
        ]

    def analyze_all(self) -> _Report:
        rels = [p.relative_to(self.root).as_posix() for p in self.root.rglob("*.ex")]
        self.state = {rel: self._scan(rel) for rel in rels}
        return _Report(len(rels), [f for fs in self.state.values() for f in fs])

    def reanalyze(self, rel_paths: Iterable[str]) -> _Delta:
        paths = tuple(rel_paths)
        self.calls.append(paths)
        self.threads.append(threading.current_thread().name)
        findings: list[Finding] = []
        new: list[Finding] = []
        resolved: list[Finding] = []
        for rel in paths:
            before = self.state.get(rel, [])
            after = self._scan(rel)
            self.state[rel] = after
            findings += after
            new += [f for f in after if f not in before]
            resolved += [f for f in before if f not in after]
        return _Delta(paths, findings, new, resolved)


class LineReader:
    """Reads a subprocess's stdout lines on a thread so a test can wait for one with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        assert proc.stdout is not None
        stdout = proc.stdout

        def pump() -> None:
            with stdout:
                for line in stdout:
                    self.lines.put(line)
            self.lines.put(None)

        threading.Thread(target=pump, daemon=True).start()

    def next(self, timeout: float = TIMEOUT_S) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output line within {timeout}s") from None
        if line is None:
            raise AssertionError("the process closed its output")
        return line
