"""Repositories whose Mix projects sit below the root (an umbrella's ``apps/``, applications
kept side by side without a root ``mix.exs``) open as Elixir projects: findings are read and
the files are watched."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import settle, wait_until

from elixir_pro.engine.sources import is_mix_project
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.main import MainScreen

MIX = "defmodule {name}.MixProject do\n  use Mix.Project\n  def project, do: [app: :x]\nend\n"

LOCATOR = """\
defmodule Fleet.Locator do
  def locate(pid) do
    send(pid, {:where_are_you, self()})

    receive do
      {:here, position} -> position
    end
  end
end
"""


def _poncho(root: Path) -> Path:
    app = root / "apps" / "fleet"
    (app / "lib").mkdir(parents=True)
    (app / "mix.exs").write_text(MIX.format(name="Fleet"), encoding="utf-8")
    (app / "lib" / "locator.ex").write_text(LOCATOR, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ({"mix.exs": MIX}, True),
        ({"web/mix.exs": MIX}, True),
        ({"apps/web/mix.exs": MIX}, True),
        ({"deps/web/mix.exs": MIX, "notes.md": "# notes"}, False),
        ({"a/b/c/mix.exs": MIX}, False),
    ],
)
def test_a_mix_project_is_found_at_the_root_or_below_it(
    tmp_path: Path, layout: dict[str, str], expected: bool
) -> None:
    for rel, text in layout.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(name="X"), encoding="utf-8")
    assert is_mix_project(tmp_path) is expected


async def test_applications_below_the_root_open_with_their_findings(tmp_path: Path) -> None:
    root = _poncho(tmp_path / "repo")
    app = ElixirProApp(root, offline=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await wait_until(pilot, lambda: screen.findings_panel.state == "ready")
        assert not screen.query("#project-notice")
        paths = {f.path for f in screen.findings_panel.findings}
        assert paths == {"apps/fleet/lib/locator.ex"}
