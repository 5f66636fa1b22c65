"""TUI benchmark: launch time to the first painted main screen, streaming a long markdown answer,
and peak memory after start, each against a minimal Textual app (Header, Footer, Markdown)
measured in the same run.

Every measurement runs in a fresh subprocess (this file with ``--child``), headless, with its
own config and state dirs, on a copy of examples/courier:

- **launch**: from ``Popen`` to the child's first frame with its main screen laid out
  (``events.Ready``, sent when the first frame is displayed); includes the Python start and all
  imports;
- **memory**: the child's peak RSS (``ru_maxrss``) 3 s after that first frame, with the watcher
  and the engine's first analysis running as in normal use; also whether ``anthropic`` got
  imported (it must not be, before a prompt);
- **streaming**: a generated markdown answer (prose, lists, Elixir code blocks) fed in
  5-character fragments through the real path (turn worker -> bridge -> MarkdownStream, every
  event appended to the SQLite session store), timed from the first fragment to the rendered
  end of the turn, at 25 KB and 50 KB (and 100 KB for the trend).

Children run with byte-code caching on (``PYTHONDONTWRITEBYTECODE`` removed from their
environment), as Python runs for users: the warm-up launches cache what the measured ones load.

Targets: launch < 1.5x the floor; streaming 2x size -> at most 2.2x time; memory < 1.6x.
Writes the ``tui`` section of docs/performance.md (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._report import write_section  # noqa: E402

EXAMPLE = REPO / "examples" / "courier"
MEMORY_AFTER_S = 3.0
SIZES = (25_000, 50_000, 100_000)
FRAGMENT = 5


# -- the children ------------------------------------------------------------------------------
def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def child_minimal(hold: float) -> None:
    from textual import events
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Markdown

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Markdown("# elixir-pro\n\nA minimal app: the floor.")
            yield Footer()

        def on_ready(self, _event: events.Ready) -> None:
            _emit({"painted": time.time()})
            self.set_timer(hold, self._done) if hold else self.exit()

        def _done(self) -> None:
            _emit({"rss_mb": _peak_rss_mb(), "anthropic": "anthropic" in sys.modules})
            self.exit()

    Minimal().run(headless=True, size=(120, 40))


def child_app(root: Path, hold: float) -> None:
    from textual import events

    from elixir_pro.tui.app import ElixirProApp
    from elixir_pro.tui.screens.main import MainScreen

    class Measured(ElixirProApp):
        def on_ready(self, _event: events.Ready) -> None:
            # Ready: the first frame is on screen (runs before the App's own Ready handler,
            # which then starts the watcher and the panels' loading in the background)
            assert isinstance(self.screen, MainScreen) and self.screen.is_mounted
            _emit({"painted": time.time()})
            if not hold:
                self.exit()
                return
            self.set_timer(hold, self._done)

        def _done(self) -> None:
            _emit({"rss_mb": _peak_rss_mb(), "anthropic": "anthropic" in sys.modules})
            self.exit()

    Measured(root, offline=True).run(headless=True, size=(120, 40))


def answer_text(size: int) -> str:
    """A realistic long answer of about ``size`` characters."""
    parts: list[str] = []
    index = 0
    while sum(len(p) for p in parts) < size:
        index += 1
        parts.append(
            f"## Step {index}: supervise worker {index}\n\n"
            f"The worker `Courier.Worker{index}` keeps per-parcel state, so it belongs under a "
            "`DynamicSupervisor` with a `:transient` restart: a crash restarts it, a normal "
            "exit does not. Keep the state small and derive the rest.\n\n"
            "- start it with `DynamicSupervisor.start_child/2`\n"
            "- register it in `Courier.Registry` under the parcel id\n"
            f"- give `handle_info/2` a catch-all clause (number {index})\n\n"
            "```elixir\n"
            f"defmodule Courier.Worker{index} do\n"
            "  use GenServer, restart: :transient\n\n"
            "  def start_link(id), do: GenServer.start_link(__MODULE__, id, name: via(id))\n\n"
            "  @impl true\n"
            "  def init(id), do: {:ok, %{id: id, seen: 0}}\n\n"
            "  @impl true\n"
            "  def handle_info(_msg, state), do: {:noreply, state}\n"
            "end\n"
            "```\n\n"
        )
    return "".join(parts)[:size]


def child_stream(root: Path, size: int) -> None:
    from textual import events

    from elixir_pro.agent.modes import CognitiveMode
    from elixir_pro.events import CoreEvent, TextDelta, TurnFinished
    from elixir_pro.tui.app import ElixirProApp
    from elixir_pro.tui.screens.main import MainScreen

    text = answer_text(size)

    async def fragments() -> Any:
        for start in range(0, len(text), FRAGMENT):
            event: CoreEvent = TextDelta(text[start : start + FRAGMENT])
            yield event
        yield TurnFinished(text)

    class Streaming(ElixirProApp):
        started = 0.0

        def on_ready(self, _event: events.Ready) -> None:
            self.call_after_refresh(self._go)

        def _go(self) -> None:
            screen = self.screen
            if not isinstance(screen, MainScreen):
                self.call_after_refresh(self._go)
                return
            self.started = time.perf_counter()
            screen.start_turn_stream(CognitiveMode.GENERATIVE, "a long answer", fragments())
            self.set_interval(0.005, self._check)

        def _check(self) -> None:
            screen = self.screen
            assert isinstance(screen, MainScreen)
            turn = screen.pane(CognitiveMode.GENERATIVE).last_turn
            if turn is not None and turn.finished and not screen.streaming:
                elapsed = time.perf_counter() - self.started
                _emit(
                    {
                        "stream_s": elapsed,
                        "chars": len(turn.text),
                        "fragments": len(turn.text_parts),
                    }
                )
                self.exit()

    app = Streaming(root, offline=True, watch=False, analyze=False)
    app.run(headless=True, size=(120, 40))


# -- the parent --------------------------------------------------------------------------------
def _project(base: Path) -> Path:
    root = base / "courier"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_build", "deps"))
    return root


def _run_child(args: list[str], base: Path) -> tuple[float, list[dict[str, Any]]]:
    env = dict(os.environ)
    run_dir = Path(tempfile.mkdtemp(dir=base))
    env["ELIXIR_PRO_CONFIG_DIR"] = str(run_dir / "config")
    env["ELIXIR_PRO_STATE_DIR"] = str(run_dir / "state")
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"):
        env.pop(name, None)
    # Python as users run it: byte code is cached at the first import (the warm-up launch), so
    # no measured launch compiles the sources again. Without this, a PYTHONDONTWRITEBYTECODE=1
    # in the environment made every launch of the app compile the modules changed since their
    # last cached copy (~35 at launch: +100 ms and more), while the floor's Textual modules
    # came precompiled with the package.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(base),
    )
    out, err = proc.communicate(timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed ({proc.returncode}): {err[-2000:]}")
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return start, records


def launch_once(kind: str, base: Path, root: Path) -> float:
    start, records = _run_child([kind, str(root), "0"], base)
    return float(records[0]["painted"] - start)


def measure_launch(base: Path, root: Path, repeats: int) -> tuple[list[float], list[float]]:
    """Minimal and app launches interleaved in pairs, so a change in machine load affects
    both sides of each ratio alike."""
    floor: list[float] = []
    app: list[float] = []
    for _ in range(repeats):
        floor.append(launch_once("minimal", base, root))
        app.append(launch_once("app", base, root))
    return floor, app


def measure_memory(kind: str, base: Path, root: Path) -> dict[str, Any]:
    _start, records = _run_child([kind, str(root), str(MEMORY_AFTER_S)], base)
    return records[-1]


def measure_stream(base: Path, root: Path, size: int, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        _start, records = _run_child(["stream", str(root), str(size)], base)
        record = records[-1]
        assert record["chars"] == size, record
        times.append(record["stream_s"])
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--stream-repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "ROOT", "ARG"))
    args = parser.parse_args()
    if args.child:
        kind, root, arg = args.child
        if kind == "minimal":
            child_minimal(float(arg))
        elif kind == "app":
            child_app(Path(root), float(arg))
        else:
            child_stream(Path(root), int(arg))
        return 0

    with tempfile.TemporaryDirectory(prefix="tui-bench-") as tmp:
        base = Path(tmp)
        root = _project(base)
        # one warm-up each so both start with the same file-system cache
        launch_once("minimal", base, root)
        launch_once("app", base, root)
        floor, launch = measure_launch(base, root, args.repeats)
        mem_floor = measure_memory("minimal", base, root)
        mem_app = measure_memory("app", base, root)
        # sizes interleaved in each round, so load changes hit all sizes of a round alike
        streams: dict[int, list[float]] = {size: [] for size in SIZES}
        for _ in range(args.stream_repeats):
            for size in SIZES:
                streams[size] += measure_stream(base, root, size, 1)

    f_med, l_med = statistics.median(floor), statistics.median(launch)
    launch_ratio = statistics.median([a / f for a, f in zip(launch, floor, strict=True)])
    mem_ratio = mem_app["rss_mb"] / mem_floor["rss_mb"]
    s25, s50, s100 = (statistics.median(streams[s]) for s in SIZES)
    growth = statistics.median(
        [b / a for a, b in zip(streams[25_000], streams[50_000], strict=True)]
    )
    growth_100 = statistics.median(
        [b / a for a, b in zip(streams[50_000], streams[100_000], strict=True)]
    )
    rows = [
        ("launch to first painted screen: minimal app (floor)", f"{f_med * 1000:.0f} ms", ""),
        (
            "launch to first painted main screen: elixir-pro",
            f"{l_med * 1000:.0f} ms",
            f"{launch_ratio:.2f}x floor (median of paired runs; target < 1.5x)",
        ),
        (
            f"peak RSS {MEMORY_AFTER_S:.0f} s after first paint: minimal app (floor)",
            f"{mem_floor['rss_mb']:.1f} MB",
            "",
        ),
        (
            f"peak RSS {MEMORY_AFTER_S:.0f} s after first paint: elixir-pro (watcher + engine on)",
            f"{mem_app['rss_mb']:.1f} MB",
            f"{mem_ratio:.2f}x floor (target < 1.6x)",
        ),
        ("anthropic imported before the first prompt", str(mem_app["anthropic"]), "must be False"),
        (
            "stream 25 KB in 5-char fragments",
            f"{s25 * 1000:.0f} ms",
            f"{25_000 / FRAGMENT / s25:,.0f} fragments/s",
        ),
        (
            "stream 50 KB in 5-char fragments",
            f"{s50 * 1000:.0f} ms",
            f"{growth:.2f}x the 25 KB time (median of paired rounds; target <= 2.2x)",
        ),
        (
            "stream 100 KB in 5-char fragments",
            f"{s100 * 1000:.0f} ms",
            f"{growth_100:.2f}x the 50 KB time",
        ),
    ]
    table = "| measure | value | ratio |\n|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in rows
    )
    body = (
        "Headless Textual 120x40, each figure from fresh subprocesses on a copy of "
        f"examples/courier (median of {args.repeats} launches, {args.stream_repeats} streams).\n\n"
        + table
        + "\n\nLaunch: `Popen` to the child's first frame showing its main screen. Streaming: "
        "turn worker -> bridge message -> MarkdownStream, with every fragment appended to the "
        "SQLite session store, until the turn's end is rendered.\n"
    )
    print(body)
    if not args.no_write:
        write_section("tui", "TUI: launch, streaming, memory", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
