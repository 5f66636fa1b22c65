"""Pilot tests of the review as the main screen reaches it, on a git copy of the example project
with the offline engine or the fake Messages server: a turn that staged edits opens the review,
the last apply stays reachable (and undoable) with ctrl+g once nothing is pending, undo and
discard from the main screen, the palette and the footer, no announcement of an edit that
staged nothing, and "review my last change" seeing untracked files."""

from __future__ import annotations

from pathlib import Path

from fakeclaude.server import FakeClaude, StreamReply, TextBlock, text_reply, tool_reply
from textual.command import CommandList, CommandPalette
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.changes import journal, store
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.confirm import ConfirmScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.widgets.key_bar import KeyBar
from elixir_pro.tui.widgets.path_line import PathLine
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.status_bar import StatusBar

METRICS = "lib/courier/metrics.ex"


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def send(pilot: object, app: ElixirProApp, text: str) -> None:
    prompt = main_screen(app).query_one(PromptInput)
    prompt.text = text
    prompt.focus()
    await pilot.press("enter")  # type: ignore[attr-defined]


async def stage_fix(pilot: object, app: ElixirProApp) -> None:
    """Ask the offline engine for the safe fixes of metrics.ex (it stages one change)."""
    await send(pilot, app, f"fix {METRICS}")
    pane = main_screen(app).pane(CognitiveMode.GENERATIVE)
    await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished, timeout=30)  # type: ignore[arg-type]


def review_screen(app: ElixirProApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_a_turn_that_staged_edits_opens_the_review(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await stage_fix(pilot, app)
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = review_screen(app)
        assert review.model.paths == [METRICS] and review.phase == "review"


async def test_the_review_waits_for_the_other_panes_answers(
    courier: Path, claude_env: FakeClaude
) -> None:
    """Edits staged in one pane open the review only once no other pane is still answering
    (another turn may stage more into the same changes)."""
    text = (courier / METRICS).read_text()
    claude_env.enqueue(
        StreamReply([TextBlock("slow words " * 150, chunk=5)], delay=0.04),  # ~13 s
        tool_reply(("Read", {"file_path": METRICS})),
        tool_reply(("Write", {"file_path": METRICS, "content": "# Metrics.\n" + text})),
        text_reply("Staged a header comment."),
    )
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        main = main_screen(app)
        await pilot.press("escape", "2")
        await send(pilot, app, "talk slowly")
        critical = main.pane(CognitiveMode.CRITICAL)
        await wait_until(
            pilot, lambda: bool(critical.turns) and bool(critical.turns[-1].text_parts)
        )
        await pilot.press("escape", "1")
        await send(pilot, app, "add a header comment")
        generative = main.pane(CognitiveMode.GENERATIVE)
        await wait_until(
            pilot, lambda: bool(generative.turns) and generative.turns[-1].finished, timeout=30
        )
        assert generative.turns[-1].staged == 1
        assert not critical.turns[-1].finished and app.screen is main  # not yet
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), timeout=60)
        assert critical.turns[-1].finished


async def test_after_apply_ctrl_g_shows_the_last_apply_and_u_undoes_it(courier: Path) -> None:
    before = (courier / METRICS).read_bytes()
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        main = main_screen(app)
        await stage_fix(pilot, app)
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = review_screen(app)
        await pilot.press("A", "enter")
        await wait_until(pilot, lambda: review.phase == "applied", timeout=120)
        assert (courier / METRICS).read_bytes() != before
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main)
        assert main.query_one(StatusBar).pending == 0

        def staged_line() -> str:
            turn = main.pane(CognitiveMode.GENERATIVE).turns[-1]
            (line,) = turn.query(PathLine)
            return line.suffix.plain

        assert staged_line().endswith(": applied")  # no more "ctrl+g to review"
        await pilot.press("ctrl+g")  # nothing pending: the last apply, with its undo
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        again = review_screen(app)
        assert again.phase == "applied"
        text = again.result.plain()
        assert f"modified {METRICS}" in text and "Verification passed" in text
        await pilot.press("u")
        await wait_until(pilot, lambda: again.phase == "undone")
        assert (courier / METRICS).read_bytes() == before
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main)
        assert staged_line().endswith(": undone")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is main  # nothing pending, nothing left to undo: a notice
        assert any("no apply to undo" in n.message for n in app._notifications)


async def test_undo_and_discard_from_the_main_screen_palette_and_footer(courier: Path) -> None:
    before = (courier / METRICS).read_bytes()
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        main = main_screen(app)
        await pilot.press("escape")  # out of the prompt: the footer shows the letter keys

        def footer() -> set[str]:
            return {item.label for item in main.query_one(KeyBar).items()}

        await wait_until(pilot, lambda: {"undo", "discard"} <= footer())
        await pilot.press("i")
        # apply a change, leave the result
        await stage_fix(pilot, app)
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = review_screen(app)
        review.verify = False
        await pilot.press("A", "enter")
        await wait_until(pilot, lambda: review.phase == "applied")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main)
        # undo with its key outside the prompt: a confirmation naming the file, then restored
        await pilot.press("escape", "u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert f"{METRICS}: restored" in app.screen.details  # type: ignore[attr-defined]
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is main)
        assert (courier / METRICS).read_bytes() == before
        assert journal.undoable(courier) == []
        # stage again, leave the review, then discard it from the command palette
        await stage_fix(pilot, app)
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main)
        assert main.query_one(StatusBar).pending == 1 and store.pending(courier)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Discard the staged")

        def first_hit() -> str:
            hits = app.screen.query_one(CommandList)
            return str(hits.get_option_at_index(0).prompt) if hits.option_count else ""

        await wait_until(pilot, lambda: "Discard the staged changes" in first_hit())
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is main)
        await settle(pilot, app)
        assert main.query_one(StatusBar).pending == 0
        assert store.pending(courier) == []
        assert (courier / METRICS).read_bytes() == before


async def test_an_edit_identical_to_the_file_is_not_announced(
    courier: Path, claude_env: FakeClaude
) -> None:
    same = (courier / METRICS).read_text()
    claude_env.enqueue(
        tool_reply(("Read", {"file_path": METRICS})),
        tool_reply(("Write", {"file_path": METRICS, "content": same})),
        text_reply("Nothing needed changing."),
    )
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        main = main_screen(app)
        await send(pilot, app, "tidy the metrics module")
        pane = main.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished, timeout=30)
        await settle(pilot, app)
        turn = pane.turns[-1]
        assert not turn.query(".staged")  # no "staged modify … (+0 -0) ctrl+g to review"
        assert turn.staged == 0
        assert main.query_one(StatusBar).pending == 0
        assert app.screen is main


async def test_review_my_last_change_includes_untracked_files(
    courier: Path, claude_env: FakeClaude
) -> None:
    """An untracked file (named with a non-ASCII letter, which git quotes unless asked not to)
    is reviewed, also when the watcher's last batch holds a save that was reverted since."""
    claude_env.enqueue(text_reply("Looks fine.\n\n**Confidence**: high"))
    (courier / "lib" / "courier" / "café.ex").write_text("defmodule Courier.Cafe do\nend\n")
    app = ElixirProApp(courier, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        main = main_screen(app)
        await wait_until(pilot, lambda: main.query_one(StatusBar).watcher == "on", timeout=30)
        original = (courier / METRICS).read_bytes()
        (courier / METRICS).write_bytes(original + b"# a note\n")
        await wait_until(pilot, lambda: METRICS in main.last_batch, timeout=30)
        (courier / METRICS).write_bytes(original)  # the save is undone: no diff left for it
        await pilot.press("ctrl+r")
        pane = main.pane(CognitiveMode.CRITICAL)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished, timeout=20)
        await settle(pilot, app)
        assert not any("No changed files" in n.message for n in app._notifications)
    sent = str(claude_env.message_requests()[-1].body["messages"])
    assert "lib/courier/café.ex" in sent and "+defmodule Courier.Cafe do" in sent
