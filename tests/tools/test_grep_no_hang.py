"""Grep cannot hang: a catastrophic pattern on a large file returns at once on RE2; a pattern
only Python's backtracking engine can run (a backreference) runs in a worker process that is
killed at the time limit, or as soon as the call is cancelled. RE2 and ``re`` agree on the
lines they match."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools_support import MakeToolset, Project

from elixir_pro.tools.grep_match import compile_pattern, matched_lines

CATASTROPHIC = r"^(\s*\S+)*\s*XYZ$"  # exponential on a backtracking engine
WITH_BACKREFERENCE = r"^(\s*\S+)*\s*\1XYZ$"  # RE2 cannot run it: the worker does
WORKER = "elixir_pro.tools.grep_worker"


@pytest.fixture
def large_file(project: Project) -> str:
    line = "a" * 40 + " " + "b" * 30 + "\n"
    (project.root / "lib" / "big.ex").write_text(line * 120_000)  # about 8.5 MB
    return "lib/big.ex"


def _workers() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/cmdline", "rb") as fh:
                if WORKER.encode() in fh.read():
                    pids.append(int(entry))
    return pids


async def test_a_catastrophic_pattern_on_a_large_file_returns_at_once(
    make_toolset: MakeToolset, large_file: str
) -> None:
    tools = make_toolset()
    started = time.monotonic()
    out = await tools.run("Grep", {"pattern": CATASTROPHIC, "path": large_file})
    took = time.monotonic() - started
    assert out.output == "No matches found" and not out.is_error
    assert took < 5.0, took
    hit = await tools.run("Grep", {"pattern": r"^(\s*\S+)*\s*b+$", "output_mode": "count"})
    assert "lib/big.ex:120000" in hit.output


async def test_a_backtracking_pattern_is_killed_at_the_time_limit(
    make_toolset: MakeToolset, large_file: str
) -> None:
    tools = make_toolset()  # the default limit (4 s)
    started = time.monotonic()
    out = await tools.run("Grep", {"pattern": WITH_BACKREFERENCE, "path": large_file})
    took = time.monotonic() - started
    assert took < 5.0, took
    assert out.is_error and "Grep stopped after 4 s" in out.output
    assert "invalid escape sequence: \\1" in out.output  # what RE2 objected to
    assert _workers() == []


async def test_patterns_only_python_can_run_still_work(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    out = await tools.run(
        "Grep", {"pattern": r"def (?=hello)", "output_mode": "content", "-n": True}
    )
    assert not out.is_error and "lib/sample.ex:" in out.output and "def hello" in out.output
    backref = await tools.run("Grep", {"pattern": r"(\w)\1", "output_mode": "count"})
    assert not backref.is_error and "Found" in backref.output
    bad = await tools.run("Grep", {"pattern": "(unclosed"})
    assert bad.is_error and "Invalid regular expression" in bad.output


async def test_cancelling_the_call_kills_the_worker_at_once(
    make_toolset: MakeToolset, large_file: str
) -> None:
    tools = make_toolset(grep_time_limit=60.0)
    task = asyncio.create_task(
        tools.run("Grep", {"pattern": WITH_BACKREFERENCE, "path": large_file})
    )
    deadline = time.monotonic() + 10
    while not _workers():
        assert time.monotonic() < deadline and not task.done()
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # the worker is deep in backtracking now
    started = time.monotonic()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled() and time.monotonic() - started < 1.0
    deadline = time.monotonic() + 2
    while _workers():
        assert time.monotonic() < deadline, "the worker outlived its call"
        await asyncio.sleep(0.01)


PATTERNS = ["a", "ab", "^a", "b$", "^$", "a\\s+b", "\\s", "b*", "a.b", "[ab]+ ", "^", "$", " $"]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab \n\r", max_size=40),
    pattern=st.sampled_from(PATTERNS),
    multiline=st.booleans(),
    first_only=st.booleans(),
)
def test_re2_on_bytes_matches_the_same_lines_as_python_re(
    text: str, pattern: str, multiline: bool, first_only: bool
) -> None:
    compiled = compile_pattern(pattern, ignore_case=False, multiline=multiline)
    assert compiled.re2 is not None
    python = re.compile(pattern, re.MULTILINE | (re.DOTALL if multiline else 0))
    expected = matched_lines(python, text, multiline=multiline, first_only=first_only)
    got = matched_lines(compiled.re2, text.encode(), multiline=multiline, first_only=first_only)
    assert got == expected
