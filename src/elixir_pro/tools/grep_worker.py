"""The killable worker for Grep patterns RE2 cannot run (backreferences, look-around ...):
Python's backtracking ``re`` in a separate process, under a hard time limit. A catastrophic
pattern costs at most :data:`TIME_LIMIT_S` and a clear tool error, never a hung turn; a
cancelled turn (ctrl-c) kills the worker at once.

:func:`search` is the parent's side; ``python -m elixir_pro.tools.grep_worker`` reads one job
(JSON on stdin) and writes the matched lines per file (JSON on stdout). Used by the Grep tool.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from elixir_pro.tools.grep_match import GrepPattern, matched_lines
from elixir_pro.tools.params import ToolError
from elixir_pro.tools.search import Candidate, read_text

TIME_LIMIT_S = 4.0
"""How long a search on the backtracking engine may take before it is killed."""


async def search(
    pattern: GrepPattern,
    files: Sequence[Candidate],
    staged: dict[str, str | None],
    *,
    multiline: bool,
    first_only: bool,
    limit: float = TIME_LIMIT_S,
) -> tuple[dict[str, list[int]], list[str]]:
    """(rel -> 0-based matched lines, rels that could not be read) for ``files``."""
    job = {
        "pattern": pattern.pattern,
        "flags": pattern.flags,
        "multiline": multiline,
        "first_only": first_only,
        "files": [[c.rel, c.path, c.staged] for c in files],
        "staged": {c.rel: staged.get(c.rel) for c in files if c.staged},
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "elixir_pro.tools.grep_worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(json.dumps(job).encode()), limit)
    except TimeoutError:
        _kill(proc)
        await proc.wait()
        raise ToolError(
            f"Grep stopped after {limit:g} s: RE2 cannot run this pattern "
            f"({pattern.why_fallback}), and on Python's backtracking engine it took too long "
            "(nested repetition such as (a+)+ can take forever). Rewrite it without "
            "backreferences or look-around, or narrow the search with path, glob or type."
        ) from None
    except BaseException:  # cancelled (ctrl-c): never leave the worker running
        _kill(proc)
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(proc.wait(), 0.5)  # reaped while the loop still runs
        raise
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(f"Grep failed: {detail[-1] if detail else proc.returncode}.")
    answer = json.loads(out)
    return {k: list(v) for k, v in answer["hits"].items()}, list(answer["unreadable"])


def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _run(job: dict[str, Any]) -> dict[str, Any]:
    pattern = GrepPattern(job["pattern"], int(job["flags"]), None)
    rx = pattern.python()
    staged: dict[str, str | None] = job["staged"]
    hits: dict[str, list[int]] = {}
    unreadable: list[str] = []
    for rel, path, is_staged in job["files"]:
        text = read_text(Candidate(rel, path, bool(is_staged)), staged)
        if text is None:
            unreadable.append(rel)
            continue
        lines = matched_lines(
            rx, text, multiline=bool(job["multiline"]), first_only=bool(job["first_only"])
        )
        if lines:
            hits[rel] = lines
    return {"hits": hits, "unreadable": unreadable}


def main() -> None:
    json.dump(_run(json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
