"""Sessions over the real SDK and the fake server: the turn state machine, history, retry of
an interrupted turn, stopping, Bash approval, escalation and the event sink."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fakeclaude.server import FakeClaude, text_reply, tool_reply

from elixir_pro.agent import AgentDefinition, compose_system_prompt
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.conversation.session import Record
from elixir_pro.conversation.store_codec import UserPrompt
from elixir_pro.conversation.turns import TurnState, TurnStateError
from elixir_pro.conversation.workspace import Workspace
from elixir_pro.errors import UserError
from elixir_pro.events import (
    CoreEvent,
    Notice,
    TextDelta,
    ToolFinished,
    TurnError,
    TurnFinished,
)
from elixir_pro.tools import BashDecision, BashRequest

Make = Callable[..., Workspace]
ENVELOPE_LOW = (
    "Use a DynamicSupervisor.\n\n**Result**: a design\n**Confidence**: low\n"
    "**Human Gate Required**: no — none\n"
)


async def collect(stream: object) -> list[CoreEvent]:
    return [event async for event in stream]  # type: ignore[attr-defined]


async def test_turns_keep_history_and_use_the_pane_prompt(
    fake_claude: FakeClaude, make_workspace: Make, agent: AgentDefinition
) -> None:
    fake_claude.enqueue(text_reply("First answer."), text_reply("Second answer."))
    workspace = make_workspace()
    session = workspace.session(CognitiveMode.EVALUATIVE)
    assert session.tool_mode is ToolMode.SOLUTION and session.role is EnsembleRole.SOLO
    first = await collect(session.send("GenServer or Agent?"))
    second = await collect(session.send("And for a cache?", tool_mode=ToolMode.AUDIT))
    assert isinstance(first[-1], TurnFinished) and isinstance(second[-1], TurnFinished)
    assert first[-1].extra["turn_id"] == session.turns[0].id
    assert [t.state for t in session.turns] == [TurnState.FINISHED, TurnState.FINISHED]
    assert session.state is TurnState.IDLE
    one, two = (r.body for r in fake_claude.message_requests())
    assert one["system"][0]["text"] == compose_system_prompt(
        agent, CognitiveMode.EVALUATIVE, ToolMode.SOLUTION, EnsembleRole.SOLO
    )
    assert two["system"][0]["text"] == compose_system_prompt(
        agent, CognitiveMode.EVALUATIVE, ToolMode.AUDIT, EnsembleRole.SOLO
    )
    assert [t["name"] for t in two["tools"]] == ["Read", "Grep", "Glob", "Bash", "Docs"]
    assert [m["role"] for m in two["messages"]] == ["user", "assistant", "user"]
    assert two["messages"][1]["content"][0]["text"] == "First answer."
    assert len(session.history) == 4
    assert workspace.usage.requests == 2 and workspace.usage.cost_usd > 0
    assert "Claude claude-sonnet-5-5" in workspace.status


async def test_state_is_streaming_during_a_turn(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    fake_claude.enqueue(text_reply("slowly arriving words", chunk=3, delay=0.02))
    session = make_workspace().session(CognitiveMode.INFORMATIVE)
    seen: list[TurnState] = []
    async for _event in session.send("explain"):
        seen.append(session.state)
    assert seen[0] is TurnState.STREAMING
    assert session.state is TurnState.IDLE and session.turns[0].state is TurnState.FINISHED
    with pytest.raises(TurnStateError):
        session.turns[0].move(TurnState.STREAMING)


async def test_context_files_are_sent_with_the_prompt(
    fake_claude: FakeClaude, make_workspace: Make, project: Path
) -> None:
    fake_claude.enqueue(text_reply("ok"))
    session = make_workspace().session(CognitiveMode.CRITICAL)
    await collect(session.send("review this", [str(project / "lib/demo/counter.ex")]))
    text = fake_claude.message_requests()[0].body["messages"][0]["content"][0]["text"]
    assert '<file path="lib/demo/counter.ex">' in text and "wait_for_reply" in text
    assert text.endswith("Request:\nreview this")


async def test_interrupted_turn_is_retried_from_where_it_stopped(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    fake_claude.enqueue(
        tool_reply(("Glob", {"pattern": "lib/**/*.ex"})),
        text_reply("Found two modules and the", error_after=5),
        text_reply("Two modules: Application and Counter."),
    )
    session = make_workspace().session(CognitiveMode.CRITICAL)
    events = await collect(session.send("what is in lib?"))
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "interrupted"
    done = events[-1]
    assert isinstance(done, TurnFinished) and done.interrupted and done.text
    assert session.turns[-1].state is TurnState.INTERRUPTED and session.history == []

    retried = await collect(session.retry())
    final = retried[-1]
    assert isinstance(final, TurnFinished) and not final.interrupted
    assert final.extra["retry_of"] == session.turns[0].id
    requests = fake_claude.message_requests()
    assert requests[2].body["messages"] == requests[1].body["messages"]
    assert [m["role"] for m in requests[2].body["messages"]] == ["user", "assistant", "user"]
    assert [m["role"] for m in session.history] == ["user", "assistant", "user", "assistant"]
    with pytest.raises(UserError, match="nothing to retry"):
        session.retry()


async def test_stopping_early_marks_the_turn_interrupted(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    fake_claude.enqueue(text_reply("a long answer " * 20, chunk=5, delay=0.01))
    records: list[tuple[str, str, Record]] = []
    workspace = make_workspace(sink=lambda pane, turn, item: records.append((pane, turn, item)))
    session = workspace.session(CognitiveMode.GENERATIVE)
    stream = session.send("write it")
    async for event in stream:
        if isinstance(event, TextDelta):
            break
    await stream.aclose()  # type: ignore[attr-defined]
    turn = session.turns[-1]
    assert turn.state is TurnState.INTERRUPTED and session.state is TurnState.IDLE
    kinds = [type(item).__name__ for _, _, item in records]
    assert kinds[0] == "UserPrompt" and kinds[-2:] == ["TurnError", "TurnFinished"]
    last = records[-1][2]
    assert isinstance(last, TurnFinished) and last.interrupted


async def test_bash_waits_for_approval_and_a_denial_reaches_the_model(
    fake_claude: FakeClaude, make_workspace: Make, project: Path
) -> None:
    fake_claude.enqueue(tool_reply(("Bash", {"command": "touch created.txt"})), text_reply("OK."))
    workspace = make_workspace()
    session = workspace.session(CognitiveMode.CRITICAL)
    states: list[TurnState] = []

    async def approve(request: BashRequest) -> BashDecision:
        states.append(session.state)
        assert request.command == "touch created.txt"
        return BashDecision.DENY

    workspace.set_approve_bash(approve)
    events = await collect(session.send("run it", tool_mode=ToolMode.AUDIT))
    assert states == [TurnState.AWAITING_APPROVAL]
    finished = next(e for e in events if isinstance(e, ToolFinished))
    assert finished.is_error and "refused by the user" in finished.output
    assert not (project / "created.txt").exists()
    result = fake_claude.message_requests()[1].body["messages"][2]["content"][0]
    assert result["is_error"] is True


async def test_low_confidence_answer_escalates(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    fake_claude.enqueue(text_reply(ENVELOPE_LOW), text_reply("Fine.\n**Confidence**: high\n"))
    session = make_workspace().session(CognitiveMode.GENERATIVE)
    low = (await collect(session.send("design the dispatcher")))[-1]
    high = (await collect(session.send("rename a variable")))[-1]
    assert isinstance(low, TurnFinished) and isinstance(high, TurnFinished)
    assert any("confidence" in reason for reason in low.escalation)
    assert high.escalation == ()


async def test_sink_gets_the_prompt_then_every_event_with_pane_and_turn(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    fake_claude.enqueue(text_reply("Answer."))
    records: list[tuple[str, str, Record]] = []
    workspace = make_workspace(sink=lambda pane, turn, item: records.append((pane, turn, item)))
    session = workspace.session(CognitiveMode.CRITICAL)
    events = await collect(session.send("review", tool_mode=ToolMode.AUDIT))
    turn_id = session.turns[0].id
    assert {pane for pane, _, _ in records} == {"critical"}
    assert {turn for _, turn, _ in records} == {turn_id}
    prompt = records[0][2]
    assert prompt == UserPrompt("review", "audit", "solo", ())
    assert [item for _, _, item in records[1:]] == events


async def test_a_pane_runs_one_turn_at_a_time(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    fake_claude.enqueue(text_reply("slow " * 10, chunk=2, delay=0.01), text_reply("x"))
    session = make_workspace().session(CognitiveMode.CRITICAL)
    first = session.send("one")
    await first.__anext__()
    with pytest.raises(UserError, match="already running"):
        await session.send("two").__anext__()
    rest = [event async for event in first]
    assert isinstance(rest[-1], TurnFinished)


async def test_a_failing_sink_is_one_notice_and_the_turn_goes_on(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    fake_claude.enqueue(text_reply("Still answered."))

    def broken(pane: str, turn: str, item: Record) -> None:
        raise OSError("disk full")

    session = make_workspace(sink=broken).session(CognitiveMode.CRITICAL)
    events = await collect(session.send("hello"))
    notices = [e for e in events if isinstance(e, Notice)]
    assert [n.message for n in notices] == [
        "Could not record the conversation (OSError: disk full); it goes on, unsaved."
    ]
    final = events[-1]
    assert isinstance(final, TurnFinished) and final.text == "Still answered."
