"""engine.docs and ``elixir-pro docs``: docs from the installed Elixir's BEAM files, symbol
parsing and extraction, the cache, and clean messages when Elixir is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from elixir_pro.cli import main
from elixir_pro.engine.docs import (
    DocResult,
    DocsLookup,
    DocsUnavailable,
    SymbolQuery,
    docs_for_text,
    elixir_available,
    extract_symbols,
    parse_symbol,
)

SYMBOLS = [
    "Enum",
    "Enum.map",
    "Enum.map/2",
    "GenServer.call",
    "GenServer.call/2",
    "Kernel.spawn/1",
    "spawn/1",
    ":ets",
    "Enum.reduce",
    "GenServer.handle_call",
    "NoSuch.Module",
    "Enum.no_such_fun/3",
    "Supervisor",
]


@pytest.fixture(scope="module")
def looked_up() -> tuple[DocsLookup, dict[str, DocResult | DocsUnavailable]]:
    """Every symbol of this module looked up once, in one elixir subprocess."""
    lookup = DocsLookup()
    answers = lookup.fetch_many(SYMBOLS)
    return lookup, dict(zip(SYMBOLS, answers, strict=True))


def _found(answers: dict[str, DocResult | DocsUnavailable], symbol: str) -> DocResult:
    answer = answers[symbol]
    assert isinstance(answer, DocResult), answer
    return answer


@pytest.mark.mix
def test_module_docs(looked_up: tuple[DocsLookup, dict[str, DocResult | DocsUnavailable]]) -> None:
    _, answers = looked_up
    enum = _found(answers, "Enum")
    assert (enum.module, enum.function, enum.arity) == ("Enum", None, None)
    assert enum.markdown.startswith("# Enum\n\nFunctions for working with collections")
    assert "behaviour module for implementing supervisors" in _found(answers, "Supervisor").markdown


@pytest.mark.mix
def test_function_docs_with_and_without_arity(
    looked_up: tuple[DocsLookup, dict[str, DocResult | DocsUnavailable]],
) -> None:
    _, answers = looked_up
    for symbol in ("Enum.map", "Enum.map/2"):
        result = _found(answers, symbol)
        assert result.title == "Enum.map/2"
        assert result.signatures == ("map(enumerable, fun)",)
        assert result.markdown.startswith("## Enum.map/2\n\n```elixir\nmap(enumerable, fun)\n```")
        assert "Returns a list where each element is the result of invoking" in result.markdown
    reduce = _found(answers, "Enum.reduce")
    assert [e.arity for e in reduce.entries] == [2, 3]
    assert reduce.arity is None


@pytest.mark.mix
def test_default_arguments_match_the_shorter_arity(
    looked_up: tuple[DocsLookup, dict[str, DocResult | DocsUnavailable]],
) -> None:
    _, answers = looked_up
    call = _found(answers, "GenServer.call/2")
    assert call.arity == 2
    assert call.signatures == ("call(server, request, timeout \\\\ 5000)",)
    assert _found(answers, "GenServer.call").entries == call.entries


@pytest.mark.mix
def test_kernel_functions_with_and_without_module(
    looked_up: tuple[DocsLookup, dict[str, DocResult | DocsUnavailable]],
) -> None:
    _, answers = looked_up
    qualified = _found(answers, "Kernel.spawn/1")
    bare = _found(answers, "spawn/1")
    assert qualified.title == bare.title == "Kernel.spawn/1"
    assert "Spawns the given function" in bare.markdown


@pytest.mark.mix
def test_callbacks_get_their_spec_as_signature(
    looked_up: tuple[DocsLookup, dict[str, DocResult | DocsUnavailable]],
) -> None:
    _, answers = looked_up
    handle_call = _found(answers, "GenServer.handle_call")
    (entry,) = handle_call.entries
    assert (entry.kind, entry.arity) == ("callback", 3)
    assert handle_call.signatures[0].startswith("handle_call(request :: term(), from(), state")
    assert "## GenServer.handle_call/3 (callback)" in handle_call.markdown


@pytest.mark.mix
def test_erlang_and_unknown_symbols_are_clean_answers(
    looked_up: tuple[DocsLookup, dict[str, DocResult | DocsUnavailable]],
) -> None:
    _, answers = looked_up
    assert answers[":ets"] == DocsUnavailable(
        ":ets",
        "erlang",
        ":ets is an Erlang module and the installed OTP has no docs for it: install them "
        "(Debian: apt-get install erlang-doc) or see https://www.erlang.org/doc/man/ets.html",
    )
    assert answers["NoSuch.Module"] == DocsUnavailable(
        "NoSuch.Module", "not-found", "no module NoSuch.Module is installed"
    )
    assert answers["Enum.no_such_fun/3"] == DocsUnavailable(
        "Enum.no_such_fun/3", "not-found", "Enum has no function no_such_fun/3"
    )


@pytest.mark.mix
def test_one_subprocess_for_a_batch_and_answers_are_cached(
    looked_up: tuple[DocsLookup, dict[str, DocResult | DocsUnavailable]],
) -> None:
    lookup, answers = looked_up
    assert lookup.subprocess_runs == 1
    assert lookup.fetch("Enum.map/2") is answers["Enum.map/2"]
    assert lookup.fetch_many(["Enum", ":ets"]) == [answers["Enum"], answers[":ets"]]
    assert lookup.subprocess_runs == 1
    lookup.clear()
    assert lookup.fetch("Enum.map/2") == answers["Enum.map/2"]
    assert lookup.subprocess_runs == 2


@pytest.mark.mix
def test_timeout_is_an_answer_and_is_not_cached() -> None:
    lookup = DocsLookup(timeout=0.001)
    answer = lookup.fetch("Enum")
    assert isinstance(answer, DocsUnavailable)
    assert (answer.reason, answer.message) == ("timeout", "the docs lookup timed out after 0.001s")
    lookup.timeout = 30
    assert isinstance(lookup.fetch("Enum"), DocResult)
    assert lookup.subprocess_runs == 2


def test_code_in_a_symbol_is_refused_without_running_elixir() -> None:
    lookup = DocsLookup()
    for symbol in ('Enum.map"); System.halt(1)', "IO.puts 1", "Enum/2", "", "enum.Map"):
        answer = lookup.fetch(symbol)
        assert isinstance(answer, DocsUnavailable)
        assert answer.reason == "invalid-symbol", symbol
    assert lookup.subprocess_runs == 0


@pytest.mark.parametrize(
    ("symbol", "query"),
    [
        ("Enum", SymbolQuery("Enum", "", None)),
        ("Enum.map/2", SymbolQuery("Enum", "map", 2)),
        ("Phoenix.LiveView.mount", SymbolQuery("Phoenix.LiveView", "mount", None)),
        ("File.read!/1", SymbolQuery("File", "read!", 1)),
        ("Kernel.++/2", SymbolQuery("Kernel", "++", 2)),
        (":ets.lookup/2", SymbolQuery(":ets", "lookup", 2)),
        ("spawn/1", SymbolQuery("", "spawn", 1)),
        ("  String.valid? ", SymbolQuery("String", "valid?", None)),
    ],
)
def test_parse_symbol(symbol: str, query: SymbolQuery) -> None:
    assert parse_symbol(symbol) == query


def test_extract_symbols_from_a_question() -> None:
    question = (
        "How should GenServer.handle_call/3 interact with Task.async_stream/3 under a "
        "Supervisor? I keep state in :ets and my handle_info returns :ok. Is spawn/1 fine? "
        "See hexdocs.pm/elixir/Enum.html. What about `MyApp.Worker` and DynamicSupervisor? "
        "Also GenServer.handle_call/3 again. The Task ended."
    )
    assert extract_symbols(question) == [
        "GenServer.handle_call/3",
        "Task.async_stream/3",
        "Supervisor",
        ":ets",
        "spawn/1",
        "MyApp.Worker",
        "DynamicSupervisor",
        "Task",
    ]


def test_extract_symbols_ignores_plain_words_and_atoms() -> None:
    assert extract_symbols("How do I fix This? It returns :error and :noreply. Thanks, Bob") == []
    assert extract_symbols("use `Courier` with :gen_server.call and :timer") == [
        "Courier",
        ":gen_server.call",
        ":timer",
    ]
    assert len(extract_symbols(" ".join(f"Mod{i}.f" for i in range(20)), limit=3)) == 3


@pytest.mark.mix
def test_docs_for_text_returns_the_documented_mentions_only() -> None:
    lookup = DocsLookup()
    results = docs_for_text("Should MyApp.Worker use GenServer.call/3 or :ets here?", lookup=lookup)
    assert [r.title for r in results] == ["GenServer.call/3"]
    assert lookup.subprocess_runs == 1
    assert docs_for_text("Nothing to see here.", lookup=lookup) == []
    assert lookup.subprocess_runs == 1


# --------------------------------------------------------------------------- Elixir missing


def test_missing_elixir_is_a_clean_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not elixir_available()
    answer = DocsLookup().fetch("Enum.map/2")
    assert answer == DocsUnavailable(
        "Enum.map/2", "elixir-missing", "Elixir is not installed (no 'elixir' on PATH)"
    )
    assert docs_for_text("What does Enum.map/2 do?", lookup=DocsLookup()) == []
    assert main(["docs", "Enum.map/2"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "elixir-pro: Elixir is not installed (no 'elixir' on PATH)\n"


# --------------------------------------------------------------------------- the CLI


@pytest.mark.mix
def test_cli_prints_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "Enum.map/2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Enum.map/2\n")


@pytest.mark.mix
def test_cli_json_and_exit_status_for_no_docs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "--json", "GenServer.call/2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["found"], data["title"], data["arity"]) == (True, "GenServer.call/2", 2)
    assert main(["docs", ":ets"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("elixir-pro: :ets is an Erlang module") and err.count("\n") == 1


def test_cli_bad_symbol_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "Enum/2"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "elixir-pro: 'Enum/2' is not an Elixir module or function "
        "(try Enum, Enum.map, Enum.map/2 or :ets)\n"
    )
    assert main(["docs", "Enum", "--timeout", "0"]) == 2
    assert (
        capsys.readouterr().err == "elixir-pro: --timeout: must be a positive number of seconds\n"
    )
