"""The generators without ``mix``: reading create requests, the children-list edit in each
layout, the one-line refusals, what a DynamicSupervisor request stages (new files and the one
supervisor edit, nothing else), and the Ecto and LiveView output checked with the installed
Elixir's formatter and parser on a fixture that declares their deps (they cannot be fetched
here, so their code is not compiled), and the offline backend's answer to a create request."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from elixir_pro import generators
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.changes.changeset import Changeset, ProposalKind
from elixir_pro.events import EditProposed, TextDelta
from elixir_pro.generators.render import placeholders, render
from elixir_pro.generators.wiring import add_children
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.offline_backend import OfflineBackend

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "courier"
DYNAMIC = "Write a DynamicSupervisor that starts one CartSession process per user"


@pytest.fixture
def courier(tmp_path: Path) -> Path:
    root = tmp_path / "courier"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_build", "deps"))
    return root


@pytest.mark.parametrize(
    ("prompt", "kind", "name", "supervisor"),
    [
        (DYNAMIC, "dynamic_supervisor", "CartSession", ""),
        ("Write a GenServer called Courier.Reporting.Digest under Courier.Reporting.Supervisor",
         "genserver", "Reporting.Digest", "Courier.Reporting.Supervisor"),
        ("Create a rate limiter for the api", "rate_limiter", "Api", ""),
        ("add a cache with ETS for quotes", "ets_cache", "Quotes", ""),
        ("Write a Task.Supervisor for emails", "task_supervisor", "Emails", ""),
        ("Write a supervisor for billing under the reporting supervisor", "supervisor",
         "Billing", "reporting supervisor"),
        ("Write a periodic worker that polls the carriers", "periodic_worker", "", ""),
        ("Create an Ecto schema for Parcel with weight:integer", "ecto_schema", "Parcel", ""),
        ("Generate a LiveView for the driver map", "live_view", "DriverMap", ""),
    ],
)  # fmt: skip
def test_match_reads_kind_name_and_supervisor(
    courier: Path, prompt: str, kind: str, name: str, supervisor: str
) -> None:
    request = generators.match(prompt, courier)
    assert request is not None
    assert (request.kind, request.name, request.supervisor) == (kind, name, supervisor)


@pytest.mark.parametrize(
    "prompt",
    [
        "Review lib/courier/locator.ex",
        "Registry vs :global",
        "explain GenServer.call/3",
        "fix all",
        "Make the GenServer in lib/courier/locator.ex handle timeouts",
        "Add an after clause to the receive in the Agent",
    ],
)
def test_match_ignores_what_is_not_a_create_request(courier: Path, prompt: str) -> None:
    assert generators.match(prompt, courier) is None


def test_ecto_fields_and_context_come_from_the_prompt(courier: Path) -> None:
    prompt = (
        "Create an Ecto schema for Parcel with weight:integer and label:string "
        "in the Shipping context"
    )
    request = generators.match(prompt, courier)
    assert request is not None
    assert request.fields == (("weight", "integer"), ("label", "string"))
    assert request.context == "Shipping"


@pytest.mark.parametrize(
    ("prompt", "setting", "written"),
    [
        ("Write a periodic worker that runs every 5 minutes", "interval",
         "@default_interval :timer.minutes(5)"),
        ("Write a rate limiter for logins allowing 100 requests per minute", "limit",
         "Keyword.get(config, :limit, 100)"),
        ("Write a rate limiter for logins allowing 100 requests per minute", "window",
         "Keyword.get(config, :window_ms, :timer.minutes(1))"),
        ("Add a cache with ETS for quotes that expire after 10 minutes", "ttl",
         "Keyword.get(config, :ttl_ms, :timer.minutes(10))"),
    ],
)  # fmt: skip
def test_durations_and_rates_in_the_prompt_become_the_defaults(
    courier: Path, prompt: str, setting: str, written: str
) -> None:
    request = generators.match(prompt, courier)
    assert request is not None and setting in dict(request.settings)
    generation = generators.generate(request, courier)
    assert written in generation.edits[0].text


def test_a_name_given_with_called_is_kept_as_is(courier: Path) -> None:
    request = generators.match("Write an ETS cache named PriceCache", courier)
    assert request is not None
    generation = generators.generate(request, courier)
    assert generation.modules == ("Courier.PriceCache",)


def test_render_substitutes_and_escapes() -> None:
    text = 'defmodule <%= main %> do\n  ~H"<%%= @count %>"\nend\n'
    assert placeholders(text) == {"main"}
    assert render(text, {"main": "A.B"}) == 'defmodule A.B do\n  ~H"<%= @count %>"\nend\n'
    with pytest.raises(KeyError, match="main"):
        render(text, {})


SUPERVISOR = """defmodule A.Sup do
  use Supervisor

  def init(_opts) do
    children = {children}

    Supervisor.init(children, strategy: :one_for_one)
  end
end
"""


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("[]", "[\n      A.New\n    ]"),
        ("[A.One, A.Two]", "[A.One, A.Two, A.New]"),
        (
            "[\n      A.One,\n      A.Two\n    ]",
            "[\n      A.One,\n      A.Two,\n      A.New\n    ]",
        ),
        (
            "[\n      A.One,\n      A.Two # the second\n    ]",
            "[\n      A.One,\n      A.Two, # the second\n      A.New\n    ]",
        ),
        ("[\n      A.One,\n      A.Two]", "[\n      A.One,\n      A.Two,\n      A.New]"),
        (
            "[" + ", ".join(f"A.Child{n}" for n in range(8)) + "]",
            "[\n" + "".join(f"      A.Child{n},\n" for n in range(8)) + "      A.New\n    ]",
        ),
    ],
)
def test_a_child_is_appended_in_the_lists_own_layout(before: str, after: str) -> None:
    text = SUPERVISOR.replace("{children}", before)
    assert add_children(text, "A.Sup", ["A.New"]) == SUPERVISOR.replace("{children}", after)


def test_a_child_goes_into_the_literal_end_of_a_concatenated_list() -> None:
    text = SUPERVISOR.replace("{children}", "base() ++ [A.One]")
    result = add_children(text, "A.Sup", ["A.New"])
    assert "base() ++ [A.One, A.New]" in result


def test_a_supervisor_without_a_literal_list_is_one_line() -> None:
    text = SUPERVISOR.replace("{children}", "children_from(config())")
    with pytest.raises(generators.GeneratorError) as caught:
        add_children(text, "A.Sup", ["A.New"])
    assert "\n" not in str(caught.value) and "by hand" in str(caught.value)


def test_the_dynamic_supervisor_request_stages_new_files_and_the_one_supervisor_edit(
    courier: Path,
) -> None:
    before = {p: p.read_bytes() for p in courier.rglob("*") if p.is_file()}
    request = generators.match(DYNAMIC, courier)
    assert request is not None
    changeset = Changeset(courier, source="test")
    events = generators.stage(generators.generate(request, courier), changeset)

    created = {
        "lib/courier/cart_session.ex",
        "lib/courier/cart_session_supervisor.ex",
        "test/courier/cart_session_supervisor_test.exs",
    }
    assert set(changeset.proposals) == created | {"lib/courier/application.ex"}
    assert {e.path for e in events} == set(changeset.proposals)
    for path in created:
        assert changeset.proposals[path].kind is ProposalKind.CREATE
    app = changeset.proposals["lib/courier/application.ex"]
    assert app.kind is ProposalKind.MODIFY
    assert app.base_text is not None and app.new_text is not None
    old_lines, new_lines = app.base_text.splitlines(), app.new_text.splitlines()
    assert [line for line in new_lines if line not in old_lines] == [
        "      Courier.Reporting.Supervisor,",
        "      {Registry, keys: :unique, name: Courier.CartSessionRegistry},",
        "      Courier.CartSessionSupervisor",
    ]
    assert [line for line in old_lines if line not in new_lines] == [
        "      Courier.Reporting.Supervisor"
    ]
    # staged, never written
    assert {p: p.read_bytes() for p in courier.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("prompt", "says"),
    [
        ("Create an Ecto schema for Parcel", ":ecto"),
        ("Generate a LiveView for the driver map", ":phoenix_live_view"),
        ("Write a GenServer called DriverServer", "Courier.DriverServer already exists"),
        ("Write a GenServer called Digest under Courier.Nope.Supervisor", "no supervisor"),
    ],
)
def test_a_request_the_project_cannot_take_is_one_line(
    courier: Path, prompt: str, says: str
) -> None:
    request = generators.match(prompt, courier)
    assert request is not None
    with pytest.raises(generators.GeneratorError) as caught:
        generators.generate(request, courier)
    message = str(caught.value)
    assert says in message and "\n" not in message


@pytest.mark.mix
def test_ecto_and_live_view_output_is_formatted_and_parses(courier: Path) -> None:
    """On a fixture that declares the deps (not fetched: the formatter settings stand in for
    their ``import_deps``), the generated files pass ``mix format --check-formatted`` and
    ``Code.string_to_quoted!``."""
    mix = courier / "mix.exs"
    deps = '[{:ecto_sql, "~> 3.10"}, {:phoenix_live_view, "~> 0.20"}]'
    mix.write_text(mix.read_text().replace("  defp deps do\n    []", f"  defp deps do\n    {deps}"))
    (courier / ".formatter.exs").write_text(
        "[\n"
        '  inputs: ["{mix,.formatter}.exs", "{config,lib,test,priv}/**/*.{ex,exs}"],\n'
        "  locals_without_parens: [field: 2, timestamps: 0, add: 2, create: 1]\n"
        "]\n"
    )
    prompts = [
        "Create an Ecto schema for Parcel with weight:integer and label:string and "
        "sent_at:utc_datetime in the Shipping context",
        "Generate a LiveView for the driver map",
    ]
    paths: list[str] = []
    for prompt in prompts:
        request = generators.match(prompt, courier)
        assert request is not None
        generation = generators.generate(request, courier)
        assert not generation.supervisor  # nothing to start: no supervisor edit
        for edit in generation.edits:
            assert edit.created
            target = courier / edit.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(edit.text)
            paths.append(edit.path)
    assert any(p.startswith("priv/repo/migrations/") for p in paths)
    assert "lib/courier_web/live/driver_map_live.ex" in paths
    formatted = subprocess.run(
        ["mix", "format", "--check-formatted", *paths],
        cwd=courier,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    script = "for f <- System.argv(), do: Code.string_to_quoted!(File.read!(f))"
    parsed = subprocess.run(
        ["elixir", "-e", script, *paths],
        cwd=courier,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr


async def _offline_answer(req: TurnRequest) -> tuple[str, list[EditProposed]]:
    events = [e async for e in OfflineBackend(req.project_root).stream_turn(req)]
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    return text, [e for e in events if isinstance(e, EditProposed)]


def _turn(root: Path, prompt: str, tools: ToolMode = ToolMode.SOLUTION) -> TurnRequest:
    return TurnRequest(
        prompt=prompt,
        cognitive_mode=CognitiveMode.GENERATIVE,
        tool_mode=tools,
        role=EnsembleRole.SOLO,
        project_root=root,
        changeset=Changeset(root, source="test"),
    )


async def test_the_offline_answer_says_what_was_generated_where_and_under_which_supervisor(
    courier: Path,
) -> None:
    req = _turn(courier, DYNAMIC)
    text, edits = await _offline_answer(req)
    assert req.changeset is not None
    assert (
        sorted(e.path for e in edits)
        == sorted(req.changeset.proposals)
        == [
            "lib/courier/application.ex",
            "lib/courier/cart_session.ex",
            "lib/courier/cart_session_supervisor.ex",
            "test/courier/cart_session_supervisor_test.exs",
        ]
    )
    for edit in edits:
        assert f"`{edit.path}`" in text
    assert "`Courier.Application`" in text
    assert "Courier.CartSessionRegistry" in text and "`Courier.CartSessionSupervisor`" in text
    assert "mix test test/courier/cart_session_supervisor_test.exs" in text


async def test_a_create_request_the_project_cannot_take_stages_nothing(courier: Path) -> None:
    req = _turn(courier, "Create an Ecto schema for Parcel with weight:integer")
    text, edits = await _offline_answer(req)
    assert edits == [] and req.changeset is not None and len(req.changeset) == 0
    assert ":ecto" in text and "Nothing was staged" in text
