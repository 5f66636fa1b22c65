"""The context meter and compaction in the TUI, against the real SDK and the fake Messages
server: the status bar shows the shown pane's share of the window, a conversation past the
project's small configured window leaves a summary block in the pane (expandable to the
summary), and ``C`` compacts on request."""

from __future__ import annotations

from pathlib import Path

from fakeclaude.server import FakeClaude, text_reply
from textual.widgets import Markdown
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.status_bar import StatusBar
from elixir_pro.tui.widgets.summary_block import SummaryBlock

SETTINGS = "llm: {context_window_tokens: 2000, compact_at: 0.5, compact_keep_turns: 1}\n"


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def send(pilot: object, app: ElixirProApp, text: str, turns: int) -> None:
    screen = main_screen(app)
    prompt = screen.query_one(PromptInput)
    prompt.text = text
    prompt.focus()
    await pilot.press("enter")  # type: ignore[attr-defined]
    pane = screen.pane(CognitiveMode.GENERATIVE)
    await wait_until(
        pilot,  # type: ignore[arg-type]
        lambda: len(pane.turns) == turns and pane.turns[-1].finished,
        timeout=20,
    )
    await settle(pilot, app)  # type: ignore[arg-type]


async def test_the_meter_and_the_summary_block(courier: Path, claude_env: FakeClaude) -> None:
    (courier / ".elixir-pro.yaml").write_text(SETTINGS, encoding="utf-8")
    claude_env.enqueue(
        text_reply("A1", input_tokens=700, output_tokens=120),  # 820 of 2,000: 41%
        text_reply("A2", input_tokens=1000, output_tokens=40),
        text_reply("The developer is supervising the trackers."),
        text_reply("A3", input_tokens=300, output_tokens=10),
    )
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        status = screen.query_one(StatusBar)
        assert status.context_label() == ""  # nothing measured yet: nothing shown
        await send(pilot, app, "first question", 1)
        assert status.context_label() == "ctx 41%"
        assert "ctx 41%" in str(status.render())
        await pilot.press("escape", "2")  # another pane: its own (unmeasured) share
        await settle(pilot, app)
        assert status.context_label() == ""
        await pilot.press("1")
        await settle(pilot, app)
        assert status.context_label() == "ctx 41%"
        await send(pilot, app, "second question", 2)
        await send(pilot, app, "third question", 3)
        pane = screen.pane(CognitiveMode.GENERATIVE)
        blocks = list(pane.turns[-1].query(SummaryBlock))
        assert len(blocks) == 1
        assert blocks[0].title.startswith("Summary of 1 earlier turn (context filling up)")
        assert blocks[0].collapsed
        text = blocks[0].query_one(Markdown)
        assert "supervising the trackers" in text.source
        assert status.context_label() == "ctx 16%"  # 310 of 2,000 after the compaction
        requests = claude_env.message_requests()
        assert len(requests) == 4
        assert "first question" not in str(requests[3].body["messages"])


async def test_compaction_on_request_with_the_key(courier: Path, claude_env: FakeClaude) -> None:
    (courier / ".elixir-pro.yaml").write_text(
        "llm: {compact_keep_turns: 1, context_window_tokens: 100000}\n", encoding="utf-8"
    )
    claude_env.enqueue(text_reply("A1"), text_reply("A2"), text_reply("Summary on request."))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await send(pilot, app, "first question", 1)
        await send(pilot, app, "second question", 2)
        await pilot.press("escape", "C")
        screen = main_screen(app)
        pane = screen.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: len(pane.turns) == 3 and pane.turns[-1].finished)
        await settle(pilot, app)
        blocks = list(pane.turns[-1].query(SummaryBlock))
        assert len(blocks) == 1 and "(on request)" in str(blocks[0].title)
        assert not pane.turns[-1].interrupted
        summary = claude_env.message_requests()[2].body
        assert "tools" not in summary and "first question" in str(summary["messages"])
