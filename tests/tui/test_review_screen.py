"""Pilot tests: the review screen driven with its keys, asserting on decisions, the pending
store and the files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_review_support import SAMPLE, Host, sample_changeset, sample_project
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from elixir_pro.changes import store
from elixir_pro.changes.decisions import DecisionState
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.widgets.diff_view import DiffView

COUNTER = "lib/counter.ex"


async def settle_apply(pilot: Pilot[None]) -> None:
    """After enter: the verify worker finishes; then esc closes the result (the screen
    dismisses with the outcome)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    if isinstance(screen, ReviewScreen) and screen.phase in ("applied", "undone"):
        await pilot.press("escape")
        await pilot.pause()


def screen_of(app: Host) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def test_accept_reject_with_reason_edit_then_apply(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        model = screen.model
        assert screen.current_path == COUNTER and screen.query_one(DiffView).current == 0
        await pilot.press("a")  # accept hunk 1, moves to hunk 2
        assert model.decision(COUNTER, 0).state is DecisionState.ACCEPTED
        assert screen.query_one(DiffView).current == 1
        await pilot.press("r", *"guards belong elsewhere", "enter")
        decision = model.decision(COUNTER, 1)
        assert decision.state is DecisionState.REJECTED
        assert decision.reason == "guards belong elsewhere"
        assert not screen.query_one(Input).has_class("-visible")
        assert screen.query_one(DiffView).current == 2
        await pilot.press("e")
        area = screen.query_one(TextArea)
        assert "handle_info" in area.text
        area.select_all()
        await pilot.press(*"  # no catch-all on purpose", "ctrl+s")
        assert model.decision(COUNTER, 2).state is DecisionState.EDITED
        assert not screen.query(TextArea)
        # the saved decisions are in the pending store already
        (pending,) = store.pending(root)
        assert pending.proposals[COUNTER].decisions == model.changeset.proposals[COUNTER].decisions
        await pilot.press("enter")
        await settle_apply(pilot)
    (outcome,) = app.results
    assert outcome is not None and outcome.ok
    text = (root / COUNTER).read_text()
    assert '@moduledoc "A supervised counter process."' in text  # accepted
    assert "def init(count) do" in text  # rejected
    assert "  # no catch-all on purpose\nend\n" in text  # the edited text landed
    assert "handle_info" not in text
    assert (root / "notes.md").read_text() == (SAMPLE / "notes.md").read_text()  # undecided
    assert "guards belong elsewhere" in outcome.render_text()
    assert outcome.verification is not None  # verified after apply (here: no mix project)
    assert outcome.verification.steps == ("not a mix project (no mix.exs)",)
    assert store.pending(root) == []


async def test_escape_leaves_without_applying_and_keeps_it_pending(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    before = (root / COUNTER).read_bytes()
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("A", "escape")
        await pilot.pause()
    assert app.results == [None]
    assert (root / COUNTER).read_bytes() == before
    (pending,) = store.pending(root)
    decisions = pending.proposals[COUNTER].decisions
    assert [d.state for d in decisions.values()] == [DecisionState.ACCEPTED] * 3
    # reopening shows the saved decisions
    app2 = Host(pending)
    async with app2.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app2)
        assert screen.model.decision(COUNTER, 2).state is DecisionState.ACCEPTED
        await pilot.press("enter")
        await settle_apply(pilot)
    assert (root / COUNTER).read_text() == (SAMPLE / "counter.proposed.ex").read_text()


async def test_enter_applies_only_accepted_hunks(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "space")  # accept only the third hunk
        await pilot.press("tab", "R")  # reject the whole notes file
        screen = screen_of(app)
        assert screen.current_path == "notes.md"
        assert screen.model.decision("notes.md", 0).state is DecisionState.REJECTED
        await pilot.press("enter")
        await settle_apply(pilot)
    base = (SAMPLE / "counter.ex").read_text()
    expected = base.replace(
        "    {:reply, count, count}\n  end\nend\n",
        "    {:reply, count, count}\n  end\n\n  @impl true\n"
        "  def handle_info(_msg, count), do: {:noreply, count}\nend\n",
    )
    assert (root / COUNTER).read_text() == expected
    assert (root / "notes.md").read_text() == (SAMPLE / "notes.md").read_text()


async def test_split_toggle_and_toggle_key(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        view = screen_of(app).query_one(DiffView)
        assert not view.split
        await pilot.press("s")
        assert view.split
        line = view.render_line(2).text
        assert "│" in line and "moduledoc" in line
        await pilot.press("space", "space")
        assert screen_of(app).model.decision(COUNTER, 0).state is DecisionState.REJECTED
        await pilot.press("s")
        assert not view.split


async def test_conflict_is_shown_then_rediff_and_apply(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("A")
        changed = (root / COUNTER).read_text().replace("A counter", "A shared counter")
        (root / COUNTER).write_text(changed)
        await pilot.press("enter")
        await settle_apply(pilot)
        screen = screen_of(app)
        assert screen.conflicted == [COUNTER]
        assert screen.query_one("#review-conflicts").has_class("-visible")
        assert (root / COUNTER).read_text() == changed  # nothing overwritten
        await pilot.press("d")
        assert screen.conflicted == []
        assert screen.model.decision(COUNTER, 0).state is DecisionState.UNDECIDED
        await pilot.press("A", "enter")
        await settle_apply(pilot)
    assert app.results and app.results[0] is not None
    assert (root / COUNTER).read_text() == (SAMPLE / "counter.proposed.ex").read_text()


async def test_human_gate_blocks_apply_until_acknowledged(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    app = Host(sample_changeset(root, gate_required=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("A", "enter")
        await settle_apply(pilot)
        assert app.results == []
        assert (root / COUNTER).read_text() == (SAMPLE / "counter.ex").read_text()
        await pilot.press("g", "enter")
        await settle_apply(pilot)
    assert app.results and app.results[0] is not None
    assert (root / COUNTER).read_text() == (SAMPLE / "counter.proposed.ex").read_text()


async def test_edit_cancelled_with_escape_and_reason_skipped(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        await pilot.press("e")
        assert screen.query(TextArea)
        await pilot.press(*"typed", "escape")
        assert not screen.query(TextArea)
        assert screen.model.decision(COUNTER, 0).state is DecisionState.UNDECIDED
        await pilot.press("r", "escape")  # reject, skip the reason; esc does not leave
        assert screen.model.decision(COUNTER, 0).reason == ""
        assert screen.model.decision(COUNTER, 0).state is DecisionState.REJECTED
        assert app.screen is screen and app.results == []
        await pilot.press("u")  # nothing applied yet: undo says so, nothing changes
        await pilot.pause()
    assert (root / COUNTER).read_text() == (SAMPLE / "counter.ex").read_text()


async def test_edited_rows_show_then_accept_file_replaces_the_edit(tmp_path: Path) -> None:
    from elixir_pro.tui.widgets.diff_rows import EDITED

    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        view = screen.query_one(DiffView)
        await pilot.press("e")
        screen.query_one(TextArea).select_all()
        await pilot.press(*'  @moduledoc "Edited."', "ctrl+s")
        assert [r for r in view._rows if r.kind == EDITED]
        assert "Edited." in "".join(view.render_line(y).text for y in range(8))
        await pilot.press("A")
        assert not [r for r in view._rows if r.kind == EDITED]
        assert screen.model.decision(COUNTER, 0).state is DecisionState.ACCEPTED


def test_long_paths_lose_their_middle_in_the_file_list() -> None:
    from elixir_pro.tui.widgets.file_list import short_path

    assert short_path("lib/a.ex") == "lib/a.ex"
    long = "lib/courier/reporting/supervisor.ex"
    assert short_path(long) == "lib/…/reporting/supervisor.ex"


async def test_keys_arriving_together_keep_their_order(tmp_path: Path) -> None:
    """A fast "A" then tab (one terminal read) must accept the file before moving on."""
    from textual import events

    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        app.post_message(events.Key("A", "A"))
        app.post_message(events.Key("tab", "\t"))
        await pilot.pause()
        await pilot.pause()
        assert screen.current_path == "notes.md"
        assert screen.model.decision(COUNTER, 2).state is DecisionState.ACCEPTED
        assert screen.model.decision("notes.md", 0).state is DecisionState.UNDECIDED


async def test_text_typed_then_ctrl_s_together_lands_whole(tmp_path: Path) -> None:
    from textual import events

    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = screen_of(app)
        await pilot.press("j", "j", "e")
        area = screen.query_one(TextArea)
        area.select_all()
        for ch in "# x":
            app.post_message(events.Key("space" if ch == " " else ch, ch))
        app.post_message(events.Key("ctrl+s", None))
        await pilot.pause()
        await pilot.pause()
        assert screen.model.hunk_new_text(COUNTER, 2) == "# x\n"


@pytest.mark.parametrize(
    ("path", "lexer"),
    [
        ("lib/courier/dispatch.ex", "ElixirLexer"),
        ("test/courier_test.exs", "ElixirLexer"),
        ("assets/js/app.py", "PythonLexer"),
        ("priv/notes.unknownext", "TextLexer"),
    ],
)
def test_diff_lexers_by_file(path: str, lexer: str) -> None:
    from elixir_pro.tui.widgets.diff_rows import lex_lines, lexer_for

    chosen = lexer_for(path)
    assert type(chosen).__name__ == lexer
    # Lines keep their ends as they are (no stripping), one token list per line.
    assert len(lex_lines(chosen, ["  def run(x) do\n", "\n", "  end\n"])) == 3
