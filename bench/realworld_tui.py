"""The TUI on real repositories: open the app on each, open the findings and supervision panels,
wait for both, and report what they show and how long it took. Any exception in the app fails
the run.

A development-time check (the repositories are not part of this project):

    .venv/bin/python bench/realworld_tui.py FOLDER [--timeout 120]

For each repository it runs the real ``ElixirProApp(root, offline=True)`` under
``app.run_test(size=(160, 48))`` with private config and state dirs, presses F2 (findings) and
waits for the panel to hold the baseline, then F3 (supervision) and waits for the map, then quits
with ctrl+q. Prints one line per repository and exits 1 when one failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def check(root: Path, timeout: float, linger: float) -> str:
    from elixir_pro.tui.app import ElixirProApp
    from elixir_pro.tui.screens.main import MainScreen

    app = ElixirProApp(root, offline=True)
    start = time.perf_counter()
    async with app.run_test(size=(160, 48)) as pilot:

        async def until(condition: object, what: str) -> None:
            deadline = time.perf_counter() + timeout
            while not condition():  # type: ignore[operator]
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")
                await pilot.pause(0.05)

        screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        await pilot.press("f2")
        findings = screen.findings_panel
        await until(lambda: findings.state != "loading", "findings")
        ready = time.perf_counter() - start
        await pilot.press("f3")
        panel = screen.supervision_panel
        await until(lambda: "loading" not in panel.title_text, "supervision")
        mapped = time.perf_counter() - start
        end = time.perf_counter() + linger  # background work (watcher, pipeline) goes on
        while time.perf_counter() < end:
            await pilot.pause(0.1)
        summary = (
            f"findings {findings.state} ({len(findings.findings)}) at {ready:.1f} s; "
            f"{panel.title_text} at {mapped:.1f} s"
        )
        await pilot.press("ctrl+q")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--linger", type=float, default=8.0, help="seconds to stay open after")
    args = parser.parse_args(argv)
    failed = 0
    with tempfile.TemporaryDirectory() as home:
        os.environ["ELIXIR_PRO_CONFIG_DIR"] = os.path.join(home, "config")
        os.environ["ELIXIR_PRO_STATE_DIR"] = os.path.join(home, "state")
        for repo in sorted(p for p in args.folder.iterdir() if p.is_dir()):
            try:
                line = asyncio.run(check(repo, args.timeout, args.linger))
            except Exception as exc:
                failed += 1
                line = f"FAILED: {type(exc).__name__}: {exc}"
            print(f"{repo.name}: {line}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
