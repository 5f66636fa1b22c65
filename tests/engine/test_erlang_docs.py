"""Docs of Erlang modules from the installed OTP: an application with an OTP doc chunk (the
layout Debian's erlang-doc installs) is documented through ``Code.fetch_docs`` and rendered
by ``:shell_docs``; one without a chunk gets a pointer to the install and to erlang.org."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from elixir_pro.engine.docs import DocResult, DocsLookup, DocsUnavailable

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "erlang_docs"


@pytest.fixture
def erl_libs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An OTP application folder with epdemo's beam and its doc chunk, on ERL_LIBS."""
    app = tmp_path / "lib" / "epdemo-1.0"
    (app / "ebin").mkdir(parents=True)
    (app / "doc" / "chunks").mkdir(parents=True)
    erlc = shutil.which("erlc")
    assert erlc is not None, "erlc is part of the Erlang install the docs lookup needs"
    subprocess.run(
        [erlc, "-o", str(app / "ebin"), str(FIXTURES / "epdemo.erl")], check=True, timeout=60
    )
    subprocess.run(
        ["elixir", str(FIXTURES / "make_chunk.exs"), str(app / "doc" / "chunks")],
        check=True,
        timeout=60,
    )
    monkeypatch.setenv("ERL_LIBS", str(tmp_path / "lib"))
    return app


@pytest.mark.mix
def test_erlang_docs_come_from_the_installed_doc_chunk(erl_libs: Path) -> None:
    module, hello, missing = DocsLookup().fetch_many(
        [":epdemo", ":epdemo.hello/1", ":epdemo.nope/2"]
    )
    assert isinstance(module, DocResult) and module.function is None
    assert module.markdown.startswith("# :epdemo\n")
    assert "A demo module that greets people." in module.markdown
    assert isinstance(hello, DocResult) and (hello.function, hello.arity) == ("hello", 1)
    assert "hello(Name)" in hello.markdown and "Greets Name politely." in hello.markdown
    assert isinstance(missing, DocsUnavailable) and missing.reason == "not-found"


@pytest.mark.mix
def test_an_erlang_module_without_docs_points_to_the_install(erl_libs: Path) -> None:
    (erl_libs / "doc" / "chunks" / "epdemo.chunk").unlink()
    (answer,) = DocsLookup().fetch_many([":epdemo.hello/1"])
    assert isinstance(answer, DocsUnavailable) and answer.reason == "erlang"
    assert "apt-get install erlang-doc" in answer.message
    assert answer.message.endswith("https://www.erlang.org/doc/man/epdemo.html")


@pytest.mark.mix
async def test_the_informative_answer_shows_erlang_docs(erl_libs: Path, tmp_path: Path) -> None:
    from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
    from elixir_pro.events import TextDelta
    from elixir_pro.llm.base import TurnRequest
    from elixir_pro.llm.offline_backend import OfflineBackend

    project = tmp_path / "project"
    (project / "lib").mkdir(parents=True)
    request = TurnRequest(
        prompt="what does :epdemo.hello/1 do, and :global?",
        cognitive_mode=CognitiveMode.INFORMATIVE,
        tool_mode=ToolMode.AUDIT,
        role=EnsembleRole.SOLO,
        project_root=project,
    )
    events = [e async for e in OfflineBackend(project).stream_turn(request)]
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "### `:epdemo.hello/1`" in text and "Greets Name politely." in text
    global_ = text[text.index("### `:global`") :].split("\n### ")[0]
    # its docs when the installed OTP has them (erlang-doc), else the pointer to them
    assert "```text" in global_ or "apt-get install erlang-doc" in global_
