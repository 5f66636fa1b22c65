"""The context meter and compaction over the real SDK and the fake Messages server: a
conversation driven past a small configured window is compacted before the next turn (the
summary request and the shorter next request are in the server's log), an overflow is
compacted and retried once (and only once), the window comes from ``models.list()``, and
compaction on request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anthropic
from fakeclaude.server import FakeClaude, error_reply, model_info, text_reply

from elixir_pro.agent import AgentDefinition
from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.config import Config, LlmConfig
from elixir_pro.conversation import compaction_text
from elixir_pro.conversation.store import SessionStore
from elixir_pro.conversation.workspace import Workspace, open_workspace, store_sink
from elixir_pro.events import (
    ContextCompacted,
    ContextMeasured,
    CoreEvent,
    Notice,
    TextDelta,
    TurnError,
    TurnFinished,
)
from elixir_pro.llm.anthropic_backend import AnthropicBackend

LONG_ANSWER = "Counter keeps its state in a GenServer. " * 80
OVERFLOW = "model_context_window_exceeded"


def workspace(fake: FakeClaude, root: Path, agent: AgentDefinition, **llm: Any) -> Workspace:
    async def no_wait(seconds: float) -> None:
        return None

    client = anthropic.AsyncAnthropic(base_url=fake.base_url, api_key="test-key", max_retries=0)
    settings = LlmConfig(**llm)
    backend = AnthropicBackend(client, "claude-sonnet-5-5", settings, sleep=no_wait)
    return Workspace(root, agent, backend, Config(llm=settings))


async def turn(ws: Workspace, prompt: str) -> list[CoreEvent]:
    session = ws.session(CognitiveMode.INFORMATIVE)
    return [event async for event in session.send(prompt)]


def texts(body: dict[str, Any]) -> list[str]:
    out = []
    for message in body["messages"]:
        out.append("".join(b.get("text", "") for b in message["content"] if b["type"] == "text"))
    return out


async def test_a_conversation_past_the_threshold_is_compacted_before_the_next_turn(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    fake_claude.enqueue(
        text_reply(LONG_ANSWER, input_tokens=300, output_tokens=900),
        text_reply("A2", input_tokens=1000, output_tokens=40),  # 1,040 of 2,000: past 0.5
        text_reply("SUMMARY: the developer studies Counter's state."),
        text_reply("A3", input_tokens=400, output_tokens=10),
    )
    ws = workspace(
        fake_claude,
        project,
        agent,
        context_window_tokens=2000,
        compact_at=0.5,
        compact_keep_turns=1,
    )
    first = await turn(ws, "first question")
    measured = [e for e in first if isinstance(e, ContextMeasured)]
    assert measured == [ContextMeasured(1200, 2000)] and measured[0].share == 0.6
    # 0.6 after the first turn, but one turn is kept: nothing older to compact yet
    second = await turn(ws, "second question")
    assert not any(isinstance(e, ContextCompacted) for e in second)
    third = await turn(ws, "third question")
    await ws.aclose()

    compacted = [e for e in third if isinstance(e, ContextCompacted)]
    assert len(compacted) == 1
    event = compacted[0]
    assert event.reason == "auto" and event.turns == 1
    assert event.summary == "SUMMARY: the developer studies Counter's state."
    assert event.tokens_before == 1040 and event.tokens_after < event.tokens_before
    first_text = next(i for i, e in enumerate(third) if isinstance(e, TextDelta))
    assert third.index(event) < first_text  # compacted before the answer streams
    assert isinstance(third[-1], TurnFinished) and not third[-1].interrupted
    assert [e for e in third if isinstance(e, ContextMeasured)][-1] == ContextMeasured(410, 2000)

    _one, two, summary, after = (r.body for r in fake_claude.message_requests())
    assert summary["system"][0]["text"] == compaction_text.SYSTEM and "tools" not in summary
    asked = texts(summary)
    assert (
        len(asked) == 1 and "first question" in asked[0] and "Counter keeps its state" in asked[0]
    )
    assert "second question" not in asked[0]  # the kept turn is not summarised
    sent = texts(after)
    assert sent[0].startswith('<conversation_summary turns="1">')
    assert "SUMMARY: the developer studies Counter's state." in sent[0]
    assert sent[1] == compaction_text.SUMMARY_ACK
    assert sent[2].endswith("second question") and sent[3] == "A2"
    assert sent[4].endswith("third question") and len(sent) == 5
    assert "first question" not in json.dumps(after["messages"])
    assert len(json.dumps(after["messages"])) < len(json.dumps(two["messages"]))
    session = ws.session(CognitiveMode.INFORMATIVE)
    assert session.history[0]["content"][0]["text"] == sent[0]


async def test_an_overflowing_turn_is_compacted_and_retried_once(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    fake_claude.enqueue(
        text_reply("A1"),
        text_reply("cut o", stop_reason=OVERFLOW),
        text_reply("Summary of the first question."),
        text_reply("A2 in full"),
    )
    ws = workspace(fake_claude, project, agent, context_window_tokens=100_000)
    await turn(ws, "first question")
    events = await turn(ws, "second question")
    await ws.aclose()
    assert not any(isinstance(e, TurnError) for e in events)
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert compaction_text.OVERFLOW in notices
    compacted = [e for e in events if isinstance(e, ContextCompacted)]
    assert len(compacted) == 1 and compacted[0].reason == "overflow" and compacted[0].turns == 1
    finished = events[-1]
    assert isinstance(finished, TurnFinished) and not finished.interrupted
    assert finished.text == "A2 in full"
    retried = fake_claude.message_requests()[3].body
    sent = texts(retried)
    assert len(sent) == 3 and sent[0].startswith("<conversation_summary")
    assert sent[2].endswith("second question")
    session = ws.session(CognitiveMode.INFORMATIVE)
    assert len(session.history) == 4  # summary, acknowledgement, the second turn


async def test_a_second_overflow_in_the_same_turn_is_reported(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    too_long = "prompt is too long: 210000 tokens > 200000 maximum"
    fake_claude.enqueue(
        text_reply("A1"),
        error_reply(400, "invalid_request_error", too_long),
        text_reply("Summary."),
        error_reply(400, "invalid_request_error", too_long),
    )
    ws = workspace(fake_claude, project, agent, context_window_tokens=100_000)
    await turn(ws, "first question")
    events = await turn(ws, "second question")
    await ws.aclose()
    errors = [e for e in events if isinstance(e, TurnError)]
    assert [e.kind for e in errors] == ["context_too_long"]
    assert sum(isinstance(e, ContextCompacted) for e in events) == 1
    assert isinstance(events[-1], TurnFinished) and events[-1].interrupted
    assert len(fake_claude.message_requests()) == 4  # never a second compaction or retry


async def test_an_overflow_with_nothing_older_is_reported_as_is(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    fake_claude.enqueue(text_reply("cut", stop_reason=OVERFLOW))
    ws = workspace(fake_claude, project, agent, context_window_tokens=100_000)
    events = await turn(ws, "a huge first question")
    await ws.aclose()
    assert [e.kind for e in events if isinstance(e, TurnError)] == ["context_too_long"]
    assert len(fake_claude.message_requests()) == 1


async def test_the_window_comes_from_the_model_list(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition, claude_env: FakeClaude
) -> None:
    listed = model_info("claude-sonnet-9", "sonnet", "2026-08-01T00:00:00Z")
    fake_claude.models = [{**listed, "max_input_tokens": 5000}]
    fake_claude.enqueue(text_reply("A1", input_tokens=900, output_tokens=100))
    ws = await open_workspace(project, model="sonnet")  # resolved through models.list()
    events = await turn(ws, "question")
    await ws.aclose()
    assert [e for e in events if isinstance(e, ContextMeasured)] == [ContextMeasured(1000, 5000)]
    gets = [r.path for r in fake_claude.requests if r.method == "GET"]
    assert gets == ["/v1/models?limit=1000"]  # the resolution's listing, no request of its own
    # an explicit id later in the day: the window of the cached listing, still no request
    fake_claude.enqueue(text_reply("A2", input_tokens=100, output_tokens=100))
    again = await open_workspace(project, model="claude-sonnet-9")
    events = await turn(again, "question")
    await again.aclose()
    assert [e for e in events if isinstance(e, ContextMeasured)] == [ContextMeasured(200, 5000)]
    assert len([r for r in fake_claude.requests if r.method == "GET"]) == 1


async def test_without_a_listed_window_the_table_answers(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    fake_claude.enqueue(text_reply("A1", input_tokens=19_000, output_tokens=1000))
    ws = workspace(fake_claude, project, agent)
    events = await turn(ws, "question")
    await ws.aclose()
    assert [e for e in events if isinstance(e, ContextMeasured)] == [
        ContextMeasured(20_000, 200_000)
    ]


async def test_compaction_on_request(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    fake_claude.enqueue(text_reply("A1"), text_reply("A2"), text_reply("Short summary."))
    ws = workspace(fake_claude, project, agent, context_window_tokens=100_000, compact_keep_turns=1)
    session = ws.session(CognitiveMode.INFORMATIVE)
    await turn(ws, "first question")
    nothing = [e async for e in session.compact()]
    assert nothing == [
        Notice(compaction_text.NOTHING_TO_COMPACT.format(mode="informative", turns=1, s=""))
    ]
    assert len(fake_claude.message_requests()) == 1
    await turn(ws, "second question")
    requests_before = session.usage.requests
    events = [e async for e in session.compact()]
    await ws.aclose()
    compacted = [e for e in events if isinstance(e, ContextCompacted)]
    assert len(compacted) == 1 and compacted[0].reason == "manual" and compacted[0].turns == 1
    assert session.usage.requests == requests_before + 1  # the summary request is paid for
    history = [texts({"messages": [m]})[0] for m in session.history]
    assert (
        history[0].startswith('<conversation_summary turns="1">') and "Short summary." in history[0]
    )
    assert history[2].endswith("second question") and history[3] == "A2"


async def test_a_stored_compaction_is_what_a_resumed_pane_sends(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    fake_claude.enqueue(
        text_reply("A1", input_tokens=900, output_tokens=100),
        text_reply("A2", input_tokens=900, output_tokens=100),
        text_reply("What was said before."),
        text_reply("A3", input_tokens=300, output_tokens=10),
        text_reply("cut", stop_reason=OVERFLOW),
        text_reply("Everything so far."),
        text_reply("A4"),
    )
    ws = workspace(
        fake_claude,
        project,
        agent,
        context_window_tokens=2000,
        compact_at=0.5,
        compact_keep_turns=1,
    )
    with SessionStore.open(project) as store:
        session_id = store.create_session(agent.name, "t")
        ws.sink = store_sink(store, session_id)
        for prompt in ("one", "two", "three", "four"):  # auto at three, overflow at four
            await turn(ws, prompt)
        await ws.aclose()
        live = ws.session(CognitiveMode.INFORMATIVE).history
        kinds = [e.reason for e in ws_events(store, session_id)]
        assert kinds == ["auto", "overflow"]
        stored = store.load(session_id).pane("informative").history
    assert stored == live
    assert texts({"messages": stored})[0].startswith('<conversation_summary turns="3">')
    assert texts({"messages": stored})[-2].endswith("four") and len(stored) == 4


def ws_events(store: SessionStore, session_id: str) -> list[ContextCompacted]:
    events = store.load(session_id).pane("informative").events
    return [e for e in events if isinstance(e, ContextCompacted)]
