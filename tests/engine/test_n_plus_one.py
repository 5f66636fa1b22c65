"""n-plus-one through the project's own functions: a loop calling another module's public
function that uses the Repo (``ctx.project_repo_functions``), on one file with the facts set by
hand and on a real project folder through the analyzer."""

from __future__ import annotations

from pathlib import Path

from elixir_pro.engine.analyzer import ProjectAnalyzer
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Confidence, Finding
from elixir_pro.engine.parse import parse
from elixir_pro.engine.rule import get_rule
from elixir_pro.engine.scope import ScopePolicy

ACCOUNTS = b"""\
defmodule Shop.Accounts do
  alias Shop.Repo

  def list_members, do: Repo.all(Shop.Member)

  def get_profile(id), do: load(id)

  def deliver_welcome(user), do: Repo.insert!(%Shop.Email{user_id: user.id})

  def greeting(name), do: "hello " <> name

  defp load(id), do: Repo.get(Shop.Profile, id)
end
"""

REPORT = b"""\
defmodule ShopWeb.Report do
  alias Shop.Accounts

  @staff_ids [1, 2, 3]

  def profiles do
    Enum.map(Accounts.list_members(), &Accounts.get_profile(&1.id))
  end

  def welcome do
    for user <- Accounts.list_members(), do: Accounts.deliver_welcome(user)
  end

  def some_profiles(users), do: Enum.map(users, &Accounts.get_profile(&1.id))

  def greetings(users), do: Enum.map(users, &Accounts.greeting(&1.name))

  def staff_profiles, do: Enum.map(@staff_ids, &Accounts.get_profile/1)

  def one_profile(user), do: Accounts.get_profile(user.id)
end
"""

FACTS = {"Shop.Accounts": frozenset({"list_members", "get_profile", "deliver_welcome"})}


def _check(source: bytes, facts: dict[str, frozenset[str]]) -> list[Finding]:
    ctx = FileContext("lib/shop/report.ex", source, parse(source))
    ctx.project_repo_functions = facts
    rule = get_rule("n-plus-one")
    assert rule is not None
    return sorted(rule.check(ctx), key=lambda f: f.line)


def test_a_project_read_function_over_project_rows_is_found_and_low() -> None:
    """Rows of the project's data whose number the code does not show: reported, graded low
    (how many rows there are is the domain's to say)."""
    found = _check(REPORT, FACTS)
    assert [(f.line, f.confidence) for f in found] == [
        (7, Confidence.LOW),
        (11, Confidence.LOW),  # deliver_welcome is not named as a read: possibly a write
        (14, Confidence.LOW),  # over an argument: where the users come from is unknown
    ]
    assert "Accounts.get_profile uses the Repo (in Shop.Accounts)" in found[0].message
    assert "Enum.map at line 7" in found[0].message
    assert "over Accounts.list_members, a list of rows of the project" in found[0].message


def test_a_project_list_function_needs_the_facts_or_the_full_name() -> None:
    """``Accounts.list_members()`` is only known as the project's through the facts; written
    in full in the file's own namespace it is the project's without them."""
    source = REPORT.replace(
        b"Enum.map(Accounts.list_members()", b"Enum.map(Shop.Accounts.list_members()"
    )
    facts = {"Shop.Accounts": frozenset({"get_profile"})}
    found = _check(source, facts)
    assert [f.line for f in found] == [7, 14]
    assert "over Shop.Accounts.list_members, a list of rows of the project" in found[0].message


def test_no_facts_no_findings() -> None:
    assert _check(REPORT, {}) == []


def test_a_module_of_the_same_file_is_left_to_the_local_analysis() -> None:
    source = REPORT.replace(b"defmodule ShopWeb.Report", b"defmodule Shop.Accounts")
    assert _check(source, FACTS) == []


def test_the_analyzer_fills_the_facts_from_the_other_file(tmp_path: Path) -> None:
    (tmp_path / "lib" / "shop").mkdir(parents=True)
    (tmp_path / "lib" / "shop" / "accounts.ex").write_bytes(ACCOUNTS)
    (tmp_path / "lib" / "shop" / "report.ex").write_bytes(REPORT)
    report = ProjectAnalyzer(tmp_path, policy=ScopePolicy(), jobs=1).analyze_all()
    found = {(f.path, f.line): f for f in report.findings if f.rule == "n-plus-one"}
    assert "a list of rows of the project" in found["lib/shop/report.ex", 7].message
    assert found["lib/shop/report.ex", 14].confidence == Confidence.LOW
