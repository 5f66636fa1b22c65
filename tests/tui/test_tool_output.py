"""Pilot test of a Bash tool row holding colour output: the real ``mix test --color`` run on the
example project through the fake Messages server's tool call, shown as styled text with its
exit status, never as raw escape sequences; and the ANSI reader on its own."""

from __future__ import annotations

from pathlib import Path

from fakeclaude.server import FakeClaude, text_reply, tool_reply
from rich.text import Text
from textual.geometry import Region
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.tui.ansi import ansi_text, exit_status
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.bash_approval import BashApprovalScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.tool_row import ToolRow


async def test_mix_test_color_output_is_styled_text_with_its_exit_status(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(
        tool_reply(("Bash", {"command": "mix test --color", "description": "run the tests"})),
        text_reply("The tests pass."),
    )
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        main = app.screen
        assert isinstance(main, MainScreen)
        prompt = main.query_one(PromptInput)
        prompt.text = "run the tests"
        prompt.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, BashApprovalScreen), timeout=20)
        await pilot.press("y")
        turn = main.pane(CognitiveMode.GENERATIVE).turns[-1]
        await wait_until(pilot, lambda: turn.finished, timeout=180)
        await settle(pilot, app)
        (row,) = turn.query(ToolRow)
        assert row.title.endswith("· exit 0"), row.title
        row.collapsed = False
        await settle(pilot, app)
        shown = row._body.content
        assert isinstance(shown, Text)
        assert "0 failures" in shown.plain and "\x1b" not in shown.plain
        assert "[32m" not in shown.plain and shown.spans  # the codes became styles, not text
        width = row._body.size.width
        strips = row._body.render_lines(Region(0, 0, width, row._body.size.height))
        drawn = "".join(segment.text for strip in strips for segment in strip)
        assert "0 failures" in drawn and "\x1b" not in drawn


def test_ansi_text_keeps_colours_and_drops_every_other_control() -> None:
    raw = (
        "\x1b]0;window title\x07\x1b[2J\x1b[H\x1b[?25l"  # title, clear, home, hide cursor
        "\x1b[32m23 tests, \x1b[1m0 failures\x1b[0m\n"
        "progress 10%\rprogress 100%\n"
        "bell\x07 back\x08space \x1b(Bcharset \x1bMreverse-index\n"
    )
    text = ansi_text(raw)
    assert text.plain == (
        "23 tests, 0 failures\nprogress 100%\nbell backspace charset reverse-index\n"
    )
    assert all(ord(ch) >= 32 or ch == "\n" for ch in text.plain)
    green_bold = {
        (span.start, span.end, span.style.color.number, bool(span.style.bold))
        for span in text.spans
        if not isinstance(span.style, str) and span.style.color
    }
    assert green_bold == {(0, 10, 2, False), (10, 20, 2, True)}  # "23 tests, " / "0 failures"


def test_exit_status_of_a_bash_result() -> None:
    assert exit_status("Exit code: 2\n\nstdout:\nboom") == "exit 2"
    assert exit_status("Command timed out after 120 s; its process group was killed.") == (
        "timed out"
    )
    assert exit_status("Command refused: the user denied running it.") is None
