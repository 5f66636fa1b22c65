"""Project-wide Repo facts: a rule sees the Repo-querying functions of the project's other
modules, after a full audit (one process or a pool) and after the defining file changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from elixir_pro.config import Config
from elixir_pro.engine.analyzer import ProjectAnalyzer
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import Rule, register, unregister

ACCOUNTS = b"""\
defmodule Shop.Accounts do
  alias Shop.Repo

  def get_profile(id), do: load(id)

  def greeting(name), do: "hello " <> name

  defp load(id), do: Repo.get(Shop.Profile, id)
end
"""

REPORT = b"""\
defmodule Shop.Report do
  alias Shop.Accounts

  def profiles(users) do
    Enum.map(users, fn user -> Accounts.get_profile(user.id) end)
  end
end
"""


class _SeesFacts(Rule):
    """Reports a caller of ``Accounts.get_profile`` whose context knows it queries the Repo."""

    id = "test-sees-repo-facts"
    severity = Severity.LOW
    title = "sees facts"
    rationale = impact = recommendation = dirty_example = clean_example = ""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        known = ctx.project_repo_functions.get("Shop.Accounts", frozenset())
        if b"Accounts.get_profile(" in ctx.source and "get_profile" in known:
            yield self.finding(ctx, ctx.root, "sees get_profile")


@pytest.fixture
def sees_facts() -> Iterator[None]:
    register(_SeesFacts)
    yield
    unregister(_SeesFacts.id)


def _project(root: Path, files: int = 1) -> None:
    (root / "lib").mkdir()
    (root / "lib/accounts.ex").write_bytes(ACCOUNTS)
    (root / "lib/report.ex").write_bytes(REPORT)
    for i in range(files - 2):
        (root / f"lib/m{i}.ex").write_bytes(f"defmodule M{i} do\nend\n".encode())


def _seen(findings: list[Finding]) -> set[str]:
    return {f.path for f in findings if f.rule == _SeesFacts.id}


@pytest.mark.parametrize("jobs", [1, 2])
def test_full_audit_gives_every_file_the_project_facts(
    tmp_path: Path, sees_facts: None, jobs: int
) -> None:
    _project(tmp_path, files=80)
    report = ProjectAnalyzer(tmp_path, Config(), jobs=jobs).analyze_all()
    # the caller in a loop is checked again once the facts are known
    assert _seen(report.findings) == {"lib/report.ex"}


def test_a_changed_definition_rechecks_its_callers(tmp_path: Path, sees_facts: None) -> None:
    _project(tmp_path)
    analyzer = ProjectAnalyzer(tmp_path, Config(), jobs=1)
    assert _seen(analyzer.analyze_all().findings) == {"lib/report.ex"}
    (tmp_path / "lib/accounts.ex").write_bytes(ACCOUNTS.replace(b"Repo.get(", b"Cache.get("))
    delta = analyzer.reanalyze(["lib/accounts.ex"])
    assert _seen(delta.resolved) == {"lib/report.ex"}
    assert _seen(analyzer.findings) == set()
    (tmp_path / "lib/accounts.ex").write_bytes(ACCOUNTS)
    delta = analyzer.reanalyze(["lib/accounts.ex"])
    assert _seen(delta.new) == {"lib/report.ex"}


MULTI = b"""\
defmodule Shop.Catalog do
  alias Shop.Repo

  def init(opts), do: {:ok, opts}

  def price(id), do: fetch(id, :price)

  def warm(ids), do: Task.start(fn -> Enum.each(ids, &load/1) end)

  defp init(id, :full), do: Repo.get(Shop.Item, id)

  defp fetch(id, field), do: Map.get(init(id, :full), field)

  defp load(id), do: Repo.get(Shop.Item, id)
end
"""


def test_repo_functions_follow_name_and_arity_and_the_callers_process() -> None:
    from elixir_pro.engine.context import FileContext
    from elixir_pro.engine.parse import parse
    from elixir_pro.engine.project import repo_functions

    ctx = FileContext("lib/shop/catalog.ex", MULTI, parse(MULTI))
    # init/1 is not init/2; warm/1 queries only inside a task it starts
    assert repo_functions(ctx) == {"Shop.Catalog": frozenset({"price"})}


CHAIN = b"""\
defmodule Shop.Chain do
  alias Shop.Repo

  defp load(id), do: Repo.get(Shop.Item, id)

  def c(id), do: b(id)

  def a(id), do: load(id)

  def b(id), do: a(id)
end
"""


def test_reaching_functions_come_in_source_order() -> None:
    """The callers reaching a query are listed in source order, whatever order a set of
    clauses iterates in, so findings and their messages are the same from run to run."""
    from elixir_pro.engine.context import FileContext
    from elixir_pro.engine.parse import parse
    from elixir_pro.engine.rules._common import functions_reaching, repo_calls

    ctx = FileContext("lib/shop/chain.ex", CHAIN, parse(CHAIN))
    seeds = [c.node for c in repo_calls(ctx)]
    reach = functions_reaching(ctx, ctx.modules[0], seeds)
    assert list(reach) == ["load", "c", "a", "b"]
