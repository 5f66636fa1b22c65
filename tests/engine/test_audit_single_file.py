"""``elixir-pro audit FILE`` outside any Mix project maps that file alone: a folder such as
/tmp holds unrelated projects whose modules must not join its supervision map."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.cli import main

SERVER = """\
defmodule {name} do
  use GenServer

  def start_link(arg), do: GenServer.start_link(__MODULE__, arg, name: __MODULE__)

  @impl true
  def init(arg), do: {{:ok, arg}}
end
"""


def test_file_outside_a_project_is_mapped_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scratch.ex").write_text(SERVER.format(name="Scratch.Server"), encoding="utf-8")
    neighbour = tmp_path / "someone_else" / "lib"
    neighbour.mkdir(parents=True)
    (neighbour / "other.ex").write_text(SERVER.format(name="Other.Server"), encoding="utf-8")

    main(["audit", str(tmp_path / "scratch.ex")])
    out = capsys.readouterr().out
    assert "Scratch.Server" in out
    assert "Other.Server" not in out


def test_file_inside_a_project_is_mapped_with_its_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mix.exs").write_text(
        "defmodule App.MixProject do\n  use Mix.Project\n  def project, do: [app: :app]\nend\n",
        encoding="utf-8",
    )
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.ex").write_text(SERVER.format(name="App.A"), encoding="utf-8")
    (lib / "b.ex").write_text(SERVER.format(name="App.B"), encoding="utf-8")

    main(["audit", str(lib / "a.ex")])
    out = capsys.readouterr().out
    assert "App.A" in out and "App.B" in out
