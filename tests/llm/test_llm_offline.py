"""The offline backend on a real project with the real engine: each cognitive mode's answer,
its envelope, staged autofixes (never written) and the scope taken from the request."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.agent.envelope import parse_envelope
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.changes.changeset import Changeset
from elixir_pro.config import Config
from elixir_pro.events import CoreEvent, EditProposed, TextDelta, TurnFinished
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.offline_backend import OfflineBackend, scope_paths


def request(
    root: Path,
    prompt: str,
    mode: CognitiveMode,
    tools: ToolMode = ToolMode.AUDIT,
    context: list[str] | None = None,
) -> TurnRequest:
    return TurnRequest(
        prompt=prompt,
        cognitive_mode=mode,
        tool_mode=tools,
        role=EnsembleRole.SOLO,
        project_root=root,
        context_files=context or [],
        changeset=Changeset(root, source="test"),
    )


async def answer(
    root: Path, req: TurnRequest, config: Config | None = None
) -> tuple[str, list[CoreEvent]]:
    events = [e async for e in OfflineBackend(root, config).stream_turn(req)]
    final = events[-1]
    assert isinstance(final, TurnFinished) and not final.interrupted
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert final.text == text
    return text, events


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


async def test_critical_answers_in_audit_mode_format(project: Path) -> None:
    text, events = await answer(
        project,
        request(project, "review it", CognitiveMode.CRITICAL, context=["lib/demo/counter.ex"]),
    )
    assert text.startswith("_Offline engine answer (critical mode)")
    assert "## Summary" in text and "## Findings" in text and "## OTP Analysis" in text
    assert "### [HIGH] receive without an after clause" in text
    assert "- **Location**: lib/demo/counter.ex:13" in text
    assert "- **Impact**: The process hangs forever" in text
    assert "Demo.Application" in text and "Demo.Counter" in text
    assert "**What Claude would add**" in text
    envelope = parse_envelope(text)
    assert envelope.confidence_label == "medium" and envelope.human_gate is False
    assert not [e for e in events if isinstance(e, EditProposed)]
    assert [m["role"] for m in events[-1].extra["messages"]] == ["user", "assistant"]  # type: ignore[union-attr]


async def test_a_review_stages_nothing_and_a_fix_stages_without_writing(project: Path) -> None:
    before = tree_bytes(project)
    review = request(project, "review lib/", CognitiveMode.CRITICAL, ToolMode.SOLUTION)
    _, events = await answer(project, review)
    assert not [e for e in events if isinstance(e, EditProposed)]
    assert review.changeset is not None and len(review.changeset) == 0
    req = request(project, "fix lib/", CognitiveMode.CRITICAL, ToolMode.SOLUTION)
    text, events = await answer(project, req)
    edits = [e for e in events if isinstance(e, EditProposed)]
    assert "lib/demo/counter.ex" in [e.path for e in edits]
    assert req.changeset is not None and all(e.changeset_id == req.changeset.id for e in edits)
    assert "after" in (req.changeset.view("lib/demo/counter.ex") or "")
    assert "nothing is written until you accept them" in text
    assert tree_bytes(project) == before


async def test_generative_fix_request_stages_the_autofix_of_the_named_file(project: Path) -> None:
    before = tree_bytes(project)
    req = request(
        project, "add a timeout to lib/demo/counter.ex", CognitiveMode.GENERATIVE, ToolMode.SOLUTION
    )
    text, events = await answer(project, req)
    edits = [e for e in events if isinstance(e, EditProposed)]
    assert [e.path for e in edits] == ["lib/demo/counter.ex"] and edits[0].added >= 2
    assert "- `lib/demo/counter.ex` (+" in text
    assert "receive without an after clause (line 13)" in text
    assert "cannot write new code" not in text
    envelope = parse_envelope(text)
    assert envelope.confidence_label == "medium" and envelope.human_gate is False
    assert tree_bytes(project) == before


async def test_a_fix_in_the_read_only_tool_mode_stages_nothing(project: Path) -> None:
    req = request(project, "fix lib/demo/counter.ex", CognitiveMode.GENERATIVE, ToolMode.AUDIT)
    text, events = await answer(project, req)
    assert not [e for e in events if isinstance(e, EditProposed)]
    assert req.changeset is not None and len(req.changeset) == 0
    assert "the audit tool mode is read-only" in text
    assert "- `lib/demo/counter.ex`: 1× `receive-without-after`" in text


async def test_evaluative_gives_the_supervision_map_and_trade_offs(project: Path) -> None:
    text, _ = await answer(
        project, request(project, "is this design sound?", CognitiveMode.EVALUATIVE)
    )
    assert "## Supervision map" in text and "Demo.Counter" in text
    assert "## Trade-offs the findings raise" in text
    assert "`receive-without-after`, e.g. lib/demo/counter.ex:13" in text
    assert "an `after` clause bounds the wait" in text
    assert parse_envelope(text).confidence_label == "medium"


@pytest.mark.mix
async def test_informative_answers_with_local_docs(project: Path) -> None:
    text, _ = await answer(
        project, request(project, "How does GenServer.call work?", CognitiveMode.INFORMATIVE)
    )
    assert "### `GenServer.call`" in text and "synchronous call" in text
    assert parse_envelope(text).confidence_label == "medium"


async def test_informative_without_symbols_says_so(project: Path) -> None:
    text, _ = await answer(
        project, request(project, "how should i think about this?", CognitiveMode.INFORMATIVE)
    )
    assert "No Elixir symbol" in text and parse_envelope(text).confidence_label == "low"


def test_scope_comes_from_context_files_or_paths_in_the_prompt(project: Path) -> None:
    mode = CognitiveMode.CRITICAL
    assert scope_paths(request(project, "review lib/ please", mode)) == ["lib"]
    assert scope_paths(request(project, "check lib/demo/counter.ex.", mode)) == [
        "lib/demo/counter.ex"
    ]
    assert scope_paths(request(project, "review ../ and /etc/ and nope/", mode)) == []
    assert scope_paths(request(project, "x", mode, context=["mix.exs"])) == ["mix.exs"]


async def test_critical_reviews_the_disk_text_and_names_what_the_staged_change_does(
    project: Path,
) -> None:
    req = request(project, "review it", CognitiveMode.CRITICAL, context=["lib/demo/counter.ex"])
    assert req.changeset is not None
    on_disk = (project / "lib/demo/counter.ex").read_text()
    fixed = on_disk.replace(
        "      {:reply, value} -> value\n",
        "      {:reply, value} -> value\n    after\n      5_000 -> :timeout\n",
    ).replace(
        "  def wait_for_reply do", "  def spin, do: spawn(fn -> :ok end)\n\n  def wait_for_reply do"
    )
    req.changeset.propose_text("lib/demo/counter.ex", fixed)
    text, _ = await answer(project, req)
    assert "### [HIGH] receive without an after clause" in text  # still on disk
    assert "a fix is staged for your review (ctrl+g)" in text
    assert "1 of them have fixes staged" in text
    assert "fixes for 1 of them are staged for review" in parse_envelope(text).result  # type: ignore[operator]
    assert (project / "lib/demo/counter.ex").read_text() == on_disk
