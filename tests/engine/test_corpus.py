"""The benchmark corpus generator: deterministic, valid Elixir, every kind of file, and the
planted mistakes are found by the engine."""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from elixir_pro.config import Config
from elixir_pro.engine.analyzer import ProjectAnalyzer
from elixir_pro.engine.parse import parse
from elixir_pro.engine.scope import ScopePolicy


@pytest.fixture
def corpus(monkeypatch: pytest.MonkeyPatch, repo_root: Path) -> ModuleType:
    monkeypatch.syspath_prepend(str(repo_root))
    return importlib.import_module("bench.corpus")


def test_corpus_is_deterministic_and_parses(corpus: ModuleType) -> None:
    sources = corpus.sources
    first = sources(files=300, seed=3)
    assert first == sources(files=300, seed=3)
    assert first != sources(files=300, seed=4)
    assert len(first) == 300
    assert not [p for p, data in first.items() if parse(data).root_node.has_error]
    kinds = Counter(p.split("/")[1] if "/" in p else p for p in first)
    assert {"shop", "shop_web", "mix.exs"} <= set(kinds)
    assert any(p.startswith("test/") and p.endswith("_test.exs") for p in first)
    assert any("/live/" in p for p in first) and any("/servers/" in p for p in first)


def test_planted_mistakes_are_found(corpus: ModuleType, tmp_path: Path) -> None:
    written = corpus.generate(tmp_path, files=300, seed=3)
    strict = ScopePolicy(strict=True)  # missing-impl is in the strict set
    report = ProjectAnalyzer(tmp_path, Config(), policy=strict).analyze_all()
    assert report.files_analyzed == len(written) == 300
    rules = {f.rule for f in report.findings}
    assert {"no-releases", "missing-impl", "genserver-missing-catch-all"} <= rules
    assert len(report.findings) < 60  # mistakes are sprinkled, not everywhere
