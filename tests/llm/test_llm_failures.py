"""The Anthropic backend against a fake Messages server that fails like a broken network and
answers like a hostile model, with the real SDK: a stream cut before message_stop, an empty
200 stream, a tool_use stop without a client tool call, the continuation cap, tool input that
is not JSON, an idle stream, a connect timeout, the retry budget, and the wording of 502s and
dropped connections. Each was a defect; each test fails on the old behaviour."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import anthropic
import pytest
from fakeclaude.replies import BlackHole
from fakeclaude.server import (
    EmptyStream,
    FakeClaude,
    HangUp,
    ServerToolBlock,
    StreamReply,
    TextBlock,
    ToolUseBlock,
    error_reply,
    text_reply,
    tool_reply,
)
from test_llm_anthropic_loop import finished, request_for, run, text_of

from elixir_pro.agent import AgentDefinition
from elixir_pro.agent.modes import ToolMode
from elixir_pro.config import LlmConfig
from elixir_pro.events import CoreEvent, Notice, ToolFinished, TurnError, TurnFinished
from elixir_pro.llm.anthropic_backend import MAX_CONTINUATIONS, AnthropicBackend

Build = Callable[..., AnthropicBackend]
PARTIAL = "The supervisor restarts the locator, but"


def notices(events: list[CoreEvent]) -> list[str]:
    return [e.message for e in events if isinstance(e, Notice)]


def the_error(events: list[CoreEvent]) -> TurnError:
    errors = [e for e in events if isinstance(e, TurnError)]
    assert len(errors) == 1, errors
    return errors[0]


async def test_a_stream_cut_before_message_stop_is_an_interrupted_turn(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    # message_start, ping, block start, then 5 text deltas of 8 characters: cut there
    fake_claude.enqueue(StreamReply([TextBlock(PARTIAL + " it never ends")], cut_after=8))
    events = await run(make_backend(), request_for(agent, project, "review"))
    error = the_error(events)
    assert error.kind == "interrupted" and error.retryable
    assert (
        "ended before message_stop" in error.message and "partial answer is kept" in error.message
    )
    done = finished(events)
    assert done.interrupted and done.stop_reason == "error" and done.stop_reason != "end_turn"
    assert done.text == text_of(events) == PARTIAL[:40]
    assert len(fake_claude.message_requests()) == 1  # text streamed: never retried on its own


async def test_a_stream_cut_before_any_text_is_retried(
    fake_claude: FakeClaude,
    make_backend: Build,
    agent: AgentDefinition,
    project: Path,
    waits: list[float],
) -> None:
    fake_claude.enqueue(StreamReply([TextBlock("lost")], cut_after=2), text_reply("Whole."))
    events = await run(make_backend(), request_for(agent, project, "hi"))
    assert notices(events) == ["The API's stream ended early; waiting 1.0 s before retry 1 of 4"]
    assert finished(events).text == "Whole." and not finished(events).interrupted


async def test_an_empty_200_stream_is_retried_then_reported_without_a_traceback_name(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(EmptyStream(), text_reply("Fine."))
    events = await run(make_backend(), request_for(agent, project, "hi"))
    assert notices(events) == ["The API sent an empty response; waiting 1.0 s before retry 1 of 4"]
    assert finished(events).text == "Fine."
    fake_claude.enqueue(*[EmptyStream() for _ in range(5)])
    events = await run(make_backend(), request_for(agent, project, "again"))
    error = the_error(events)
    assert "AssertionError" not in error.message and error.retryable
    assert error.message == (
        "The Anthropic API answered with an empty stream (HTTP 200, no events) 5 times: "
        "retry in a moment."
    )


@pytest.mark.parametrize(
    "blocks",
    [[TextBlock("I will look it up.")], [TextBlock("Searching."), ServerToolBlock()]],
    ids=["only-text", "only-server-tools"],
)
async def test_a_tool_use_stop_without_a_client_tool_call_ends_the_turn_cleanly(
    fake_claude: FakeClaude,
    make_backend: Build,
    agent: AgentDefinition,
    project: Path,
    blocks: list[TextBlock | ServerToolBlock],
) -> None:
    fake_claude.enqueue(StreamReply(blocks, stop_reason="tool_use"), text_reply("unused"))
    events = await run(make_backend(), request_for(agent, project, "look it up"))
    assert not [e for e in events if isinstance(e, TurnError)]
    assert any("asked for none" in n for n in notices(events))
    done = finished(events)
    assert not done.interrupted and done.stop_reason == "tool_use"
    assert len(fake_claude.message_requests()) == 1  # no request with an empty user message
    assert fake_claude.pending == 1


async def test_the_fake_server_rejects_an_empty_message_like_the_real_api(
    fake_claude: FakeClaude,
) -> None:
    """Guards the test above: an empty user message would have failed it with a 400."""
    client = anthropic.AsyncAnthropic(base_url=fake_claude.base_url, api_key="k", max_retries=0)
    messages = [
        {"role": "user", "content": [{"type": "text", "text": "hi"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "calling"}]},
        {"role": "user", "content": []},
    ]
    with pytest.raises(anthropic.BadRequestError, match="must have non-empty content"):
        await client.messages.create(model="m", max_tokens=10, messages=messages)  # type: ignore[arg-type]
    await client.close()


@pytest.mark.parametrize("stop", ["max_tokens", "pause_turn"])
async def test_truncation_at_the_continuation_cap_is_a_visible_warning(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path, stop: str
) -> None:
    parts = [f"part {i}. " for i in range(MAX_CONTINUATIONS + 1)]
    fake_claude.enqueue(*[text_reply(p, stop_reason=stop) for p in parts])
    events = await run(make_backend(max_tokens=100), request_for(agent, project, "explain"))
    warnings = [e for e in events if isinstance(e, Notice) and e.level == "warning"]
    assert len(warnings) == 1 and "incomplete" in warnings[0].message
    done = finished(events)
    assert done.stop_reason == stop and not done.interrupted
    assert done.text == "".join(parts)
    assert len(fake_claude.message_requests()) == MAX_CONTINUATIONS + 1


async def test_tool_input_that_is_not_json_goes_back_as_a_tool_error(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    broken = ToolUseBlock("Read", {}, id="toolu_bad", raw_json='{"file_path": "lib/x.ex",,}')
    fake_claude.enqueue(
        StreamReply([TextBlock("Reading."), broken], stop_reason="tool_use"),
        text_reply("Recovered."),
    )
    events = await run(make_backend(), request_for(agent, project, "read it"))
    assert not [e for e in events if isinstance(e, TurnError)]
    tool = next(e for e in events if isinstance(e, ToolFinished))
    assert tool.is_error and "not valid JSON" in tool.output and "Read was not run" in tool.output
    second = fake_claude.message_requests()[1].body["messages"]
    assert second[1]["content"][1] == {
        "type": "tool_use",
        "id": "toolu_bad",
        "name": "Read",
        "input": {},
    }
    result = second[2]["content"][0]
    assert result["tool_use_id"] == "toolu_bad" and result["is_error"] is True
    assert finished(events).text == "Reading.Recovered." and not finished(events).interrupted


async def test_an_idle_stream_is_retried_before_any_text_and_interrupts_after(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    backend = make_backend(idle_timeout_s=0.3)
    fake_claude.enqueue(
        StreamReply([TextBlock("never")], stall_after=2, stall_s=3.0), text_reply("Awake.")
    )
    started = time.monotonic()
    events = await run(backend, request_for(agent, project, "hi"))
    assert notices(events) == ["No data from the API for 0.3 s; waiting 1.0 s before retry 1 of 4"]
    assert finished(events).text == "Awake." and time.monotonic() - started < 2.5
    fake_claude.enqueue(StreamReply([TextBlock(PARTIAL)], stall_after=6, stall_s=3.0))
    started = time.monotonic()
    events = await run(backend, request_for(agent, project, "again"))
    error = the_error(events)
    assert error.kind == "interrupted" and error.retryable
    assert "nothing arrived for 0.3 s (llm.idle_timeout_s)" in error.message
    assert finished(events).interrupted and finished(events).text == PARTIAL[:24]
    assert time.monotonic() - started < 2.5


async def test_a_connect_timeout_is_retried_then_reported(
    agent: AgentDefinition, project: Path, waits: list[float]
) -> None:
    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    with BlackHole() as hole:
        client = anthropic.AsyncAnthropic(base_url=hole.base_url, api_key="k", max_retries=0)
        backend = AnthropicBackend(
            client, "claude-x", LlmConfig(connect_timeout_s=0.2), sleep=no_wait
        )
        started = time.monotonic()
        events = await run(backend, request_for(agent, project, "hi"))
        await backend.aclose()
    assert time.monotonic() - started < 5
    assert notices(events)[0] == (
        "Could not connect to the API within 0.2 s; waiting 1.0 s before retry 1 of 4"
    )
    assert len(notices(events)) == 4 and waits == [1.0, 2.0, 4.0, 8.0]
    error = the_error(events)
    assert error.kind == "connection" and error.message == (
        f"Could not connect to the Anthropic API at {hole.base_url} within 0.2 s "
        "(llm.connect_timeout_s): retry when connected."
    )


async def test_retries_stop_when_the_retry_budget_is_spent(
    fake_claude: FakeClaude,
    make_backend: Build,
    agent: AgentDefinition,
    project: Path,
    waits: list[float],
) -> None:
    fake_claude.default = error_reply(529, "overloaded_error", retry_after_ms=2000)
    events = await run(make_backend(retry_budget_s=3.0), request_for(agent, project, "hi"))
    assert notices(events) == ["Claude is overloaded (529); waiting 2.0 s before retry 1 of 4"]
    assert waits == [2.0] and len(fake_claude.message_requests()) == 2
    error = the_error(events)
    assert error.kind == "overloaded" and error.message == (
        "The Anthropic API is overloaded (HTTP 529) after 2 attempts: retry. "
        "(stopped retrying after 2 attempts: llm.retry_budget_s is 3 s)"
    )


async def test_a_502_is_a_server_error_not_overload(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.default = error_reply(502, "api_error", "bad gateway")
    events = await run(make_backend(), request_for(agent, project, "hi"))
    assert all("HTTP 502" in n for n in notices(events)) and len(notices(events)) == 4
    error = the_error(events)
    assert "overload" not in error.message.lower() and error.kind == "api"
    assert error.message == (
        "The Anthropic API failed with a server error (HTTP 502) after 5 attempts: "
        "retry in a moment."
    )


async def test_a_dropped_connection_reads_as_one_sentence(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.default = HangUp()
    events = await run(make_backend(), request_for(agent, project, "hi"))
    error = the_error(events)
    assert ".." not in error.message and "response.." not in error.message
    assert error.message == (
        f"The connection to the Anthropic API at {fake_claude.base_url} failed (Server "
        "disconnected without sending a response): retry when connected."
    )
    assert isinstance(events[-1], TurnFinished) and events[-1].interrupted


async def test_a_catastrophic_grep_on_a_large_file_does_not_stop_the_turn(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    (project / "lib" / "big.ex").write_text(("a" * 40 + " " + "b" * 30 + "\n") * 120_000)
    fake_claude.enqueue(
        tool_reply(
            ("Grep", {"pattern": r"^(\s*\S+)*\s*XYZ$", "path": "lib/big.ex"}),
            ("Grep", {"pattern": r"^(\s*\S+)*\s*\1XYZ$", "path": "lib/big.ex"}),
        ),
        text_reply("Nothing matches."),
    )
    request = request_for(agent, project, "find XYZ")
    request.toolset.ctx.grep_time_limit = 1.0  # type: ignore[union-attr]
    started = time.monotonic()
    events = await run(make_backend(), request)
    assert time.monotonic() - started < 5.0
    linear, killed = [e for e in events if isinstance(e, ToolFinished)]
    assert linear.output == "No matches found" and not linear.is_error
    assert killed.is_error and "Grep stopped after 1 s" in killed.output
    assert finished(events).text == "Nothing matches." and not finished(events).interrupted


async def test_a_home_path_is_refused_not_staged_under_a_folder_named_tilde(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(
        tool_reply(("Write", {"file_path": "~/x.ex", "content": "defmodule X do\nend\n"})),
        text_reply("Could not write it."),
    )
    request = request_for(agent, project, "write it", tools=ToolMode.SOLUTION)
    events = await run(make_backend(), request)
    (tool,) = [e for e in events if isinstance(e, ToolFinished)]
    assert tool.is_error and "outside the project root" in tool.output
    assert request.changeset is not None and request.changeset.proposals == {}
    assert not (project / "~").exists()
