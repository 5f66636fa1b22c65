"""Pilot tests of escalation without interruption: a human gate is a banner on its turn, naming
the pane and the reasons, and the envelope card agrees with it; one modal asks only when the
changes staged by escalated turns are about to be applied; triggers about OpenSpec apply only
to projects with OpenSpec files; a panel run shows one banner per pane."""

from __future__ import annotations

import shutil
from pathlib import Path

from fakeclaude.server import FakeClaude, text_reply, tool_reply
from textual.widgets import Static
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.human_gate import HumanGateScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.turn_view import TurnView

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GATED = (FIXTURES / "tui" / "answer_gated.md").read_text(encoding="utf-8")
# An answer whose sentences name the OpenSpec trigger's situation (failure recovery
# requirements, supervision expectations) without naming OpenSpec, confidently.
RESTARTS = (
    "Choose max_restarts and max_seconds to match your failure recovery requirements.\n\n"
    "The supervision expectations of each child follow from those failure recovery "
    "requirements.\n\n**Confidence**: high\n**Human Gate Required**: no\n"
)


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def modals(app: ElixirProApp) -> list[HumanGateScreen]:
    return [s for s in app.screen_stack if isinstance(s, HumanGateScreen)]


def banner(turn: TurnView) -> str:
    found = turn.query(".escalation").results(Static)
    return "\n".join(str(b.render()) for b in found)


def card_gate(turn: TurnView) -> str:
    return str(turn.query_one(".envelope-card .gate", Static).render())


async def ask(pilot: object, app: ElixirProApp, text: str) -> TurnView:
    screen = main_screen(app)
    prompt = screen.query_one(PromptInput)
    prompt.text = text
    prompt.focus()
    pane = screen.pane(screen.current_mode)
    count = len(pane.turns)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: len(pane.turns) > count and pane.turns[-1].finished, timeout=30)  # type: ignore[arg-type]
    await settle(pilot, app)  # type: ignore[arg-type]
    return pane.turns[-1]


async def test_a_low_confidence_offline_answer_is_a_banner_not_a_modal(tmp_path: Path) -> None:
    app = ElixirProApp(tmp_path, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        turn = await ask(pilot, app, "What is new in Phoenix 1.8?")
        assert turn.escalation  # the offline engine's confidence is below the threshold
        assert modals(app) == []
        assert app.screen is main_screen(app)
        text = banner(turn)
        assert text.startswith("⚑ Human gate · generative pane")
        assert "below the threshold" in text and "Nothing was staged" in text
        # the card says what the banner says
        assert card_gate(turn).strip().startswith("human gate: YES")
        assert turn.query(".envelope-card .gate.-gate")
        # typing goes on: nothing took the focus away
        await pilot.press("o", "k")
        assert main_screen(app).query_one(PromptInput).text == "ok"


async def test_openspec_triggers_need_openspec_files(courier: Path, claude_env: FakeClaude) -> None:
    assert not (courier / "openspec").exists()
    claude_env.default = text_reply(RESTARTS)
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        turn = await ask(pilot, app, "What restart intensity should my supervisor use?")
        assert turn.escalation == ()
        assert banner(turn) == "" and modals(app) == []
        assert card_gate(turn).strip() == "human gate: no"
    shutil.copytree(FIXTURES / "pipeline" / "openspec_project" / "openspec", courier / "openspec")
    again = ElixirProApp(courier, watch=False, analyze=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot, again)
        turn = await ask(pilot, again, "What restart intensity should my supervisor use?")
        assert any("OpenSpec contract ambiguity" in r for r in turn.escalation)
        assert "OpenSpec contract ambiguity" in banner(turn) and modals(again) == []


async def test_a_panel_run_shows_one_banner_per_pane_and_no_modal(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.default = text_reply("A member's view.\n\n**Confidence**: low (0.3)")
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        screen.query_one(PromptInput).text = "GenServer or Agent for the rate card?"
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: len(claude_env.message_requests()) >= 4, timeout=20)
        await settle(pilot, app)
        assert modals(app) == []
        heads = {}
        for mode in CognitiveMode:
            for turn in screen.pane(mode).turns:
                assert turn.finished and turn.escalation
                banners = list(turn.query(".escalation"))
                assert len(banners) == 1
                heads[mode] = banner(turn).splitlines()[0]
        assert heads == {
            CognitiveMode.GENERATIVE: "⚑ Human gate · generative pane (panel_member)",
            CognitiveMode.CRITICAL: "⚑ Human gate · critical pane (auditor)",
            CognitiveMode.EVALUATIVE: "⚑ Human gate · evaluative pane (decision_maker)",
            CognitiveMode.INFORMATIVE: "⚑ Human gate · informative pane (panel_member)",
        }


async def test_one_modal_asks_when_the_escalated_turns_changes_are_applied(
    courier: Path, claude_env: FakeClaude
) -> None:
    write = {
        "file_path": "lib/courier/cluster.ex",
        "content": "defmodule Courier.Cluster do\nend\n",
    }
    claude_env.enqueue(tool_reply(("Write", write)), text_reply(GATED))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        turn = await ask(pilot, app, "should we cluster?")
        assert modals(app) == [] and turn.staged == 1
        assert "wait for your OK" in banner(turn)
        assert screen.gate_acknowledged is False
        assert turn.query(".envelope-card .badge.-low")
        assert card_gate(turn).strip().startswith("human gate: YES")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: bool(modals(app)), timeout=30)
        (gate,) = modals(app)
        assert all(r.startswith("generative pane: ") for r in gate.reasons)
        assert any("below the threshold" in r for r in gate.reasons)
        assert any("Human Gate Required" in r for r in gate.reasons)
        await pilot.press("a")
        await settle(pilot, app)
        assert screen.gate_acknowledged is True and screen.gate_pending == ()
        assert type(app.screen).__name__ == "ReviewScreen"
        assert modals(app) == []


async def test_a_later_escalated_turn_asks_again_with_its_own_reasons(
    courier: Path, claude_env: FakeClaude
) -> None:
    first = {"file_path": "lib/courier/cluster.ex", "content": "defmodule Courier.Cluster do end\n"}
    second = {"file_path": "lib/courier/nodes.ex", "content": "defmodule Courier.Nodes do end\n"}
    claude_env.enqueue(tool_reply(("Write", first)), text_reply(GATED))
    claude_env.enqueue(tool_reply(("Write", second)), text_reply(GATED))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await ask(pilot, app, "should we cluster?")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: bool(modals(app)), timeout=30)
        await pilot.press("a")
        await settle(pilot, app)
        changeset = screen.context.conversation.pending_changeset
        assert changeset is not None and changeset.gate_acknowledged
        app.pop_screen()  # leave the review without deciding anything
        await settle(pilot, app)
        screen.action_show_pane("critical")
        await ask(pilot, app, "and the node list?")
        assert modals(app) == []
        assert not changeset.gate_acknowledged and screen.gate_acknowledged is False
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: bool(modals(app)), timeout=30)
        (gate,) = modals(app)
        assert gate.reasons and all(r.startswith("critical pane: ") for r in gate.reasons)


async def test_not_now_still_shows_the_changes_without_applying_them(
    courier: Path, claude_env: FakeClaude
) -> None:
    write = {"file_path": "lib/courier/cluster.ex", "content": "defmodule Courier.Cluster do end\n"}
    claude_env.enqueue(tool_reply(("Write", write)), text_reply(GATED))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await ask(pilot, app, "should we cluster?")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: bool(modals(app)), timeout=30)
        await pilot.press("escape")  # not now
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ReviewScreen")
        changeset = screen.context.conversation.pending_changeset
        assert changeset is not None and not changeset.gate_acknowledged
        await pilot.press("a", "enter")  # accept the hunk, try to apply: refused
        await settle(pilot, app)
        assert not (courier / "lib" / "courier" / "cluster.ex").exists()
        assert modals(app) == []
