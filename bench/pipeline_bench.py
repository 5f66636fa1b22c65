"""Pipeline context benchmark: the extra context a turn gets (gates summary, relevant OpenSpec
requirements, the task) on examples/courier, with its floor measured in the same run.

Run: ``.venv/bin/python bench/pipeline_bench.py [--repeats 9] [--no-write]``

The example project is copied to a temp folder with the OpenSpec and TaskMaster fixture trees of
tests/fixtures/pipeline added. Then, the cases taking turns round after round so that drifting
machine load hits them alike:

- floor: ``evaluate_gates(root, use_mix=False)``, which the critical and evaluative context
  cannot do without;
- one-shot: ``pipeline_context`` for a critical turn (gates + requirements + task) and for a
  generative turn (requirements + task, no gates);
- cached: ``PipelineContext.render`` after ``warm()``, and after ``invalidate`` of one source
  file followed by ``warm()`` (what the TUI does in a worker when a watched file changes).

Targets: a one-shot critical context within 300 ms; a cached one within 5 ms. Exit status 1
when a target is missed. Writes the ``pipeline`` section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import write_section
from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.pipeline.context import PipelineContext, pipeline_context
from elixir_pro.pipeline.gates import evaluate_gates
from elixir_pro.pipeline.taskmaster import load_tasks

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "pipeline"
FILES = ["lib/courier/driver_server.ex", "lib/courier/dispatch.ex"]
ONE_SHOT_TARGET_MS = 300.0
CACHED_TARGET_MS = 5.0


def project(tmp: Path) -> Path:
    root = tmp / "courier"
    shutil.copytree(
        REPO / "examples" / "courier", root, ignore=shutil.ignore_patterns("_build", "deps")
    )
    shutil.copytree(FIXTURES / "openspec_project" / "openspec", root / "openspec")
    shutil.copytree(FIXTURES / "taskmaster_tagged" / ".taskmaster", root / ".taskmaster")
    return root


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def run(repeats: int) -> tuple[str, bool]:
    with tempfile.TemporaryDirectory() as tmp:
        root = project(Path(tmp))
        listing = load_tasks(root)
        task = listing.find("2") if listing is not None else None
        cached = PipelineContext(root)
        cached.warm()
        touched = root / FILES[0]

        def refreshed() -> None:
            cached.invalidate([touched])
            cached.warm()

        cases: dict[str, Callable[[], object]] = {
            "floor: evaluate_gates(use_mix=False)": lambda: evaluate_gates(root, use_mix=False),
            "one-shot critical": lambda: pipeline_context(
                root, CognitiveMode.CRITICAL, FILES, task=task
            ),
            "one-shot generative": lambda: pipeline_context(
                root, CognitiveMode.GENERATIVE, FILES, task=task
            ),
            "cached critical": lambda: cached.render(CognitiveMode.CRITICAL, FILES, task=task),
            "invalidate one file + warm": refreshed,
        }
        for fn in cases.values():  # imports, tree-sitter, first parses
            fn()
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(repeats):
            for name, fn in cases.items():
                samples[name].append(timed(fn))
        size = len(pipeline_context(root, CognitiveMode.CRITICAL, FILES, task=task))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    floor = medians["floor: evaluate_gates(use_mix=False)"]
    rows = ["| case | median ms | min ms | / floor |", "|---|---:|---:|---:|"]
    for name, values in samples.items():
        rows.append(
            f"| {name} | {medians[name]:.2f} | {min(values):.2f} | {medians[name] / floor:.2f} |"
        )
    one_shot = medians["one-shot critical"]
    cached_ms = medians["cached critical"]
    ok = one_shot <= ONE_SHOT_TARGET_MS and cached_ms <= CACHED_TARGET_MS
    verdict = (
        f"Targets: one-shot critical {one_shot:.0f} ms (target {ONE_SHOT_TARGET_MS:.0f}), "
        f"cached {cached_ms:.3f} ms (target {CACHED_TARGET_MS:.0f}): "
        f"{'met' if ok else 'MISSED'}. The critical context is {size} characters; "
        f"{repeats} rounds on examples/courier with the OpenSpec and TaskMaster fixtures."
    )
    return "\n".join(rows) + "\n\n" + verdict + "\n", ok


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    body, ok = run(args.repeats)
    print(body)
    if not args.no_write:
        write_section("pipeline", "Pipeline context for a turn", body)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
