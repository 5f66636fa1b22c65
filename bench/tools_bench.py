"""Grep and Glob over a generated Elixir project, against the least a pure-Python search must do.

    .venv/bin/python bench/tools_bench.py [--files 3000] [--repeats 5] [--no-write]

The floor is a bare loop over the same tree: ``os.walk`` with the same directories pruned,
read each file, decode, one ``re.search`` (Glob: ``fnmatch`` on each path). What the tools add
on top of that is confinement, secret and binary checks, staged texts, line numbers, ordering
and caps. ``grep -r`` is shown for reference, not as the floor: it is C.
Writes the ``tools`` section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import fnmatch
import functools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import write_section
from bench.corpus import generate
from elixir_pro.changes.changeset import Changeset
from elixir_pro.tools import ToolContext, Toolset, build_toolset
from elixir_pro.tools.workspace import IGNORED_DIRS

PATTERN = r"def handle_(call|cast)\("
TARGET_RATIO = 2.0


def floor_grep(root: Path, rx: re.Pattern[str]) -> int:
    found = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in IGNORED_DIRS]
        for name in filenames:
            with open(os.path.join(dirpath, name), "rb") as fh:
                if rx.search(fh.read().decode("utf-8", errors="replace")):
                    found += 1
    return found


def floor_glob(root: Path, pattern: str) -> int:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in IGNORED_DIRS]
        rel_dir = os.path.relpath(dirpath, root)
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if fnmatch.fnmatchcase(rel, pattern):
                found.append((os.lstat(os.path.join(dirpath, name)).st_mtime, rel))
    found.sort(reverse=True)  # Glob's answer is ordered by mtime, so the floor stats too
    return len(found)


def _elapsed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paired(
    floor: Callable[[], object], op: Callable[[], Awaitable[object]], repeats: int
) -> tuple[float, float]:
    """Median times of ``op`` and of ``floor``, run alternately so that both see the same load
    on a shared machine."""
    floors, ops = [], []

    async def timed() -> float:
        start = time.perf_counter()
        await op()
        return time.perf_counter() - start

    for _ in range(repeats):
        floors.append(_elapsed(floor))
        ops.append(asyncio.run(timed()))
    return statistics.median(ops), statistics.median(floors)


GITIGNORE = """\
/_build/
/cover/
/deps/
/doc/
/.fetch
erl_crash.dump
*.ez
shop-*.tar
/tmp/
/priv/static/assets/
/priv/static/cache_manifest.json
npm-debug.log
/assets/node_modules/
"""


def build(root: Path, files: int) -> int:
    generate(root, files)
    (root / ".gitignore").write_text(GITIGNORE)  # a Phoenix project's, read by Grep and Glob
    for ignored in ("deps/phoenix/lib", "_build/dev/lib/shop/ebin"):
        (root / ignored).mkdir(parents=True, exist_ok=True)
    for i in range(files // 5):
        (root / "deps/phoenix/lib" / f"dep_{i}.ex").write_text("def handle_call(x) do\n" * 50)
        (root / "_build/dev/lib/shop/ebin" / f"Elixir.M{i}.beam").write_bytes(b"\0" * 4096)
    return sum(len(f) for _, _, f in os.walk(root))


def run(files: int, repeats: int) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="tools-bench-"))
    try:
        root = tmp / "shop"
        total_files = build(root, files)
        size_mb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6
        tools: Toolset = build_toolset(
            ("Grep", "Glob"), ToolContext(root, Changeset(root, source="bench"), None)
        )
        rx = re.compile(PATTERN, re.MULTILINE)
        matches = floor_grep(root, rx)
        rows: list[tuple[str, float, float]] = []
        grep_floor = functools.partial(floor_grep, root, rx)
        for label, tool_input in (
            ("Grep files_with_matches", {"pattern": PATTERN}),
            ("Grep count", {"pattern": PATTERN, "output_mode": "count"}),
            ("Grep content -C 2", {"pattern": PATTERN, "output_mode": "content", "-C": 2}),
            ("Grep -i, glob lib/**/*.ex", {"pattern": "genserver", "-i": True,
                                           "glob": "lib/**/*.ex"}),
        ):  # fmt: skip
            op = functools.partial(tools.run, "Grep", tool_input)
            rows.append((label, *paired(grep_floor, op, repeats)))
        glob_op = functools.partial(tools.run, "Glob", {"pattern": "**/*.ex"})
        glob_floor = functools.partial(floor_glob, root, "*.ex")
        rows.append(("Glob **/*.ex (mtime-sorted)", *paired(glob_floor, glob_op, repeats)))
        command = ["grep", "-rlE", "--exclude-dir=deps", "--exclude-dir=_build", PATTERN, str(root)]
        grep_c = statistics.median(
            _elapsed(lambda: subprocess.run(command, capture_output=True, check=False))
            for _ in range(repeats)
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    worst = max(s / f for _, s, f in rows)
    lines = [
        f"Generated project: {files} Elixir files from bench/corpus.py plus {files // 5} files in "
        f"`deps/` and {files // 5} in `_build/` that are skipped, and a Phoenix `.gitignore` "
        f"({total_files} files, "
        f"{size_mb:.1f} MB); pattern `{PATTERN}` is in {matches} files. Medians of {repeats} "
        "runs, each operation alternating with its floor.",
        "",
        "| operation | time | floor | ratio |",
        "|---|---:|---:|---:|",
    ]
    for label, seconds, fl in rows:
        lines.append(
            f"| {label} | {seconds * 1000:.0f} ms | {fl * 1000:.0f} ms | {seconds / fl:.2f}x |"
        )
    lines += [
        "",
        "Floor: a bare Python loop over the same tree (same directories pruned; read, decode and "
        "one `re.search` per file; for Glob, `fnmatch` on each path and a stat of each match for "
        "the mtime order).",
        f"For reference, GNU `grep -rlE` over the same tree: {grep_c * 1000:.0f} ms.",
        "",
        f"Target: every ratio under {TARGET_RATIO:.1f}x. Worst: {worst:.2f}x "
        f"({'met' if worst < TARGET_RATIO else 'NOT met'}).",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs alone")
    args = parser.parse_args()
    body = run(args.files, args.repeats)
    print(body)
    if not args.no_write:
        write_section("tools", "Tools: Grep and Glob over a project", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
