"""Pilot tests of the conversation flows against the real anthropic SDK talking to the fake
Messages server on 127.0.0.1: streaming, Bash approval, a panel run, resume
after a restart, the offline engine without a key, and no network before the first prompt."""

from __future__ import annotations

from pathlib import Path

from fakeclaude.server import FakeClaude, StreamReply, TextBlock, text_reply, tool_reply
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.events import TextDelta
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.bash_approval import BashApprovalScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.mode_tabs import ModeTabs
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.status_bar import StatusBar
from elixir_pro.tui.widgets.tool_row import ToolRow

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "tui"


def answer(name: str) -> str:
    return (ANSWERS / name).read_text(encoding="utf-8")


def main_screen(app: ElixirProApp) -> MainScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
    return screen


async def type_and_send(pilot: object, app: ElixirProApp, text: str) -> None:
    prompt = main_screen(app).query_one(PromptInput)
    prompt.text = text
    prompt.focus()
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_no_network_until_the_first_prompt_then_the_answer_streams(
    courier: Path, claude_env: FakeClaude
) -> None:
    text = answer("answer_confident.md")
    # ~3 s of streaming: the first fragments are on screen long before the last arrives
    claude_env.enqueue(StreamReply([TextBlock(text, chunk=5)], delay=0.03, output_tokens=321))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert claude_env.requests == []  # opening the app made no connection
        screen = main_screen(app)
        assert screen.query_one(StatusBar).backend.startswith("claude")
        await type_and_send(pilot, app, "supervise the trackers")
        pane = screen.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: bool(pane.turns) and bool(pane.turns[-1].text_parts))
        turn = pane.turns[-1]
        assert not turn.finished  # part of the answer is on screen while the rest streams
        await wait_until(pilot, lambda: turn.finished)
        await settle(pilot, app)
        assert turn.text == text
        recorder = screen.context.recorder
        assert recorder is not None and recorder.session_id is not None
        store = recorder.store()
        assert store is not None
        stored = store.load(recorder.session_id).pane("generative").events
        deltas = [e for e in stored if isinstance(e, TextDelta)]
        assert len(deltas) > 10  # every fragment was recorded as it came
        assert "".join(d.text for d in deltas) == text
        assert screen.query_one(StatusBar).tokens > 0
        code = [b for b in turn.query("MarkdownFence")]
        assert code, "the elixir block is rendered as a highlighted fence"
        assert turn.query(".envelope-card .badge.-ok")  # high confidence vs threshold 0.6
        sent = claude_env.message_requests()[0].body
        assert sent["messages"][-1]["content"]
        assert "supervise the trackers" in str(sent["messages"])


async def test_bash_approval_approve_once_runs_the_command(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(
        tool_reply(("Bash", {"command": "echo approved > made.txt", "description": "make it"})),
        text_reply("Done."),
    )
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await type_and_send(pilot, app, "create the file")
        await wait_until(pilot, lambda: isinstance(app.screen, BashApprovalScreen))
        assert app.screen.request.command == "echo approved > made.txt"  # type: ignore[attr-defined]
        await pilot.press("y")
        turn = main_screen(app).pane(CognitiveMode.GENERATIVE).turns[-1]
        await wait_until(pilot, lambda: turn.finished)
        await settle(pilot, app)
        rows = list(turn.query(ToolRow))
        assert len(rows) == 1 and rows[0].title.endswith("exit 0")
    assert (courier / "made.txt").read_text().strip() == "approved"


async def test_bash_approval_deny_does_not_run_the_command(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(
        tool_reply(("Bash", {"command": "echo denied > made.txt"})),
        text_reply("Understood."),
    )
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await type_and_send(pilot, app, "create the file")
        await wait_until(pilot, lambda: isinstance(app.screen, BashApprovalScreen))
        await pilot.press("n")
        turn = main_screen(app).pane(CognitiveMode.GENERATIVE).turns[-1]
        await wait_until(pilot, lambda: turn.finished)
        await settle(pilot, app)
        (row,) = list(turn.query(ToolRow))
        assert row.title.endswith("error")
    assert not (courier / "made.txt").exists()
    tool_results = str(claude_env.message_requests()[1].body["messages"][-1])
    assert "tool_result" in tool_results


async def test_panel_run_fills_the_members_and_shows_the_decision(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.default = text_reply("A member's view.\n\n**Confidence**: high")
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        prompt = screen.query_one(PromptInput)
        prompt.text = "GenServer or Agent for the rate card?"
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: len(claude_env.message_requests()) >= 4, timeout=20)
        await settle(pilot, app)
        labels = {mode: [t.label for t in screen.pane(mode).turns] for mode in CognitiveMode}
        assert labels[CognitiveMode.GENERATIVE] == ["panel_member"]
        assert labels[CognitiveMode.CRITICAL] == ["auditor"]
        assert labels[CognitiveMode.EVALUATIVE] == ["decision_maker"]
        assert screen.query_one(ModeTabs).active is CognitiveMode.EVALUATIVE
        assert screen.pane(CognitiveMode.EVALUATIVE).display
        decision = screen.pane(CognitiveMode.EVALUATIVE).turns[-1]
        assert decision.finished and decision.text.startswith("A member's view")
        handover = str(claude_env.message_requests()[-1].body["messages"])
        assert "GenServer or Agent for the rate card?" in handover


async def test_resume_after_restart_shows_the_panes_and_sends_the_history(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(text_reply("First answer about supervisors."))
    first = ElixirProApp(courier, watch=False, analyze=False)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot, first)
        await pilot.press("escape", "4", "i")
        await type_and_send(pilot, first, "what is a supervisor?")
        turn_pane = main_screen(first).pane(CognitiveMode.INFORMATIVE)
        await wait_until(pilot, lambda: bool(turn_pane.turns) and turn_pane.turns[-1].finished)
        await settle(pilot, first)

    claude_env.enqueue(text_reply("Second answer."))
    again = ElixirProApp(courier, watch=False, analyze=False, resume=True)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = main_screen(again)
        pane = screen.pane(CognitiveMode.INFORMATIVE)
        await wait_until(pilot, lambda: len(pane.turns) == 1)
        await settle(pilot, again)
        (old,) = pane.turns
        assert old.prompt == "what is a supervisor?"
        assert old.text == "First answer about supervisors."
        await pilot.press("escape", "4", "i")
        await type_and_send(pilot, again, "and a dynamic one?")
        await wait_until(pilot, lambda: len(pane.turns) == 2 and pane.turns[-1].finished)
        await settle(pilot, again)
    sent = claude_env.message_requests()[-1].body["messages"]
    assert "First answer about supervisors." in str(sent)
    assert "what is a supervisor?" in str(sent)


async def test_offline_answer_without_a_key(courier: Path) -> None:
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        assert screen.query_one(StatusBar).backend == "offline engine"
        await pilot.press("ctrl+n")
        await type_and_send(pilot, app, "review lib/")
        pane = screen.pane(CognitiveMode.CRITICAL)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished)
        await settle(pilot, app)
        turn = pane.turns[-1]
        assert "Offline engine" in turn.text
        assert "unsafe-atom-creation" in turn.text
        assert screen.query_one(StatusBar).pending == screen.pending_changes
