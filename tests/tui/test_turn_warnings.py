"""What a broken turn looks like in the TUI, against the fake Messages server with the real
SDK: an answer cut at the continuation cap ends with a visible warning (not a quiet finish),
and a stream cut before message_stop is marked interrupted with retry offered."""

from __future__ import annotations

from pathlib import Path

from fakeclaude.server import FakeClaude, StreamReply, TextBlock, text_reply
from test_claude_flows import main_screen, type_and_send
from textual.widgets import Static
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.tui.app import ElixirProApp


def lines(turn: object, selector: str) -> list[str]:
    return [str(s.render()) for s in turn.query(selector) if isinstance(s, Static)]  # type: ignore[attr-defined]


async def test_truncation_at_the_continuation_cap_is_a_visible_warning(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(*[text_reply(f"part {i} ", stop_reason="max_tokens") for i in range(4)])
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await type_and_send(pilot, app, "explain the supervision tree")
        turn = main_screen(app).pane(CognitiveMode.GENERATIVE).turns[-1]
        await wait_until(pilot, lambda: turn.finished)
        await settle(pilot, app)
        warnings = lines(turn, ".notice.-warning")
        assert any("The answer is cut off" in w and "incomplete" in w for w in warnings)
        assert not turn.interrupted


async def test_a_cut_stream_is_interrupted_with_retry_offered(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(StreamReply([TextBlock("The tracker supervisor restarts")], cut_after=6))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await type_and_send(pilot, app, "review the trackers")
        turn = main_screen(app).pane(CognitiveMode.GENERATIVE).turns[-1]
        await wait_until(pilot, lambda: turn.finished)
        await settle(pilot, app)
        assert turn.interrupted
        errors = lines(turn, ".turn-error")
        assert len(errors) == 1 and "ended before message_stop" in errors[0]
        assert "f5 to retry" in errors[0]
        said = [line for line in lines(turn, "Static") if "f5 to retry" in line]
        assert said == errors  # offered once, not again by the interrupted notice
