"""The cost of elixir-pro's turn machinery over the bare SDK stream, and of the offline
engine's answer over the bare engine analysis.

    .venv/bin/python bench/llm_bench.py [--deltas 2000] [--repeats 5] [--no-write]

Claude side (against the fake Messages server on 127.0.0.1, the same scripted reply each run):

- **floor**: the real ``anthropic`` SDK alone, ``client.messages.stream(...)`` iterated to the
  final message;
- **backend**: ``AnthropicBackend.stream_turn`` (request building, events, usage and cost);
- **session**: ``Session.send`` (system prompt composition, toolset, state machine, envelope
  parsing and escalation).

Time to first text and the whole turn, median of ``--repeats``; ratios against the floor.
Offline side: the offline engine's critical answer on a copy of ``examples/courier`` against
``ProjectAnalyzer.analyze_all()`` alone. Writes the ``llm`` section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import anthropic  # noqa: E402
from fakeclaude.server import FakeClaude, text_reply  # noqa: E402

from bench._report import write_section  # noqa: E402
from elixir_pro.agent import resolve_agent  # noqa: E402
from elixir_pro.agent.envelope import parse_envelope  # noqa: E402
from elixir_pro.agent.escalation import assess_escalation  # noqa: E402
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode  # noqa: E402
from elixir_pro.config import Config, LlmConfig  # noqa: E402
from elixir_pro.conversation.workspace import Workspace  # noqa: E402
from elixir_pro.engine.analyzer import ProjectAnalyzer  # noqa: E402
from elixir_pro.events import TextDelta  # noqa: E402
from elixir_pro.llm.anthropic_backend import AnthropicBackend  # noqa: E402
from elixir_pro.llm.base import TurnRequest  # noqa: E402
from elixir_pro.llm.offline_backend import OfflineBackend  # noqa: E402

MODEL = "claude-sonnet-5-5"
Timed = tuple[float, float]  # (first text, whole turn) in seconds


async def _timed(stream: AsyncIterator[Any], is_text: Callable[[Any], bool]) -> Timed:
    start = time.perf_counter()
    first = 0.0
    async for item in stream:
        if not first and is_text(item):
            first = time.perf_counter() - start
    return first, time.perf_counter() - start


def client(fake: FakeClaude) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=fake.base_url, api_key="bench", max_retries=0)


async def raw_sdk(fake: FakeClaude) -> Timed:
    sdk = client(fake)

    async def events() -> AsyncIterator[Any]:
        async with sdk.messages.stream(
            model=MODEL, max_tokens=8192, messages=[{"role": "user", "content": "go"}]
        ) as stream:
            async for event in stream:
                yield event
            yield await stream.get_final_message()

    return await _timed(events(), lambda e: getattr(e, "type", "") == "text")


async def backend_turn(fake: FakeClaude, root: Path) -> Timed:
    backend = AnthropicBackend(client(fake), MODEL, LlmConfig())
    request = TurnRequest("go", CognitiveMode.CRITICAL, ToolMode.AUDIT, EnsembleRole.SOLO, root)
    return await _timed(backend.stream_turn(request), lambda e: isinstance(e, TextDelta))


async def session_turn(fake: FakeClaude, root: Path) -> Timed:
    backend = AnthropicBackend(client(fake), MODEL, LlmConfig())
    workspace = Workspace(root, resolve_agent(ROOT), backend, Config())
    stream = workspace.session(CognitiveMode.CRITICAL).send("go", tool_mode=ToolMode.AUDIT)
    return await _timed(stream, lambda e: isinstance(e, TextDelta))


async def escalation_only(text: str) -> Timed:
    agent = resolve_agent(ROOT)
    start = time.perf_counter()
    assess_escalation(agent, "go", text, parse_envelope(text))
    elapsed = time.perf_counter() - start
    return elapsed, elapsed


async def offline_answer(root: Path) -> Timed:
    request = TurnRequest(
        "review lib/", CognitiveMode.CRITICAL, ToolMode.AUDIT, EnsembleRole.SOLO, root
    )
    return await _timed(
        OfflineBackend(root).stream_turn(request), lambda e: isinstance(e, TextDelta)
    )


async def engine_floor(root: Path) -> Timed:
    start = time.perf_counter()
    await asyncio.to_thread(lambda: ProjectAnalyzer(root, Config()).analyze_all())
    elapsed = time.perf_counter() - start
    return elapsed, elapsed


async def measure(
    label: str, run: Callable[[], Awaitable[Timed]], repeats: int, rows: dict[str, Timed]
) -> None:
    await run()  # warm-up: imports, connection set-up, parse caches
    samples = [await run() for _ in range(repeats)]
    rows[label] = (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
    )
    first, whole = rows[label]
    print(f"{label:>10}: first text {first * 1000:8.1f} ms, turn {whole * 1000:8.1f} ms")


async def main(deltas: int, repeats: int) -> str:
    text = "word " * deltas
    rows: dict[str, Timed] = {}
    with tempfile.TemporaryDirectory() as tmp, FakeClaude() as fake:
        root = Path(tmp) / "courier"
        shutil.copytree(
            ROOT / "examples" / "courier", root, ignore=shutil.ignore_patterns("_build", "deps")
        )
        fake.default = text_reply(text, chunk=5)
        await measure("sdk", lambda: raw_sdk(fake), repeats, rows)
        await measure("backend", lambda: backend_turn(fake, root), repeats, rows)
        await measure("session", lambda: session_turn(fake, root), repeats, rows)
        await measure("escalation", lambda: escalation_only(text), repeats, rows)
        await measure("engine", lambda: engine_floor(root), repeats, rows)
        await measure("offline", lambda: offline_answer(root), repeats, rows)

    def ms(value: float) -> str:
        return f"{value * 1000:.1f} ms"

    sdk, engine = rows["sdk"], rows["engine"]
    lines = [
        f"A streamed reply of {deltas:,} text deltas from the fake Messages server on 127.0.0.1, "
        f"median of {repeats} runs after a warm-up.",
        "",
        "| path | first text | whole turn | turn / floor |",
        "|---|---|---|---|",
        f"| floor: `anthropic` SDK stream alone | {ms(sdk[0])} | {ms(sdk[1])} | 1.00 |",
    ]
    for label, name in (
        ("backend", "`AnthropicBackend.stream_turn`"),
        ("session", "`Session.send`"),
    ):
        first, whole = rows[label]
        lines.append(f"| {name} | {ms(first)} | {ms(whole)} | {whole / sdk[1]:.2f} |")
    lines += [
        "",
        f"Of the session's extra time, parsing the envelope and assessing escalation on the "
        f"finished answer takes {ms(rows['escalation'][1])} (once per turn, after the last text).",
        "",
        "The offline engine's critical answer on a copy of `examples/courier`:",
        "",
        "| path | first text | whole answer | answer / floor |",
        "|---|---|---|---|",
        f"| floor: `ProjectAnalyzer.analyze_all()` alone | – | {ms(engine[1])} | 1.00 |",
        f"| `OfflineBackend` (analysis, supervision map, rule texts) | {ms(rows['offline'][0])} "
        f"| {ms(rows['offline'][1])} | {rows['offline'][1] / engine[1]:.2f} |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deltas", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    body = asyncio.run(main(args.deltas, args.repeats))
    print(body)
    if not args.no_write:
        write_section("llm", "Claude turn loop and the offline engine", body)
