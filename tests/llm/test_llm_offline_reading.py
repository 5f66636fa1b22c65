"""How the offline engine reads a prompt (intent and targets), the knowledge base's loader and
the project facts it ties comparisons to: pure functions over text and a temp project."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.engine.uses import ProjectUses, code_only, scan_source
from elixir_pro.knowledge import KnowledgeError, find_comparison, parse_comparison
from elixir_pro.llm.offline_intent import Intent, module_index, previous_request, read_ask

GEN, CRI, EVA, INF = (
    CognitiveMode.GENERATIVE,
    CognitiveMode.CRITICAL,
    CognitiveMode.EVALUATIVE,
    CognitiveMode.INFORMATIVE,
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    lib = tmp_path / "lib" / "shop"
    lib.mkdir(parents=True)
    (lib / "cart.ex").write_text(
        'defmodule Shop.Cart do\n  @moduledoc "A cart."\n'
        "  def add(cart, item), do: [item | cart]\nend\n"
    )
    (lib / "cart_server.ex").write_text("defmodule Shop.CartServer do\n  use GenServer\nend\n")
    (lib / "supervisor.ex").write_text("defmodule Shop.Supervisor do\nend\n")
    return tmp_path


def modules(root: Path) -> dict[str, str]:
    files = [p.relative_to(root).as_posix() for p in root.rglob("*.ex")]
    return module_index(root, files)


@pytest.mark.parametrize(
    ("prompt", "mode", "intent"),
    [
        (
            "Write a DynamicSupervisor that starts one CartSession process per user",
            GEN,
            Intent.CREATE,
        ),
        (
            "Write a DynamicSupervisor that starts one CartSession process per user",
            CRI,
            Intent.CREATE,
        ),
        ("I need a GenServer for rate limiting", CRI, Intent.CREATE),
        ("add a Registry for the carts", EVA, Intent.CREATE),
        ("add an after clause to lib/shop/cart.ex", GEN, Intent.FIX),
        ("Review lib/shop/cart.ex", GEN, Intent.REVIEW),
        ("fix lib/shop/cart.ex", EVA, Intent.FIX),
        ("review lib/shop/cart.ex and fix it", CRI, Intent.FIX),
        ("add a timeout to lib/shop/cart.ex", GEN, Intent.FIX),
        ("Registry vs :global", GEN, Intent.COMPARE),
        ("What's the difference between Registry and :global?", INF, Intent.COMPARE),
        ("should I use :global?", GEN, Intent.COMPARE),
        ("How does GenServer.call work?", GEN, Intent.EXPLAIN),
        ("how do I write a GenServer?", GEN, Intent.EXPLAIN),
        ("is lib/shop/cart.ex correct?", GEN, Intent.NONE),
        ("is this design sound?", GEN, Intent.ASSESS),
        ("lib/shop/cart.ex", CRI, Intent.REVIEW),
        ("lib/shop/cart.ex", EVA, Intent.ASSESS),
        ("lib/shop/cart.ex", INF, Intent.EXPLAIN),
        ("lib/shop/cart.ex", GEN, Intent.NONE),
    ],
)
def test_the_intent(root: Path, prompt: str, mode: CognitiveMode, intent: Intent) -> None:
    assert read_ask(prompt, mode, root, [], modules(root)).intent is intent


def test_the_targets(root: Path) -> None:
    index = modules(root)
    ask = read_ask("explain Shop.Cart.add/2 and CartServer, and :ets", INF, root, [], index)
    assert ask.targets.modules == ["Shop.Cart", "Shop.CartServer"]
    assert ask.targets.functions == ["Shop.Cart.add/2"]
    assert ask.targets.paths == ["lib/shop/cart.ex", "lib/shop/cart_server.ex"]
    assert ask.targets.symbols == [":ets"]
    plain_word = read_ask("explain Supervisor", INF, root, [], index)  # the standard module
    assert plain_word.targets.modules == [] and plain_word.targets.symbols == ["Supervisor"]
    context = read_ask("review @lib/shop/cart.ex", CRI, root, ["lib/shop/cart_server.ex"], index)
    assert context.targets.paths == ["lib/shop/cart.ex", "lib/shop/cart_server.ex"]
    outside = read_ask("review ../ and /etc/ and nope/", CRI, root, [], index)
    assert outside.targets.paths == [] and outside.targets.missing == []
    typo = read_ask("review lib/shop/kart.ex, GenServer.call/3 and and/or", CRI, root, [], index)
    assert typo.targets.missing == ["lib/shop/kart.ex"]


def test_rules_and_project_wide_requests(root: Path) -> None:
    index = modules(root)
    one = read_ask("fix the receive without after in lib/shop/cart.ex", GEN, root, [], index)
    assert one.targets.rules == ["receive-without-after"] and not one.targets.project_wide
    impl = read_ask("add @impl to lib/shop/cart.ex", GEN, root, [], index)
    assert impl.intent is Intent.FIX and impl.targets.rules == ["missing-impl"]
    for prompt in ("fix all", "fix everything across the project", "fix what can be fixed"):
        assert read_ask(prompt, GEN, root, [], index).targets.project_wide, prompt
    assert not read_ask("fix it", GEN, root, [], index).targets.project_wide


def test_a_request_that_refers_back_takes_the_previous_targets(root: Path) -> None:
    history = [
        {
            "role": "user",
            "content": [
                {
                    "type": "text",
                    "text": 'Files:\n<file path="lib/shop/cart_server.ex">\n...\n</file>\n\n'
                    "Request:\nreview lib/shop/cart.ex",
                }
            ],
        },
        {"role": "assistant", "content": [{"type": "text", "text": "lib/shop/supervisor.ex"}]},
    ]
    assert previous_request(history) == ("review lib/shop/cart.ex", ["lib/shop/cart_server.ex"])
    ask = read_ask("fix it", GEN, root, [], modules(root), history)
    assert ask.intent is Intent.FIX
    assert ask.targets.paths == ["lib/shop/cart.ex", "lib/shop/cart_server.ex"]
    fresh = read_ask("fix lib/shop/supervisor.ex", GEN, root, [], modules(root), history)
    assert fresh.targets.paths == ["lib/shop/supervisor.ex"]


def test_comparisons_need_two_options_named() -> None:
    match = find_comparison("Should the cache live in ETS or in process state?")
    assert match is not None and match.comparison.id == "ets-vs-process-state"
    assert [o.name for o in match.named] == ["Process state", "ETS"]
    assert find_comparison("is this task done by an agent?") is None  # English words
    assert find_comparison("GenServer") is None


def test_a_malformed_knowledge_file_is_one_clear_error() -> None:
    option = {
        "name": "A",
        "summary": "s",
        "strengths": ["x"],
        "costs": ["y"],
        "choose_when": "z",
        "sources": ["https://hexdocs.pm/elixir/A.html"],
    }
    good = {"id": "a-b", "title": "A vs B", "question": "q", "options": [option, option]}
    assert parse_comparison(good, "a.yaml").options[0].aliases == ("A",)
    with pytest.raises(KnowledgeError, match=r"^a\.yaml: options\[1\]: missing costs$"):
        broken = {k: v for k, v in option.items() if k != "costs"}
        parse_comparison({**good, "options": [option, broken]}, "a.yaml")
    with pytest.raises(KnowledgeError, match="every source must be an https URL"):
        parse_comparison({**good, "options": [option, {**option, "sources": ["x"]}]}, "a.yaml")


def test_project_uses_ignore_comments_and_docs() -> None:
    source = (
        "defmodule Shop.Names do\n"
        '  @moduledoc """\n  Uses Registry.lookup/2 and :global.whereis_name/1 in prose.\n  """\n'
        "  # :ets.new(:x, []) is only a comment\n"
        "  def via(id), do: {:via, Registry, {Shop.Registry, id}}\n"
        '  def name, do: "#{:ets.info(:t)}"\n'
        "end\n"
    )
    assert "Registry.lookup" not in code_only(source)
    found = ProjectUses()
    scan_source("lib/shop/names.ex", source, found)
    assert [str(p) for p in found.where("registry")] == ["lib/shop/names.ex:6"]
    assert found.uses("ets") and found.where("ets")[0].line == 7  # interpolation is code
    assert not found.uses("global")
