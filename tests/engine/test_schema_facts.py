"""``changeset-bypass`` knows the project's schemas: a struct literal of a schema that defines no
changeset at all has nothing to bypass (low), after a full audit in one process or a pool and
after the schema's file changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.config import Config
from elixir_pro.engine.analyzer import ProjectAnalyzer
from elixir_pro.engine.findings import Confidence, Finding

RESULT = b"""\
defmodule Checks.Result do
  @moduledoc "One row per validation run; rows are never edited."
  use Ecto.Schema

  schema "results" do
    field :url, :string
    field :report, :map
  end
end
"""

CHANGESET = b"""
  def changeset(result, attrs) do
    result
    |> Ecto.Changeset.cast(attrs, [:url, :report])
    |> Ecto.Changeset.validate_required([:url])
  end
end
"""

CONTROLLER = b"""\
defmodule ChecksWeb.ValidationController do
  use ChecksWeb, :controller
  alias Checks.{Repo, Result}

  def create(conn, %{"url" => url}) do
    report = Checks.Validator.run(url)
    Repo.insert!(%Result{url: url, report: report})
    json(conn, report)
  end
end
"""

ROUTER = b"""\
defmodule ChecksWeb.Router do
  use ChecksWeb, :router

  scope "/api", ChecksWeb do
    post "/validations", ValidationController, :create
  end
end
"""


def _project(root: Path, files: int) -> None:
    (root / "lib").mkdir()
    (root / "lib/result.ex").write_bytes(RESULT)
    (root / "lib/validation_controller.ex").write_bytes(CONTROLLER)
    (root / "lib/router.ex").write_bytes(ROUTER)
    for i in range(files - 3):
        (root / f"lib/m{i}.ex").write_bytes(f"defmodule M{i} do\nend\n".encode())


def _bypass(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == "changeset-bypass"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_schema_without_changeset_has_nothing_to_bypass(tmp_path: Path, jobs: int) -> None:
    _project(tmp_path, files=80)
    report = ProjectAnalyzer(tmp_path, Config(), jobs=jobs).analyze_all()
    (finding,) = _bypass(report.findings)
    assert finding.confidence == Confidence.LOW
    assert "Result defines no changeset: there is none to bypass" in finding.message


def test_adding_a_changeset_makes_the_write_a_bypass_again(tmp_path: Path) -> None:
    _project(tmp_path, files=3)
    analyzer = ProjectAnalyzer(tmp_path, Config(), jobs=1)
    analyzer.analyze_all()
    schema = tmp_path / "lib/result.ex"
    schema.write_bytes(RESULT.removesuffix(b"end\n") + CHANGESET)
    analyzer.reanalyze(["lib/result.ex"])
    (finding,) = _bypass(analyzer.findings)
    assert finding.confidence == Confidence.HIGH  # request params written without it
    schema.write_bytes(RESULT)
    analyzer.reanalyze(["lib/result.ex"])
    (finding,) = _bypass(analyzer.findings)
    assert finding.confidence == Confidence.LOW
