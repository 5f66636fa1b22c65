"""The pipeline wired into the main screen: a TaskMaster task chosen in its panel starts a turn
whose request carries the task and the phase gates; the gates view opens on its key; a task whose
changes landed is offered as done through the review screen; an interrupted apply is rolled back
when the app starts."""

from __future__ import annotations

import shutil
from pathlib import Path

from fakeclaude.server import FakeClaude, text_reply
from textual.widgets import OptionList
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.gates import GatesScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.widgets.tasks_panel import TasksPanel

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pipeline"


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def with_tasks(courier: Path) -> Path:
    target = courier / ".taskmaster" / "tasks"
    target.mkdir(parents=True)
    shutil.copy(FIXTURES / "taskmaster_tagged" / ".taskmaster" / "tasks" / "tasks.json", target)
    return courier


async def test_a_chosen_task_starts_a_turn_carrying_the_task_and_the_gates(
    courier: Path, claude_env: FakeClaude
) -> None:
    with_tasks(courier)
    claude_env.enqueue(text_reply("On it.\n\n**Confidence**: high\n"))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await screen.action_toggle_panel("tasks")
        await settle(pilot, app)
        panel = screen.query_one(TasksPanel)
        options = panel.query_one("#tasks-list", OptionList)
        assert app.focused is options
        options.highlighted = 1  # task 2, ready
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(claude_env.message_requests()), timeout=30)
        await wait_until(pilot, lambda: not screen.streaming, timeout=30)
        (request,) = claude_env.message_requests()
        user = request.body["messages"][-1]["content"]
        text = user if isinstance(user, str) else " ".join(b.get("text", "") for b in user)
        assert "Work on TaskMaster task 2: Shift limits" in text
        assert "Check shift end in Courier.Dispatch.assign/2." in text
        assert screen.current_mode is CognitiveMode.GENERATIVE
        assert app.context.conversation.active_task.id  # type: ignore[attr-defined] == "2"


async def test_critical_turns_get_the_phase_gates(courier: Path, claude_env: FakeClaude) -> None:
    claude_env.enqueue(text_reply("Reviewed.\n\n**Confidence**: high\n"))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        screen.send_prompt(CognitiveMode.CRITICAL, "are we ready to ship?")
        await wait_until(pilot, lambda: bool(claude_env.message_requests()), timeout=30)
        await wait_until(pilot, lambda: not screen.streaming, timeout=30)
        (request,) = claude_env.message_requests()
        user = request.body["messages"][-1]["content"]
        text = user if isinstance(user, str) else " ".join(b.get("text", "") for b in user)
        assert "Deployment gate" in text and "mix.exs" in text


async def test_gates_view_opens_on_its_key(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        main_screen(app).action_open_gates()
        await wait_until(pilot, lambda: isinstance(app.screen, GatesScreen), timeout=10)
        await wait_until(pilot, lambda: app.screen.report is not None, timeout=30)  # type: ignore[attr-defined]
        assert app.screen.report.gate("deployment").status.value == "fail"  # type: ignore[attr-defined]


async def test_applied_task_changes_offer_marking_it_done(courier: Path) -> None:
    with_tasks(courier)
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        conversation = app.context.conversation
        listing = screen.side_panel("tasks")
        await screen.action_toggle_panel("tasks")
        await settle(pilot, app)
        assert isinstance(listing, TasksPanel) and listing.listing is not None
        conversation.active_task = listing.listing.find("2.2")  # type: ignore[attr-defined]

        class Landed:
            applied = ("lib/courier/dispatch.ex",)

        screen.offer_task_done(Landed())
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), timeout=10)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert list(review.changeset.proposals) == [".taskmaster/tasks/tasks.json"]
        tasks_json = courier / ".taskmaster" / "tasks" / "tasks.json"
        assert '"status": "pending"' in tasks_json.read_text()  # nothing written yet


async def test_an_interrupted_apply_is_rolled_back_at_start(courier: Path) -> None:
    target = courier / "lib" / "courier.ex"
    original = target.read_bytes()
    changeset = Changeset(courier, source="test")
    changeset.propose_text("lib/courier.ex", original.decode() + "\n# landed\n")
    model = ReviewModel(changeset)
    model.decide_all(True)
    apply_changeset(changeset, model)
    from elixir_pro.changes import journal

    (entry,) = journal.entries(courier)
    (entry.dir / "done").unlink()  # as if the process died before finishing the apply
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
    assert target.read_bytes() == original
    assert any("rolled back" in note for note in app.context.notes)
