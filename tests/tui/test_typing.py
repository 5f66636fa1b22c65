"""Pilot tests of where typing goes: printable keys typed in a side panel land in the prompt
(they never run single-letter commands), the footer's keys follow the focused area, escape
then 2 typed quickly switches pane without typing a character (the real input parser reads
the bytes), ctrl+c stops a turn and quits only on a second press when idle, and a prompt sent
while the pane is answering is kept, shown as queued and sent when the turn ends."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_turn_progress import FrozenClock, held_turn, main_screen
from textual._xterm_parser import XTermParser
from textual.events import Key
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.widgets.mode_pane import ModePane
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.status_bar import StatusBar


def make_app(root: Path) -> ElixirProApp:
    return ElixirProApp(root, offline=True, watch=False, analyze=False)


def footer_keys(app: ElixirProApp) -> dict[str, str]:
    """The keys the footer shows now: key -> label."""
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


async def test_typing_in_a_side_panel_goes_to_the_prompt(courier: Path) -> None:
    app = make_app(courier)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        prompt = screen.query_one(PromptInput)
        await pilot.press("f8")  # the tasks panel: its list takes the focus
        assert app.focused is not None and screen.query_one("#side") in app.focused.ancestors
        assert not screen.query_one(StatusBar).nav  # single letters do not act here
        keys = footer_keys(app)
        assert keys["escape"] == "back to prompt" and keys["ctrl+s"] == "solve"
        await pilot.press(*"review it")
        await settle(pilot, app)
        assert prompt.text == "review it"
        assert app.focused is prompt
        assert screen.streaming == set()  # `r` started no review turn
        assert all(not screen.pane(mode).turns for mode in CognitiveMode)
        assert screen.current_mode is CognitiveMode.GENERATIVE  # `i`, `e` did nothing either
        assert footer_keys(app)["escape"] == "nav"
        await pilot.press("f2", "escape")  # escape in a panel goes back to the prompt
        assert app.focused is prompt and prompt.text == "review it"
        await pilot.press("escape")  # a pane: single letters act, the footer says how to type
        assert screen.query_one(StatusBar).nav and footer_keys(app)["i"] == "type"


async def test_escape_then_2_typed_quickly_switches_pane_and_types_nothing(
    courier: Path,
) -> None:
    app = make_app(courier)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        prompt = screen.query_one(PromptInput)
        parser = XTermParser()
        keys = [*parser.feed("\x1b2"), *parser.feed("")]  # ESC and 2 within the escape delay
        assert all(isinstance(k, Key) for k in keys)
        for key in keys:
            app.post_message(key)
        await settle(pilot, app)
        assert prompt.text == ""
        assert screen.current_mode is CognitiveMode.CRITICAL
        assert isinstance(app.focused, ModePane)  # as after escape: single letters act
        await pilot.press("3")
        assert screen.current_mode is CognitiveMode.EVALUATIVE


async def test_ctrl_c_stops_the_turn_and_quits_on_a_second_press_only(courier: Path) -> None:
    clock = FrozenClock()
    app = make_app(courier)
    app.context.clock = clock
    release = asyncio.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        screen.start_turn_stream(CognitiveMode.GENERATIVE, "long", held_turn(release, "abc"))
        pane = screen.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: bool(pane.turns) and bool(screen.streaming))
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: pane.turns[-1].finished)
        assert pane.turns[-1].interrupted and screen.streaming == set()
        assert app.is_running
        await pilot.press("ctrl+c")  # idle: asks for a second press
        await pilot.pause()
        assert app.is_running
        clock.now += 5  # too late: this press asks again
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        clock.now += 1
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: not app.is_running)


async def test_a_prompt_sent_while_answering_is_queued_then_sent(courier: Path) -> None:
    app = make_app(courier)
    release = asyncio.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        prompt = screen.query_one(PromptInput)
        screen.start_turn_stream(CognitiveMode.INFORMATIVE, "first", held_turn(release, "abc"))
        screen.action_show_pane("informative")
        pane = screen.pane(CognitiveMode.INFORMATIVE)
        await wait_until(pilot, lambda: bool(pane.turns))
        await pilot.press(*"what is a Registry?")
        assert prompt.text == "what is a Registry?"  # typing during a turn is kept
        await pilot.press("enter")
        await pilot.pause()
        queued = [str(s.render()) for s in pane.query(".queued")]
        assert queued == ["queued what is a Registry?  (sent when this answer ends)"]
        assert len(pane.turns) == 1 and prompt.text == ""
        release.set()
        await wait_until(pilot, lambda: len(pane.turns) == 2, timeout=30)
        await wait_until(pilot, lambda: pane.turns[-1].finished, timeout=30)
        assert pane.turns[-1].prompt == "what is a Registry?"
        assert not pane.query(".queued")


async def test_a_queued_prompt_comes_back_when_the_turn_is_stopped(courier: Path) -> None:
    app = make_app(courier)
    release = asyncio.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        prompt = screen.query_one(PromptInput)
        screen.start_turn_stream(CognitiveMode.GENERATIVE, "first", held_turn(release, "abc"))
        pane = screen.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: bool(pane.turns))
        await pilot.press(*"and then?", "enter")
        await pilot.pause()
        assert pane.query(".queued")
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: pane.turns[-1].finished)
        await settle(pilot, app)
        assert prompt.text == "and then?" and len(pane.turns) == 1
        assert not pane.query(".queued")
