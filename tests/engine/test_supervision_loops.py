"""The supervision map on sources that used to make it loop or misread: a local rebound from
itself (``children = children ++ more``), locals bound from each other, comments inside a
children list, a supervisor that starts itself, long chains; and a file whose reading fails
becomes one notice while the rest of the project is still mapped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from elixir_pro.engine import supervision
from elixir_pro.engine.supervision import MAX_DEPTH, build_supervision_map
from elixir_pro.engine.supervision_model import ProcessKind, ProcessNode, SupervisionMap
from elixir_pro.engine.supervision_render import render_map

LOOPS = Path(__file__).resolve().parent.parent / "fixtures" / "engine" / "totality" / "loops"


@pytest.fixture(scope="module")
def loops() -> SupervisionMap:
    return build_supervision_map(LOOPS)


def _node(smap: SupervisionMap, label: str) -> ProcessNode:
    for root in [*smap.roots, *smap.unattached]:
        for node in root.walk():
            if node.label == label:
                return node
    raise AssertionError(f"{label} not in the map")


def _labels(node: ProcessNode) -> list[str]:
    return [c.label for c in node.children]


def test_a_local_rebound_from_itself_reads_the_earlier_binding(loops: SupervisionMap) -> None:
    (root,) = loops.roots
    assert _labels(root) == [
        "Registry Loops.Registry",
        "Loops.Pool",
        "Loops.Relay",
        "(more children computed at run time)",
        "Loops.Nest",
        "Loops.Mutual",
        "Loops.Telemetry",
    ]
    computed = root.children[3]
    assert computed.kind is ProcessKind.UNKNOWN
    assert str(computed.location) == "lib/loops/application.ex:13"
    assert (root.strategy, root.max_restarts, root.max_seconds) == ("one_for_one", 5, 10)
    assert loops.notices == []


def test_locals_bound_from_each_other_resolve_backwards(loops: SupervisionMap) -> None:
    mutual = _node(loops, "Loops.Mutual")
    # a = b ++ [Relay] (b not bound yet); b = a ++ [Relay]; a = a ++ b
    assert _labels(mutual) == [
        "(more children computed at run time)",
        "Loops.Relay",
        "(more children computed at run time)",
        "Loops.Relay",
        "Loops.Relay",
    ]
    assert mutual.strategy == "one_for_all"


def test_comments_in_a_children_list_are_never_children(loops: SupervisionMap) -> None:
    telemetry = _node(loops, "Loops.Telemetry")
    assert _labels(telemetry) == [
        "{:telemetry_poller, measurements: [], period: 10_000}",
        "Loops.Reporter",
    ]
    assert "#" not in render_map(loops)


def test_a_supervisor_that_starts_itself_is_shown_once_more(loops: SupervisionMap) -> None:
    pool = _node(loops, "Loops.Pool")
    (again,) = pool.children
    assert (again.label, again.dynamic, again.children) == ("Loops.Pool", True, [])
    nest = _node(loops, "Loops.Nest")
    assert _labels(nest) == ["Loops.Nest", "Loops.Relay"]
    assert nest.children[0].children == []


def test_the_command_maps_the_fixture_in_text_and_json() -> None:
    exe = [sys.executable, "-m", "elixir_pro", "supervision", str(LOOPS)]
    text = subprocess.run(exe, capture_output=True, text=True, timeout=60)
    assert text.returncode == 0, text.stderr
    assert "(more children computed at run time)" in text.stdout and "notice" not in text.stdout
    raw = subprocess.run([*exe, "--json"], capture_output=True, text=True, timeout=60)
    assert raw.returncode == 0 and json.loads(raw.stdout)["notices"] == []


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_long_rebinding_chains_stop_at_run_time(tmp_path: Path) -> None:
    body = "    children = children ++ [A.W]\n" * 500
    root = _project(
        tmp_path,
        {
            "lib/a.ex": "defmodule A.App do\n  use Application\n  def start(_, _) do\n"
            f"    children = [A.W]\n{body}"
            "    Supervisor.start_link(children, strategy: :one_for_one)\n  end\nend\n"
        },
    )
    (app,) = build_supervision_map(root).roots
    assert app.strategy == "one_for_one"
    assert [c.label for c in app.children] == ["(children computed at run time)"]


def test_deep_supervision_chains_are_cut_with_a_notice(tmp_path: Path) -> None:
    count = MAX_DEPTH + 20
    modules = "".join(
        f"defmodule S{i} do\n  use Supervisor\n"
        f"  def init(_), do: Supervisor.init([S{i + 1}], strategy: :one_for_one)\nend\n"
        for i in range(count)
    )
    root = _project(
        tmp_path,
        {
            "lib/s.ex": modules,
            "lib/app.ex": "defmodule App do\n  use Application\n"
            "  def start(_, _), do: Supervisor.start_link([S0], strategy: :one_for_one)\nend\n",
        },
    )
    smap = build_supervision_map(root)
    depth, node = 0, smap.roots[0]
    while node.children:
        depth, node = depth + 1, node.children[0]
    assert depth == MAX_DEPTH
    assert smap.notices == [f"supervision map: trees cut at {MAX_DEPTH} levels of supervision"]
    json.dumps(smap.to_json())


def test_a_nested_module_is_named_and_aliased_as_elixir_does(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "lib/outer.ex": "defmodule Outer do\n  use Supervisor\n"
            "  def init(_), do: Supervisor.init([Inner], strategy: :one_for_all)\n"
            "  defmodule Inner do\n    use Supervisor\n"
            "    def init(_), do: Supervisor.init([Outer.W], strategy: :rest_for_one)\n"
            "  end\nend\n"
        },
    )
    (outer,) = build_supervision_map(root).unattached
    assert (outer.strategy, _labels(outer)) == ("one_for_all", ["Outer.Inner"])
    assert (outer.children[0].strategy, _labels(outer.children[0])) == ("rest_for_one", ["Outer.W"])


def test_a_file_that_cannot_be_scanned_is_one_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(
        tmp_path,
        {
            "lib/app.ex": "defmodule A.App do\n  use Application\n"
            "  def start(_, _), do: Supervisor.start_link([A.W], strategy: :one_for_one)\nend\n",
            "lib/w.ex": "defmodule A.W do\n  use GenServer\nend\n",
            "lib/bad.ex": "defmodule A.Bad do\n  use GenServer\nend\n",
        },
    )
    real = supervision._scan_module

    def scan(module: object, name: str, path: str, scan: object) -> None:
        if path == "lib/bad.ex":
            raise RecursionError("maximum recursion depth exceeded")
        real(module, name, path, scan)  # type: ignore[arg-type]

    monkeypatch.setattr(supervision, "_scan_module", scan)
    smap = build_supervision_map(root)
    assert smap.notices == [
        "lib/bad.ex: supervision not read (RecursionError: maximum recursion depth exceeded)"
    ]
    assert [c.label for c in smap.roots[0].children] == ["A.W"]
    assert "A.Bad" not in smap.modules
    text = render_map(smap)
    assert text.endswith(
        "\n\nnotice: lib/bad.ex: supervision not read "
        "(RecursionError: maximum recursion depth exceeded)"
    )


def test_a_file_that_is_not_utf8_is_one_notice(tmp_path: Path) -> None:
    root = _project(tmp_path, {"lib/ok.ex": "defmodule Ok do\n  use GenServer\nend\n"})
    (root / "lib" / "latin1.ex").write_bytes(b"defmodule L do\n  # caf\xe9\nend\n")
    smap = build_supervision_map(root)
    assert smap.notices == ["lib/latin1.ex: not read (skipped: not UTF-8 text)"]
    assert [n.label for n in smap.unattached] == ["Ok"]
