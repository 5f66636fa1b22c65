"""Pilot tests of the main screen without Claude: panes, keys, tool modes, panels, help,
themes, the prompt's history and ``@path`` completion."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.help import HelpScreen
from elixir_pro.tui.screens.human_gate import HumanGateScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.themes import load_theme_choice
from elixir_pro.tui.widgets.mode_tabs import ModeTabs
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.status_bar import StatusBar


def _palette_first(app: ElixirProApp) -> str:
    found = app.screen.query(CommandList)
    if not found or found.first().option_count == 0:
        return ""
    return str(found.first().get_option_at_index(0).prompt)


def make_app(root: Path, **kwargs: object) -> ElixirProApp:
    kwargs.setdefault("watch", False)
    return ElixirProApp(root, offline=True, **kwargs)  # type: ignore[arg-type]


async def test_opens_on_the_agents_default_mode_with_the_prompt_focused(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.current_mode is CognitiveMode.GENERATIVE  # agent: default generative
        assert isinstance(app.focused, PromptInput)
        assert screen.query_one(StatusBar).tool_mode == "solution"  # agent: default_mode


async def test_keys_switch_panes_from_the_prompt_and_from_the_pane(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        prompt = screen.query_one(PromptInput)
        await pilot.press("ctrl+n")
        assert screen.current_mode is CognitiveMode.CRITICAL
        assert prompt.text == ""  # the chord did not type into the prompt
        await pilot.press("alt+3")  # escape then 3 typed quickly: leaves the prompt, no text
        assert screen.current_mode is CognitiveMode.EVALUATIVE
        assert prompt.text == ""
        status = screen.query_one(StatusBar)
        assert status.nav
        await pilot.press("i", "2")  # back in the prompt, a digit is text
        assert prompt.text == "2" and screen.current_mode is CognitiveMode.EVALUATIVE
        prompt.text = ""
        assert not status.nav
        await pilot.press("escape")  # leave the prompt; single keys now work
        assert status.nav and "KEYS" in str(status.render())
        await pilot.press("3")
        assert screen.current_mode is CognitiveMode.EVALUATIVE
        await pilot.press("4")
        assert screen.query_one(ModeTabs).active is CognitiveMode.INFORMATIVE
        shown = [m for m in CognitiveMode if screen.pane(m).display]
        assert shown == [CognitiveMode.INFORMATIVE]
        await pilot.press("1")
        assert screen.current_mode is CognitiveMode.GENERATIVE
        await pilot.press("i")
        assert isinstance(app.focused, PromptInput) and not status.nav


async def test_typing_digits_in_the_prompt_types_them(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("2", "t")
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert app.screen.query_one(PromptInput).text == "2t"
        assert screen.current_mode is CognitiveMode.GENERATIVE
        assert screen.query_one(StatusBar).tool_mode == "solution"


async def test_tool_mode_cycles_and_the_status_bar_shows_it_at_once(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        status = screen.query_one(StatusBar)
        seen = []
        for _ in range(3):
            await pilot.press("ctrl+t")
            seen.append((screen.tool_mode.value, status.tool_mode))
        assert seen == [("research", "research"), ("audit", "audit"), ("solution", "solution")]
        assert "research" not in str(status.render())
        await pilot.press("escape", "t")
        assert "research" in str(status.render())


async def test_help_screen_lists_every_key(courier: Path) -> None:
    from elixir_pro.tui import keys
    from elixir_pro.tui.screens.help import help_rows

    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        listed = " ".join(k for k, _ in help_rows())
        for action in keys.ACTIONS:
            if "show_pane" in action.action:
                assert keys.PANE_KEYS in listed
            else:
                assert keys.display_keys(action.keys) in listed
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_prompt_history_walks_with_up_and_down(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        prompt = app.screen.query_one(PromptInput)
        prompt.remember("first question")
        prompt.remember("second question")
        await pilot.press("d", "r", "a", "f", "t")
        await pilot.press("up")
        assert prompt.text == "second question"
        await pilot.press("up")
        assert prompt.text == "first question"
        await pilot.press("down", "down")
        assert prompt.text == "draft"


async def test_multi_line_entry_and_enter_sends(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("a", "ctrl+j", "b")
        assert app.screen.query_one(PromptInput).text == "a\nb"
        await pilot.press("enter")
        await settle(pilot, app)
        turn = screen.pane(CognitiveMode.GENERATIVE).last_turn
        assert turn is not None and turn.prompt == "a\nb"
        assert screen.query_one(PromptInput).text == ""


async def test_at_mention_completes_and_adds_the_file_to_the_context(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        prompt = app.screen.query_one(PromptInput)
        await wait_until(pilot, lambda: bool(prompt.candidates))
        await pilot.press(*"explain @mix.e")
        await pilot.press("tab")
        assert prompt.text == "explain @mix.exs "
        await pilot.press("enter")
        await settle(pilot, app)
        assert screen.context_files == ["mix.exs"]
        if isinstance(app.screen, HumanGateScreen):  # the offline answer may escalate
            await pilot.press("escape")
        await pilot.press("f4")
        assert screen.query_one("#context-panel").display


async def test_theme_switch_from_the_palette_persists(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert app.theme == "elixir-dark"
        await pilot.press("ctrl+p")
        await pilot.press(*"Theme: elixir-light")
        await wait_until(pilot, lambda: _palette_first(app).startswith("Theme: elixir-light"))
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: app.theme == "elixir-light")
    assert load_theme_choice() == "elixir-light"
    again = make_app(courier, analyze=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot, again)
        assert again.theme == "elixir-light"


async def test_clicking_a_tab_shows_its_pane(courier: Path) -> None:
    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        labels = ModeTabs.labels()
        x = sum(len(label) + 1 for _, label in labels[:2]) + 2  # inside " 3 evaluative "
        await pilot.click(ModeTabs, offset=(x, 0))
        assert screen.current_mode is CognitiveMode.EVALUATIVE


async def test_long_answers_stream_in_segments_that_keep_code_blocks_whole(
    courier: Path,
) -> None:
    from textual.widgets import Markdown

    from elixir_pro.events import TextDelta, TurnFinished

    section = (
        "Some prose about supervisors and restarts.\n\n"
        "```elixir\ndefmodule A do\n\n  def f, do: :ok\n\nend\n```\n\n"
        "- a list item\n- another\n\n"
    )
    text = section * 120  # ~11 KB: several segments

    async def fragments():  # type: ignore[no-untyped-def]
        for start in range(0, len(text), 5):
            yield TextDelta(text[start : start + 5])
        yield TurnFinished(text)

    app = make_app(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.start_turn_stream(CognitiveMode.GENERATIVE, "long", fragments())
        await settle(pilot, app)
        turn = screen.pane(CognitiveMode.GENERATIVE).turns[-1]
        assert turn.finished and turn.text == text
        segments = list(turn.query(Markdown))
        assert len(segments) > 1
        assert "".join(m.source for m in segments) == text
        assert all(m.source.count("```") % 2 == 0 for m in segments)
