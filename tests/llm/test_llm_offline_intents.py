"""The offline backend answers what the prompt asks, about what it names, on a real temp git
copy of examples/courier with the real engine: a create request stages only what it creates,
a review is a review in any pane, fixes are scoped to the file and rules asked, a review sees
the staged state, comparisons answer both sides from the knowledge base and the project's
code, and a panel's decision maker says where the members agree and differ."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from elixir_pro.agent.envelope import parse_envelope
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.changes.changeset import Changeset
from elixir_pro.conversation.ensemble import run_panel
from elixir_pro.conversation.workspace import open_workspace
from elixir_pro.engine.uses import FACT_PATTERNS
from elixir_pro.events import CoreEvent, EditProposed, TextDelta, TurnFinished
from elixir_pro.knowledge import comparisons
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.offline_backend import OfflineBackend

REPO = Path(__file__).resolve().parents[2]
LOCATOR = "lib/courier/locator.ex"
METRICS = "lib/courier/metrics.ex"
ENVELOPE_FIELDS = (
    "Result",
    "Confidence",
    "Uncertainty Factors",
    "Verification",
    "OpenSpec Compliance",
    "Pipeline Impact",
    "Human Gate Required",
)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def courier(tmp_path: Path) -> Path:
    """examples/courier copied into a fresh git repository (one commit)."""
    root = tmp_path / "courier"
    ignore = shutil.ignore_patterns("_build", "deps")
    shutil.copytree(REPO / "examples" / "courier", root, ignore=ignore)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "add", ".")
    _git(root, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "i")
    return root


def turn(
    root: Path,
    prompt: str,
    mode: CognitiveMode,
    tools: ToolMode = ToolMode.SOLUTION,
    changeset: Changeset | None = None,
) -> TurnRequest:
    return TurnRequest(
        prompt=prompt,
        cognitive_mode=mode,
        tool_mode=tools,
        role=EnsembleRole.SOLO,
        project_root=root,
        changeset=changeset if changeset is not None else Changeset(root, source="test"),
    )


async def answer(req: TurnRequest) -> tuple[str, list[EditProposed]]:
    events: list[CoreEvent] = [e async for e in OfflineBackend(req.project_root).stream_turn(req)]
    final = events[-1]
    assert isinstance(final, TurnFinished)
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert final.text == text
    return text, [e for e in events if isinstance(e, EditProposed)]


def disk(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }


def section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading) + len(heading)
    following = re.search(rf"^#{{1,{len(level)}}} ", text[start:], re.MULTILINE)
    return text[start : start + following.start()] if following else text[start:]


def assert_envelope_paragraphs(text: str) -> None:
    for name in ENVELOPE_FIELDS:
        assert f"\n\n**{name}**:" in text, name  # its own paragraph
    labels = re.findall(r"\*\*([A-Z][\w ]+)\*\*:", text[text.index("**Result**") :])
    assert tuple(labels) == ENVELOPE_FIELDS


@pytest.mark.mix
async def test_a_create_request_stages_only_what_it_creates(courier: Path) -> None:
    before = disk(courier)
    req = turn(
        courier,
        "Write a DynamicSupervisor that starts one CartSession process per user",
        CognitiveMode.GENERATIVE,
    )
    text, edits = await answer(req)
    assert req.changeset is not None
    staged = sorted(req.changeset.proposals)
    assert sorted(e.path for e in edits) == staged
    assert "lib/courier/application.ex" in staged
    assert all("cart_session" in p for p in staged if p != "lib/courier/application.ex")
    assert LOCATOR not in staged and METRICS not in staged  # no unrelated autofix
    supervisor_edit = req.changeset.view("lib/courier/application.ex") or ""
    assert "CartSession" in supervisor_edit and "after" not in supervisor_edit
    assert "cannot write new code" not in text
    assert "## Implementation" in text and "`lib/courier/application.ex` (edited" in text
    assert_envelope_paragraphs(text)
    assert disk(courier) == before


async def test_a_review_in_the_generative_pane_is_a_review(courier: Path) -> None:
    before = disk(courier)
    req = turn(courier, "Review lib/courier/locator.ex", CognitiveMode.GENERATIVE)
    text, edits = await answer(req)
    assert edits == [] and req.changeset is not None and len(req.changeset) == 0
    assert "## Summary" in text and "## Findings" in text and "## Recommendations" in text
    assert "### [HIGH] receive without an after clause" in text
    assert f"- **Location**: {LOCATOR}:19" in text
    assert f'ask "fix {LOCATOR}" to stage it' in text
    assert METRICS not in section(text, "## Findings")  # only the file asked about
    assert "cannot write new code" not in text
    assert_envelope_paragraphs(text)
    envelope = parse_envelope(text)
    assert envelope.confidence_label == "medium" and envelope.human_gate is False
    assert disk(courier) == before


async def test_a_scoped_fix_touches_one_file(courier: Path) -> None:
    req = turn(courier, f"fix {LOCATOR}", CognitiveMode.GENERATIVE)
    text, edits = await answer(req)
    assert [e.path for e in edits] == [LOCATOR]
    assert req.changeset is not None and sorted(req.changeset.proposals) == [LOCATOR]
    assert "after" in (req.changeset.view(LOCATOR) or "")
    assert f"- `{LOCATOR}` (+2 −0): receive without an after clause (line 19)" in text


async def test_a_fix_limited_to_the_rules_asked(courier: Path) -> None:
    catch_all = turn(courier, f"add a catch-all to {METRICS}", CognitiveMode.CRITICAL)
    _, edits = await answer(catch_all)
    assert [e.path for e in edits] == [METRICS]
    other_rule = turn(courier, f"fix the missing @impl in {LOCATOR}", CognitiveMode.GENERATIVE)
    text, edits = await answer(other_rule)
    assert edits == [] and other_rule.changeset is not None and len(other_rule.changeset) == 0
    assert "found nothing with a safe autofix" in text and "`missing-impl`" in text


async def test_project_wide_fixes_need_a_request_that_asks(courier: Path) -> None:
    vague = turn(courier, "fix it", CognitiveMode.GENERATIVE)
    text, edits = await answer(vague)
    assert edits == [] and vague.changeset is not None and len(vague.changeset) == 0
    assert "Nothing was staged: say what to fix" in text
    assert f"- `{LOCATOR}`: 1× `receive-without-after`" in text
    assert f'- "fix {LOCATOR}"' in text and '- "fix all"' in text
    everything = turn(courier, "fix all safe findings across the project", CognitiveMode.CRITICAL)
    _, edits = await answer(everything)
    assert sorted(e.path for e in edits) == [LOCATOR, METRICS]


async def test_a_review_with_staged_fixes_still_names_its_findings(courier: Path) -> None:
    changeset = Changeset(courier, source="test")
    _, edits = await answer(
        turn(courier, f"fix {LOCATOR}", CognitiveMode.GENERATIVE, changeset=changeset)
    )
    assert [e.path for e in edits] == [LOCATOR]
    review = turn(
        courier, f"review {LOCATOR}", CognitiveMode.CRITICAL, ToolMode.AUDIT, changeset=changeset
    )
    text, edits = await answer(review)
    assert edits == []
    assert "found 1 finding(s) (1 high)" in text and "nothing needs fixing" not in text.lower()
    finding = section(text, "### [HIGH] receive without an after clause")
    assert f"- **Location**: {LOCATOR}:19" in finding
    assert "- **Staged**: a fix is staged for your review (ctrl+g)" in finding
    assert "stage it" not in finding  # not offered again
    assert "Fixes for 1 of them are staged" in section(text, "## Recommendations")
    result = parse_envelope(text).result or ""
    assert "as on disk; fixes for 1 of them are staged for review" in result

    assess = turn(
        courier,
        f"is {LOCATOR} sound?",
        CognitiveMode.EVALUATIVE,
        ToolMode.AUDIT,
        changeset=changeset,
    )
    text, _ = await answer(assess)
    line = next(t for t in text.splitlines() if "`receive-without-after`" in t)
    assert f"e.g. {LOCATOR}:19" in line and "Fixes for 1 of them are staged" in line


async def test_registry_vs_global_answers_both_sides_from_the_project(courier: Path) -> None:
    text, edits = await answer(turn(courier, "Registry vs :global", CognitiveMode.EVALUATIVE))
    assert edits == []
    assert text.count("### ") == 2
    registry, global_ = section(text, "### Registry"), section(text, "### :global")
    for side in (registry, global_):
        for field in ("**Strengths**", "**Costs**", "**Choose it when**", "**Sources**: https://"):
            assert field in side
    assert "- **In this project**: used, e.g. at lib/courier/application.ex:15" in registry
    assert "https://hexdocs.pm/elixir/Registry.html" in registry
    assert "- **In this project**: not used" in global_
    assert "https://www.erlang.org/doc/man/global.html" in global_
    assert "_Also in this comparison_: **:pg**" in text
    assert "It uses **Registry**; it does not use **:global**." in section(
        text, "## For this project"
    )
    assert_envelope_paragraphs(text)
    assert parse_envelope(text).human_gate is False

    leader = courier / "lib" / "courier" / "leader.ex"
    leader.write_text(
        "defmodule Courier.Leader do\n  use GenServer\n\n"
        "  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, "
        "name: {:global, __MODULE__})\n\n"
        "  @impl true\n  def init(:ok), do: {:ok, nil}\nend\n"
    )
    text, _ = await answer(turn(courier, "registry vs :global?", CognitiveMode.GENERATIVE))
    assert "- **In this project**: used, e.g. at lib/courier/leader.ex:4" in text
    assert "It uses **Registry** and **:global**." in text


async def test_distribution_choices_go_to_the_human_gate(courier: Path) -> None:
    text, _ = await answer(
        turn(courier, "single node or distributed Erlang?", CognitiveMode.EVALUATIVE)
    )
    assert "### Single node" in text and "### Distributed Erlang" in text
    assert "- **In this project**: yes: the code shows none of `distribution`" in text
    assert "It uses **Single node**; it does not use **Distributed Erlang**." in text
    assert parse_envelope(text).human_gate is True


def test_the_knowledge_base_covers_the_evaluative_choices_with_sources() -> None:
    ids = {c.id for c in comparisons()}
    assert ids == {
        "genserver-agent-task",
        "registry-global-pg",
        "ets-vs-process-state",
        "dynamic-vs-partition-supervisor",
        "liveview-vs-controllers",
        "single-node-vs-distributed",
        "genstage-broadway-vs-async-stream",
    }
    for comparison in comparisons():
        for option in comparison.options:
            assert option.sources and option.strengths and option.costs, option.name
            assert all(
                re.match(r"https://(hexdocs\.pm|www\.erlang\.org)/", s) for s in option.sources
            ), option.name
            assert set(option.uses) | set(option.absent) <= set(FACT_PATTERNS), option.name


async def test_a_prompt_the_engine_cannot_answer_says_what_works(courier: Path) -> None:
    text, edits = await answer(turn(courier, "tidy the metrics module", CognitiveMode.GENERATIVE))
    assert edits == []
    assert "## What the offline engine answers" in text
    for example in ('"Registry vs :global"', '"fix all"', '"explain GenServer.call/3"'):
        assert example in text
    assert "Write a DynamicSupervisor that starts one CartSession process per user" in text
    assert re.search(r'"review lib/courier/\w+\.ex"', text)


async def test_the_panel_decision_names_agreement_and_difference(courier: Path) -> None:
    workspace = await open_workspace(courier, offline=True, env={})
    events = [e async for e in run_panel(workspace, LOCATOR)]
    finals = [e for e in events if isinstance(e.event, TurnFinished)]
    decision = finals[-1]
    assert (
        decision.mode is CognitiveMode.EVALUATIVE and decision.role is EnsembleRole.DECISION_MAKER
    )
    assert isinstance(decision.event, TurnFinished)
    text = decision.event.text
    assert f"## Panel decision\nThe question: {LOCATOR}\n" in text
    members = section(text, "### What each member answered")
    for mode in ("generative", "critical", "informative"):
        assert f"- **{mode}** (" in members
    agree = section(text, "### Where they agree")
    assert f"- `{LOCATOR}` is named by critical, informative and evaluative." in agree
    differ = section(text, "### Where they differ")
    assert "- Only critical names receive without an after clause." in differ
    assert "- Only informative names Courier.Locator." in differ
    levels = "generative low, critical medium, informative medium, evaluative medium"
    assert f"- Confidence differs: {levels}." in differ
    own = text[text.index("### Decision (evaluative mode, on the question)") :]
    assert "\n#### Supervision map" in own and f"e.g. {LOCATOR}:19" in own
    assert_envelope_paragraphs(text)
    assert len(workspace.changeset) == 0  # members read-only; the decision staged nothing


async def test_fix_it_after_a_review_fixes_the_file_reviewed(courier: Path) -> None:
    workspace = await open_workspace(courier, offline=True, env={})
    session = workspace.session(CognitiveMode.GENERATIVE)
    first = [e async for e in session.send(f"Review {LOCATOR}")]
    assert not [e for e in first if isinstance(e, EditProposed)]
    second = [e async for e in session.send("fix it")]
    assert [e.path for e in second if isinstance(e, EditProposed)] == [LOCATOR]
    assert sorted(workspace.changeset.proposals) == [LOCATOR]


async def test_panel_members_look_at_a_comparison_through_their_own_mode(courier: Path) -> None:
    workspace = await open_workspace(courier, offline=True, env={})
    events = [e async for e in run_panel(workspace, "Registry vs :global")]
    texts = {e.mode: e.event.text for e in events if isinstance(e.event, TurnFinished)}
    assert "### Registry" in texts[CognitiveMode.GENERATIVE]  # the comparison itself
    critical = texts[CognitiveMode.CRITICAL]  # a review of the files that use them
    assert "## Findings" in critical and "`lib/courier/application.ex`" in critical
    assert "### `Registry`" in texts[CognitiveMode.INFORMATIVE]  # their docs
    agree = section(texts[CognitiveMode.EVALUATIVE], "### Where they agree")
    assert "- Registry is named by generative, informative and evaluative." in agree
    assert (
        "- `lib/courier/application.ex` is named by generative, critical and evaluative." in agree
    )
    own = texts[CognitiveMode.EVALUATIVE].split("### Decision (evaluative mode, on the question)")[
        1
    ]
    assert "##### Registry" in own and "##### :global" in own


async def test_a_path_that_does_not_exist_is_not_answered_as_the_whole_project(
    courier: Path,
) -> None:
    typo = turn(courier, "fix lib/courier/locater.ex", CognitiveMode.GENERATIVE)
    text, edits = await answer(typo)
    assert edits == []
    assert "- `lib/courier/locater.ex` is not a file or folder of this project." in text
    assert f"Did you mean `{LOCATOR}`" in text and "## Findings" not in text


async def test_explain_a_module_and_a_function_of_the_project(courier: Path) -> None:
    prompt = "explain Courier.DriverServer and Courier.DriverServer.assign/2"
    text, _ = await answer(turn(courier, prompt, CognitiveMode.GENERATIVE))
    module = section(text, "### `Courier.DriverServer` (this project: ")
    assert "- **Process**: genserver, started by `Courier.DriverSupervisor`" in module
    assert "`assign/2`" in module and "One process per active driver" in module
    function = section(text, "### `Courier.DriverServer.assign/2` (this project: ")
    assert "Gives the driver a delivery" in function
    assert "def assign(driver_id, delivery_id) do\n  GenServer.call(" in function


async def test_a_create_request_no_generator_serves_lists_what_can_be_generated(
    courier: Path,
) -> None:
    text, edits = await answer(turn(courier, "Write a websocket handler", CognitiveMode.GENERATIVE))
    assert edits == []
    assert "No generator matches this request, so nothing was staged." in text
    assert '- GenServer: "Write a GenServer named Inventory"' in text
    assert "- DynamicSupervisor with a per-key process and a Registry: " in text


@pytest.mark.mix
async def test_a_create_request_in_the_audit_tool_mode_stages_nothing(courier: Path) -> None:
    req = turn(
        courier, "Write a GenServer named Inventory", CognitiveMode.GENERATIVE, ToolMode.AUDIT
    )
    text, edits = await answer(req)
    assert edits == [] and req.changeset is not None and len(req.changeset) == 0
    assert "the audit tool mode is read-only" in text
    assert "- `lib/courier/inventory.ex`" in text and "- `lib/courier/application.ex`" in text
