"""The Anthropic backend's turn loop against the fake Messages server, with the real SDK, the
real agent prompt and the real toolset: what the user sees and what goes on the wire."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fakeclaude.server import FakeClaude, HangUp, error_reply, text_reply, tool_reply

from elixir_pro.agent import AgentDefinition, compose_system_prompt
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.changes.changeset import Changeset
from elixir_pro.events import (
    CoreEvent,
    EditProposed,
    Notice,
    TextDelta,
    ToolFinished,
    ToolRequested,
    TurnError,
    TurnFinished,
    UsageReported,
)
from elixir_pro.llm.anthropic_backend import AnthropicBackend
from elixir_pro.llm.base import TurnRequest
from elixir_pro.tools import ToolContext, build_toolset

Build = Callable[..., AnthropicBackend]


def request_for(
    agent: AgentDefinition,
    root: Path,
    prompt: str,
    *,
    mode: CognitiveMode = CognitiveMode.CRITICAL,
    tools: ToolMode = ToolMode.AUDIT,
    history: list[dict[str, Any]] | None = None,
) -> TurnRequest:
    changeset = Changeset(root, source="test")
    ctx = ToolContext(root, changeset, None)
    return TurnRequest(
        prompt=prompt,
        cognitive_mode=mode,
        tool_mode=tools,
        role=EnsembleRole.SOLO,
        project_root=root,
        history=history or [],
        system_prompt=compose_system_prompt(agent, mode, tools, EnsembleRole.SOLO),
        toolset=build_toolset(agent.tools.for_mode(tools), ctx),
        changeset=changeset,
    )


async def run(backend: AnthropicBackend, request: TurnRequest) -> list[CoreEvent]:
    return [event async for event in backend.stream_turn(request)]


def text_of(events: list[CoreEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def finished(events: list[CoreEvent]) -> TurnFinished:
    last = events[-1]
    assert isinstance(last, TurnFinished)
    return last


async def test_text_reply_streams_and_sends_mode_prompt_tools_and_cache_control(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(
        text_reply("The supervisor looks fine.", input_tokens=1200, output_tokens=40)
    )
    request = request_for(agent, project, "review lib/")
    events = await run(make_backend(), request)

    assert text_of(events) == "The supervisor looks fine."
    assert len([e for e in events if isinstance(e, TextDelta)]) > 1
    usage = next(e for e in events if isinstance(e, UsageReported))
    assert (usage.input_tokens, usage.output_tokens) == (1200, 40)
    assert usage.cost_usd == (1200 * 3.0 + 40 * 15.0) / 1_000_000
    done = finished(events)
    assert done.text == "The supervisor looks fine." and not done.interrupted
    assert [m["role"] for m in done.extra["messages"]] == ["user", "assistant"]

    (sent,) = fake_claude.message_requests()
    body = sent.body
    assert body["model"] == "claude-sonnet-5-5" and body["stream"] is True
    expected_prompt = compose_system_prompt(
        agent, CognitiveMode.CRITICAL, ToolMode.AUDIT, EnsembleRole.SOLO
    )
    assert body["system"] == [
        {"type": "text", "text": expected_prompt, "cache_control": {"type": "ephemeral"}}
    ]
    assert ":observer" in body["system"][0]["text"]
    assert [t["name"] for t in body["tools"]] == ["Read", "Grep", "Glob", "Bash"]
    assert [t.get("cache_control") for t in body["tools"]] == [
        None,
        None,
        None,
        {"type": "ephemeral"},
    ]
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "review lib/", "cache_control": {"type": "ephemeral"}}
            ],
        }
    ]
    assert done.extra["messages"][0] == {
        "role": "user",
        "content": [{"type": "text", "text": "review lib/"}],
    }
    assert sent.headers.get("Authorization", sent.headers.get("authorization")) or sent.headers.get(
        "x-api-key"
    )


async def test_solution_and_research_modes_send_their_tools(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(text_reply("ok"), text_reply("ok"))
    backend = make_backend()
    await run(backend, request_for(agent, project, "a", tools=ToolMode.SOLUTION))
    await run(backend, request_for(agent, project, "b", tools=ToolMode.RESEARCH))
    solution, research = (r.body for r in fake_claude.message_requests())
    assert [t["name"] for t in solution["tools"]] == [
        "Read",
        "Write",
        "Edit",
        "Grep",
        "Glob",
        "Bash",
    ]
    names = [t["name"] for t in research["tools"]]
    assert names == ["Read", "Grep", "Glob", "Bash", "web_search", "web_fetch"]
    assert research["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert research["tools"][-1]["type"].startswith("web_fetch")
    assert all("cache_control" not in t for t in research["tools"][:-1])
    assert (
        "Write" not in solution["system"][0]["text"] or "Solution" in solution["system"][0]["text"]
    )
    assert solution["system"][0]["text"] != research["system"][0]["text"]


async def test_multi_round_tool_loop_runs_tools_and_sends_results(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(
        tool_reply(("Read", {"file_path": "lib/demo/counter.ex"}), text="Reading the counter."),
        tool_reply(("Grep", {"pattern": "receive", "path": "lib"})),
        text_reply("The receive in Demo.Counter has no after clause."),
    )
    events = await run(make_backend(), request_for(agent, project, "review lib/"))

    requested = [e for e in events if isinstance(e, ToolRequested)]
    assert [(e.name, e.input) for e in requested] == [
        ("Read", {"file_path": "lib/demo/counter.ex"}),
        ("Grep", {"pattern": "receive", "path": "lib"}),
    ]
    results = [e for e in events if isinstance(e, ToolFinished)]
    assert [r.is_error for r in results] == [False, False]
    assert "wait_for_reply" in results[0].output
    assert (
        finished(events).text
        == "Reading the counter.The receive in Demo.Counter has no after clause."
    )
    assert len([e for e in events if isinstance(e, UsageReported)]) == 3

    first, second, third = (r.body for r in fake_claude.message_requests())
    assert len(first["messages"]) == 1
    assistant = second["messages"][1]
    assert assistant["role"] == "assistant"
    tool_use = assistant["content"][1]
    assert tool_use["type"] == "tool_use" and tool_use["name"] == "Read"
    tool_result = second["messages"][2]["content"][0]
    assert tool_result["type"] == "tool_result" and tool_result["tool_use_id"] == tool_use["id"]
    assert "wait_for_reply" in tool_result["content"]
    assert [m["role"] for m in third["messages"]] == [
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]
    assert third["system"] == first["system"] and third["tools"] == first["tools"]
    marked = [
        (i, j)
        for i, message in enumerate(third["messages"])
        for j, block in enumerate(message["content"])
        if "cache_control" in block
    ]
    assert marked == [(4, len(third["messages"][4]["content"]) - 1)]  # only the newest block
    assert "cache_control" not in second["messages"][0]["content"][0]
    roles = [m["role"] for m in finished(events).extra["messages"]]
    assert roles == ["user", "assistant", "user", "assistant", "user", "assistant"]


async def test_edit_is_staged_never_written(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    path = project / "lib" / "demo" / "counter.ex"
    before = path.read_bytes()
    edit = {
        "file_path": "lib/demo/counter.ex",
        "old_string": "      {:reply, value} -> value\n",
        "new_string": "      {:reply, value} -> value\n    after\n      5_000 -> :timeout\n",
    }
    fake_claude.enqueue(
        tool_reply(("Read", {"file_path": "lib/demo/counter.ex"})),
        tool_reply(("Edit", edit)),
        text_reply("Added an after clause."),
    )
    request = request_for(agent, project, "fix the receive", tools=ToolMode.SOLUTION)
    events = await run(make_backend(), request)
    proposed = [e for e in events if isinstance(e, EditProposed)]
    assert [(p.path, p.kind, p.added) for p in proposed] == [("lib/demo/counter.ex", "modify", 2)]
    assert path.read_bytes() == before
    assert request.changeset is not None
    assert "5_000 -> :timeout" in (request.changeset.view("lib/demo/counter.ex") or "")


async def test_rate_limit_and_overload_are_retried_with_visible_waits(
    fake_claude: FakeClaude,
    make_backend: Build,
    agent: AgentDefinition,
    project: Path,
    waits: list[float],
) -> None:
    fake_claude.enqueue(
        error_reply(429, "rate_limit_error", retry_after_ms=250),
        error_reply(529, "overloaded_error", retry_after_ms=500),
        text_reply("Done."),
    )
    events = await run(make_backend(), request_for(agent, project, "hi"))
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert len(notices) == 2
    assert (
        "Rate limited (429)" in notices[0] and "0.2 s" in notices[0] and "retry 1 of" in notices[0]
    )
    assert "overloaded (529)" in notices[1] and "retry 2 of" in notices[1]
    assert waits == [0.25, 0.5]
    assert finished(events).text == "Done."
    assert len(fake_claude.message_requests()) == 3


async def test_overload_that_persists_ends_in_a_clear_error(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(*[error_reply(529, "overloaded_error") for _ in range(5)])
    events = await run(make_backend(), request_for(agent, project, "hi"))
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "overloaded" and error.retryable and "529" in error.message
    assert finished(events).interrupted
    assert len(fake_claude.message_requests()) == 5


async def test_mid_stream_error_keeps_the_partial_answer(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(text_reply("The supervision tree has three problems. First", error_after=6))
    events = await run(make_backend(), request_for(agent, project, "review"))
    partial = text_of(events)
    assert partial and "The supervision tree".startswith(partial[:20])
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "interrupted" and error.retryable
    assert "overloaded_error" in error.message and "\n" not in error.message
    done = finished(events)
    assert done.interrupted and done.text == partial
    assert len(fake_claude.message_requests()) == 1  # never retried automatically
    assert done.extra["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "review"}]}
    ]


async def test_invalid_key_is_one_line_and_not_retried(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(error_reply(401, "authentication_error", "invalid x-api-key"))
    events = await run(make_backend(), request_for(agent, project, "hi"))
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "auth" and "API key" in error.message and "401" in error.message
    assert len(fake_claude.message_requests()) == 1


async def test_prompt_too_long_is_reported_as_context_too_long(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(
        error_reply(
            400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"
        )
    )
    events = await run(make_backend(), request_for(agent, project, "hi"))
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "context_too_long" and "context window" in error.message


async def test_context_window_stop_reason_is_reported(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(text_reply("Partial", stop_reason="model_context_window_exceeded"))
    events = await run(make_backend(), request_for(agent, project, "hi"))
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "context_too_long"
    assert finished(events).text == "Partial" and finished(events).interrupted


async def test_connection_failure_is_retried_then_reported(
    make_backend: Build, agent: AgentDefinition, project: Path, waits: list[float]
) -> None:
    backend = make_backend()
    dead = FakeClaude().start()
    port = dead.port
    dead.stop()
    backend.client = backend.client.with_options(base_url=f"http://127.0.0.1:{port}")
    events = await run(backend, request_for(agent, project, "hi"))
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "connection" and f"127.0.0.1:{port}" in error.message
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert len([e for e in events if isinstance(e, Notice)]) == 4


async def test_max_tokens_continues_the_answer(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(
        text_reply("First half, ", stop_reason="max_tokens"), text_reply("second half.")
    )
    events = await run(make_backend(max_tokens=64), request_for(agent, project, "explain"))
    assert finished(events).text == "First half, second half."
    assert any(isinstance(e, Notice) and "64 tokens" in e.message for e in events)
    second = fake_claude.message_requests()[1].body
    assert second["max_tokens"] == 64
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "user"]
    assert "Continue exactly where you stopped" in second["messages"][2]["content"][0]["text"]


async def test_pause_turn_is_resent(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(
        text_reply("Searching. ", stop_reason="pause_turn"), text_reply("Found it.")
    )
    events = await run(
        make_backend(), request_for(agent, project, "look it up", tools=ToolMode.RESEARCH)
    )
    assert finished(events).text == "Searching. Found it."
    second = fake_claude.message_requests()[1].body
    assert [m["role"] for m in second["messages"]] == ["user", "assistant"]


async def test_refusal_is_reported(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(text_reply("", stop_reason="refusal"))
    events = await run(make_backend(), request_for(agent, project, "something"))
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "refusal"
    assert finished(events).stop_reason == "refusal"
    # no empty assistant turn is kept: the API would reject it in the next request
    assert [m["role"] for m in finished(events).extra["messages"]] == ["user"]


async def test_a_tool_call_cut_off_by_max_tokens_is_dropped_before_continuing(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    cut = tool_reply(
        ("Read", {"file_path": "mix.exs"}), text="Let me look. ", stop_reason="max_tokens"
    )
    fake_claude.enqueue(cut, text_reply("Done."))
    events = await run(make_backend(), request_for(agent, project, "look"))
    assert finished(events).text == "Let me look. Done."
    assert not [e for e in events if isinstance(e, ToolRequested)]
    assistant = fake_claude.message_requests()[1].body["messages"][1]
    assert assistant == {
        "role": "assistant",
        "content": [{"type": "text", "text": "Let me look. "}],
    }


async def test_tool_round_cap_asks_for_an_answer_then_stops(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    glob = ("Glob", {"pattern": "**/*.ex"})
    fake_claude.enqueue(tool_reply(glob), tool_reply(glob), tool_reply(glob))
    events = await run(make_backend(max_tool_rounds=1), request_for(agent, project, "look"))
    assert len([e for e in events if isinstance(e, ToolFinished)]) == 1
    assert any(isinstance(e, Notice) and "limit (1)" in e.message for e in events)
    error = next(e for e in events if isinstance(e, TurnError))
    assert error.kind == "tool_rounds"
    requests = fake_claude.message_requests()
    assert len(requests) == 3
    refused = requests[2].body["messages"][-1]["content"][0]
    assert refused["is_error"] is True and "limit of 1 tool rounds" in refused["content"]


async def test_slow_stream_delivers_text_as_it_arrives(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    fake_claude.enqueue(text_reply("one two three four five six", chunk=4, delay=0.05))
    stamps: list[tuple[float, CoreEvent]] = []
    async for event in make_backend().stream_turn(request_for(agent, project, "count")):
        stamps.append((time.monotonic(), event))
    deltas = [t for t, e in stamps if isinstance(e, TextDelta)]
    end = stamps[-1][0]
    assert len(deltas) == 7
    assert end - deltas[0] >= 0.2  # the first words were shown well before the stream ended
    assert text_of([e for _, e in stamps]) == "one two three four five six"


async def test_history_is_sent_before_the_new_prompt(
    fake_claude: FakeClaude, make_backend: Build, agent: AgentDefinition, project: Path
) -> None:
    history = [
        {"role": "user", "content": [{"type": "text", "text": "earlier"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "earlier answer"}]},
    ]
    fake_claude.enqueue(text_reply("ok"))
    await run(make_backend(), request_for(agent, project, "now", history=history))
    sent = fake_claude.message_requests()[0].body["messages"]
    assert sent[:2] == history and sent[2]["content"][0]["text"] == "now"


async def test_dropped_connection_is_retried(
    fake_claude: FakeClaude,
    make_backend: Build,
    agent: AgentDefinition,
    project: Path,
    waits: list[float],
) -> None:
    fake_claude.enqueue(HangUp(), text_reply("Back again."))
    events = await run(make_backend(), request_for(agent, project, "hi"))
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert notices == ["The connection to the API failed; waiting 1.0 s before retry 1 of 4"]
    assert waits == [1.0] and finished(events).text == "Back again."
