"""Docs pinned to the project's versions, with the real mix/elixir: a small Mix project with a
path dependency is compiled, and ``elixir-pro docs`` and the offline informative mode answer
for the dependency's module at the version compiled in ``_build`` (a new version, once
recompiled, is the one shown); a dependency that is not compiled is named with how to fix it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from elixir_pro.engine.dep_docs import compiled_apps, project_docs
from elixir_pro.engine.docs import DocResult, DocsUnavailable

pytestmark = pytest.mark.mix

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "dep_docs"
SCRIPT = Path(sys.executable).parent / "elixir-pro"


def copy_projects(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "work")
    return tmp_path / "work" / "shop"


def mix_compile(shop: Path) -> None:
    env = {**os.environ, "MIX_ENV": "dev"}
    done = subprocess.run(
        ["mix", "compile"], cwd=shop, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr


def age_build(shop: Path) -> None:
    """Date the build a minute back, as if the edits below came later (Mix compares
    modification times to the second; no waiting)."""
    past = time.time() - 60
    for path in (shop / "_build").rglob("*"):
        os.utime(path, (past, past), follow_symlinks=False)


def docs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), "docs", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_a_compiled_path_dependency_is_documented_at_its_version(tmp_path: Path) -> None:
    shop = copy_projects(tmp_path)
    mix_compile(shop)
    apps = compiled_apps(shop)
    assert apps["Pricing"].name == "pricing" and apps["Pricing"].version == "0.3.1"
    assert not apps["Pricing"].own and apps["Shop"].own
    result = docs("Pricing.total/2", cwd=shop)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("_pricing 0.3.1: the version compiled in _build/dev_\n")
    assert "total(net, rate)" in result.stdout
    assert "The total of `net` with the `rate` applied." in result.stdout
    # the dependency moves on: once recompiled, the docs are those of the new version
    age_build(shop)
    pricing = shop.parent / "pricing"
    mix = pricing / "mix.exs"
    mix.write_text(mix.read_text().replace('"0.3.1"', '"0.4.0"'))
    source = pricing / "lib" / "pricing.ex"
    source.write_text(
        source.read_text().replace("with the `rate` applied", "with `rate` (a fraction) added")
    )
    mix_compile(shop)
    answer = project_docs(shop, "Pricing.total/2")
    assert isinstance(answer, DocResult)
    assert answer.markdown.startswith("_pricing 0.4.0: the version compiled in _build/dev_")
    assert "with `rate` (a fraction) added" in answer.markdown
    own = project_docs(shop, "Shop")
    assert isinstance(own, DocResult) and own.markdown.startswith("_shop 0.1.0: this project")
    stdlib = project_docs(shop, "Enum.map/2")
    assert isinstance(stdlib, DocResult) and stdlib.markdown.startswith("## Enum.map/2")


def test_the_offline_informative_mode_answers_at_the_compiled_version(tmp_path: Path) -> None:
    shop = copy_projects(tmp_path)
    mix_compile(shop)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    result = subprocess.run(
        [str(SCRIPT), "ask", "--offline", "--mode", "informative", "what does Pricing.total/2 do?"],
        cwd=shop,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    entry = result.stdout.split("### `Pricing.total/2`\n", 1)[1]
    assert entry.startswith("_pricing 0.3.1: the version compiled in _build/dev_")
    assert "The total of `net` with the `rate` applied." in entry


def test_a_dependency_that_is_not_compiled_is_named_with_the_fix(tmp_path: Path) -> None:
    shop = copy_projects(tmp_path)  # never compiled: no _build
    answer = project_docs(shop, "Pricing.total/2")
    assert isinstance(answer, DocsUnavailable) and answer.reason == "not-found"
    assert answer.message.startswith("Pricing is defined by the dependency pricing (")
    assert "not compiled in this project's _build" in answer.message
    assert "mix deps.get && mix compile" in answer.message
    result = docs("Pricing.total/2", "--project", str(shop), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "which is not compiled" in lines[0]
    unknown = project_docs(shop, "Nowhere.to_be_found/1")
    assert isinstance(unknown, DocsUnavailable)
    assert unknown.message == "no module Nowhere is installed"
