"""The context panel lists the project instructions that join the system prompt (AGENTS.md,
CLAUDE.md, usage rules), the budget used and a file left out, and follows the context files
(a file's directory brings its own AGENTS.md)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_support import settle

from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.main import MainScreen


def main_of(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def test_context_panel_lists_the_instruction_sources(courier: Path) -> None:
    (courier / "AGENTS.md").write_text("Never call String.to_atom on input.\n")
    (courier / "lib" / "courier" / "CLAUDE.md").write_text("Locator is the hot path.\n")
    rules = courier / "deps" / "big" / "usage-rules.md"
    rules.parent.mkdir(parents=True)
    rules.write_text("a long rule. " * 4000)
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_of(app)
        await pilot.press("f4")
        await settle(pilot, app)
        box = screen.context_panel.query_one("#context-instructions", Static)
        assert box.display
        lines = str(box.render()).splitlines()
        assert lines[0].startswith("Instructions · ~") and lines[0].endswith("/8,000 tokens")
        assert lines[1] == "AGENTS.md"
        assert lines[2].startswith("deps/big/usage-rules.md — not included (~17,")
        screen.add_context(["lib/courier/locator.ex"])
        await settle(pilot, app)
        lines = str(box.render()).splitlines()
        assert lines[1:3] == ["lib/courier/CLAUDE.md", "AGENTS.md"]
