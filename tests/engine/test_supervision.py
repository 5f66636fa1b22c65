"""The supervision map read statically from a fixture project with every child-spec form."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from elixir_pro.engine.supervision import build_supervision_map
from elixir_pro.engine.supervision_model import ProcessKind, ProcessNode, SupervisionMap
from elixir_pro.engine.supervision_render import render_map

SHOP = Path(__file__).resolve().parent.parent / "fixtures" / "engine" / "supervision" / "shop"


@pytest.fixture(scope="module")
def shop_map() -> SupervisionMap:
    return build_supervision_map(SHOP)


def _find(smap: SupervisionMap, label: str) -> ProcessNode:
    for root in smap.roots:
        for node in root.walk():
            if node.label == label:
                return node
    raise AssertionError(f"{label} not in the tree")


def test_root_is_the_application_mix_exs_names(shop_map: SupervisionMap) -> None:
    assert [r.label for r in shop_map.roots] == ["Shop.Application"]
    root = shop_map.roots[0]
    assert root.strategy == "one_for_one"
    assert [c.label for c in root.children] == [
        "Registry Shop.Registry",
        "Task.Supervisor Shop.TaskSupervisor",
        "Shop.Inventory",
        "Shop.CartSupervisor",
        "Shop.Mailer",
    ]


def test_nested_supervisor_strategy_and_intensity(shop_map: SupervisionMap) -> None:
    carts = _find(shop_map, "Shop.CartSupervisor")
    assert carts.kind is ProcessKind.SUPERVISOR
    assert (carts.strategy, carts.max_restarts, carts.max_seconds) == ("rest_for_one", 10, 60)
    assert [c.label for c in carts.children] == ["DynamicSupervisor Shop.Carts", "Shop.Pricing"]


def test_child_spec_forms_and_restart_options(shop_map: SupervisionMap) -> None:
    assert _find(shop_map, "Shop.Pricing").restart == "temporary"  # %{id:, start:, restart:}
    assert _find(shop_map, "Shop.Pricing").kind is ProcessKind.AGENT
    assert _find(shop_map, "Shop.Mailer").restart == "transient"  # Supervisor.child_spec/2
    assert _find(shop_map, "Shop.Inventory").restart == "permanent"  # use GenServer, restart:


def test_dynamic_children_attach_to_the_supervisor_they_name(shop_map: SupervisionMap) -> None:
    dyn = _find(shop_map, "DynamicSupervisor Shop.Carts")
    assert dyn.kind is ProcessKind.DYNAMIC_SUPERVISOR
    (cart,) = dyn.children
    assert (cart.label, cart.dynamic, cart.kind) == ("Shop.Cart", True, ProcessKind.GENSERVER)
    tasks = _find(shop_map, "Task.Supervisor Shop.TaskSupervisor").children
    assert [(t.kind, t.dynamic, t.location and t.location.line) for t in tasks] == [
        (ProcessKind.TASK, True, 17)
    ]


def test_unattached_processes_are_listed_and_plain_modules_are_not(
    shop_map: SupervisionMap,
) -> None:
    assert [n.label for n in shop_map.unattached] == ["Shop.Stray"]
    assert "Shop.Helpers" not in shop_map.supervised_modules()
    assert "Shop.LegacyApplication" not in {r.label for r in shop_map.roots}


def test_rendered_tree_names_locations(shop_map: SupervisionMap) -> None:
    text = render_map(shop_map)
    assert "└── Shop.Mailer [genserver, restart transient]  (lib/shop/application.ex:17)" in text
    assert "max 10 restarts in 60s" in text
    assert "Not reached from any application tree:\n  Shop.Stray" in text


def test_children_bound_to_a_computed_value_are_reported(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "app.ex").write_text(
        "defmodule A.App do\n  use Application\n  def start(_, _) do\n"
        "    Supervisor.start_link(children(), strategy: :one_for_all)\n  end\nend\n"
    )
    smap = build_supervision_map(tmp_path)
    (root,) = smap.roots
    assert root.strategy == "one_for_all"
    assert [c.label for c in root.children] == ["(children computed at run time)"]


def test_broken_source_still_maps(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "app.ex").write_text(
        "defmodule A.App do\n  use Application\n  def start(_, _) do\n"
        "    Supervisor.start_link([A.Worker], strategy: :one_for_one)\n  end\nend\n"
        "defmodule A.Worker do\n  use GenServer\n  def broken(, do\nend\n"
    )
    smap = build_supervision_map(tmp_path)
    assert [c.label for c in smap.roots[0].children] == ["A.Worker"]


def test_supervision_command_prints_tree_and_json() -> None:
    exe = [sys.executable, "-m", "elixir_pro", "supervision"]
    text = subprocess.run([*exe, str(SHOP)], capture_output=True, text=True, check=True)
    assert text.stdout.startswith("Shop.Application [application, strategy one_for_one]")
    raw = subprocess.run([*exe, str(SHOP), "--json"], capture_output=True, text=True, check=True)
    data = json.loads(raw.stdout)
    assert data["trees"][0]["children"][3]["children"][0]["children"][0]["label"] == "Shop.Cart"


def test_supervision_command_bad_path_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = subprocess.run(
        [sys.executable, "-m", "elixir_pro", "supervision", str(missing)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not a directory" in result.stderr
