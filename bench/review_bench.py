"""Review screen benchmark: opening the review for diffs of 20, 200 and 2,000 hunks, and moving
between hunks, with the floor measured in the same run.

Run: ``.venv/bin/python bench/review_bench.py [--repeats 5] [--moves 19] [--rounds 6] [--no-write]``

Every file is 5,000 lines of Elixir. Hunks use the default 3 lines of context, so one file holds
at most ~700 separate hunks: the 20- and 200-hunk diffs are one file, the 2,000-hunk diff is four
files of 500 hunks (changes every 10 lines). In one headless Textual app (``run_test``):

- floor: pushing a minimal screen (a Static and the Footer) on the same host, until it is drawn;
- open: pushing ``ReviewScreen`` on a fresh changeset (the diffs are computed, the file list and
  the first hunks drawn), until it is drawn; median of the repeats;
- move: pressing ``j``/``k`` (goto the next/previous hunk, scroll, redraw the visible lines),
  median per key, the sizes taking turns round after round so that drifting machine load hits
  them alike; against pressing a key bound to nothing (the floor for a key round trip).

Targets: open grows at most linearly with the hunks (10x the hunks, at most 10x the time) and a
move at 2,000 hunks costs at most 1.5x a move at 20. Writes the ``review`` section of
docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer, Static

from bench._report import write_section
from elixir_pro.changes.changeset import Changeset
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.widgets.diff_view import DiffView

LINES = 5_000
CASES = (20, 200, 2_000)
PER_FILE = 500  # hunks per file when a case needs several files


def base_text(n_file: int) -> str:
    out = []
    for i in range(LINES):
        kind = i % 5
        if kind == 0:
            out.append(f"  def fun_{n_file}_{i}(x) do")
        elif kind == 1:
            out.append(f"    value = x + {i} # step {i}")
        elif kind == 2:
            out.append(f'    Logger.debug("value #{{value}} at {i}")')
        elif kind == 3:
            out.append(f"    {{:ok, value, :tag_{i}}}")
        else:
            out.append(f"  end # fun_{n_file}_{i - 4}")
    return "\n".join(out) + "\n"


def proposed_text(base: str, hunks: int) -> str:
    lines = base.split("\n")
    step = LINES // hunks
    for k in range(hunks):
        i = k * step + 1
        lines[i] = lines[i].replace("x + ", "x * ")
    return "\n".join(lines)


def make_changeset(root: Path, hunks: int) -> Changeset:
    files = max(1, hunks // PER_FILE) if hunks > PER_FILE else 1
    changeset = Changeset(root, source="bench", description=f"{hunks} hunks")
    for n in range(files):
        rel = f"lib/mod_{hunks}_{n}.ex"
        path = root / rel
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(base_text(n))
        changeset.propose_text(rel, proposed_text(path.read_text(), hunks // files))
    return changeset


class FloorScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("floor")
        yield Footer()


class Host(App[None]):
    pass


async def _drawn(pilot: Pilot[None]) -> None:
    """Until the pushed screen is mounted and its first frame drawn (the host is idle)."""
    await pilot.pause()
    await pilot.pause()


async def measure(root: Path, repeats: int, moves: int, rounds: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    app = Host()
    async with app.run_test(size=(160, 48)) as pilot:
        floor_open = []
        for _ in range(repeats):
            start = time.perf_counter()
            await app.push_screen(FloorScreen())
            await _drawn(pilot)
            floor_open.append(time.perf_counter() - start)
            app.pop_screen()
            await pilot.pause()
        floor_key = []
        await app.push_screen(FloorScreen())
        await pilot.pause()
        for _ in range(moves):
            start = time.perf_counter()
            await pilot.press("j")  # bound to nothing on the floor screen
            floor_key.append(time.perf_counter() - start)
        app.pop_screen()
        await pilot.pause()
        results["floor"] = {
            "open": statistics.median(floor_open),
            "move": statistics.median(floor_key),
            "hunks": 0,
        }
        screens: dict[int, ReviewScreen] = {}
        for hunks in CASES:
            opens = []
            for _ in range(repeats):
                changeset = make_changeset(root, hunks)  # fresh: nothing cached between repeats
                start = time.perf_counter()
                screen = ReviewScreen(changeset, persist=False)
                await app.push_screen(screen)
                await _drawn(pilot)
                opens.append(time.perf_counter() - start)
                assert screen.query_one(DiffView).hunk_count == min(hunks, PER_FILE)
                app.pop_screen()
                await pilot.pause()
            results[str(hunks)] = {"open": statistics.median(opens), "hunks": hunks}
            screen = ReviewScreen(make_changeset(root, hunks), persist=False)
            app.install_screen(screen, f"case-{hunks}")
            screens[hunks] = screen
        # moves: the cases take turns, round after round, so drifting machine load hits them alike;
        # even rounds walk down 19 hunks with j, odd rounds walk back up with k
        move_times: dict[int, list[float]] = {h: [] for h in CASES}
        for round_ in range(rounds):
            key = "j" if round_ % 2 == 0 else "k"
            for hunks in CASES:
                await app.push_screen(f"case-{hunks}")
                await _drawn(pilot)
                view = screens[hunks].query_one(DiffView)
                before = view.current
                for _ in range(moves):
                    start = time.perf_counter()
                    await pilot.press(key)
                    move_times[hunks].append(time.perf_counter() - start)
                assert abs(view.current - before) == moves, (hunks, before, view.current)
                app.pop_screen()
                await pilot.pause()
        for hunks in CASES:
            results[str(hunks)]["move"] = statistics.median(move_times[hunks])
    return results


def render(results: dict[str, dict[str, float]], repeats: int, moves: int) -> tuple[str, bool]:
    floor = results["floor"]
    rows = [
        "| diff | files | open (ms) | open / floor | move j (ms) | move / floor |",
        "|---|---|---|---|---|---|",
        f"| floor (minimal screen, unbound key) | - | {floor['open'] * 1e3:.1f} | 1.0 "
        f"| {floor['move'] * 1e3:.2f} | 1.0 |",
    ]
    for hunks in CASES:
        r = results[str(hunks)]
        files = max(1, hunks // PER_FILE) if hunks > PER_FILE else 1
        rows.append(
            f"| {hunks} hunks | {files} x {LINES} lines | {r['open'] * 1e3:.1f} "
            f"| {r['open'] / floor['open']:.1f} | {r['move'] * 1e3:.2f} "
            f"| {r['move'] / floor['move']:.2f} |"
        )
    o20, o200, o2000 = (results[str(h)]["open"] for h in CASES)
    m20, m2000 = results["20"]["move"], results["2000"]["move"]
    checks = [
        ("open 200 / open 20 (10x hunks) <= 10", o200 / o20, o200 / o20 <= 10),
        ("open 2000 / open 200 (10x hunks) <= 10", o2000 / o200, o2000 / o200 <= 10),
        ("move at 2000 / move at 20 <= 1.5", m2000 / m20, m2000 / m20 <= 1.5),
    ]
    rows.append("")
    rows.append("| target | ratio | met |")
    rows.append("|---|---|---|")
    rows += [f"| {name} | {ratio:.2f} | {'yes' if ok else 'NO'} |" for name, ratio, ok in checks]
    rows.append("")
    rows.append(
        f"Median of {repeats} opens per size and of {moves} `j`/`k` presses per size, the sizes "
        "taking turns round after round (Pilot, 160x48, headless). "
        "Open = push ReviewScreen on a fresh changeset (diffs computed, file list and visible "
        "rows drawn) until idle. The 2,000-hunk diff spans four 5,000-line files (3 lines of "
        "context allow ~700 hunks per file)."
    )
    return "\n".join(rows), all(ok for _, _, ok in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--moves", type=int, default=19, help="hunks walked per round (< 20)")
    parser.add_argument("--rounds", type=int, default=6, help="navigation rounds per size")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(measure(Path(tmp), args.repeats, args.moves, args.rounds))
    body, ok = render(results, args.repeats, args.moves * args.rounds)
    print(body)
    if not args.no_write:
        write_section("review", "Review screen: open and hunk navigation", body)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
