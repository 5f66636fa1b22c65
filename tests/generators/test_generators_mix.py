"""With the real mix: every OTP generator's output, staged on one git copy of examples/courier,
applied through the review model, compiles with ``--warnings-as-errors`` and its generated test
passes; the supervision map then shows each new child under the supervisor it was meant for.

One copy for all generators, one compile and one ``mix test`` (a module-scoped fixture); the
tests then assert per generator.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from elixir_pro import generators
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.engine.supervision_model import ProcessNode, SupervisionMap
from elixir_pro.project import ProjectService

pytestmark = pytest.mark.mix

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "courier"
MIX_TIMEOUT_S = 300.0
APP = "Courier.Application"

#: prompt -> (the supervisor meant to start it, the new children's names under it)
CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Write a DynamicSupervisor that starts one CartSession process per user": (
        APP,
        ("Courier.CartSessionRegistry", "Courier.CartSessionSupervisor"),
    ),
    "Write a GenServer called Digest under the reporting supervisor": (
        "Courier.Reporting.Supervisor",
        ("Courier.Digest",),
    ),
    "Write a Supervisor for billing": (APP, ("Courier.BillingSupervisor",)),
    "Add a Registry for sessions": (APP, ("Courier.SessionsRegistry",)),
    "Create a Task.Supervisor for emails": (APP, ("Courier.EmailsTaskSupervisor",)),
    "Write a PartitionSupervisor for uploads": (APP, ("Courier.UploadsPartitionSupervisor",)),
    "Write a periodic worker called Sweeper that runs every 5 minutes": (
        APP,
        ("Courier.Sweeper",),
    ),
    "Create an Agent called Settings": (APP, ("Courier.Settings",)),
    "Create a rate limiter for the api allowing 100 requests per minute": (
        APP,
        ("Courier.ApiRateLimiter",),
    ),
    "Add a cache with ETS for quotes whose entries expire after 10 minutes": (
        APP,
        ("Courier.QuotesCache",),
    ),
}


@dataclass
class Built:
    root: Path
    generations: dict[str, generators.Generation]
    compile: subprocess.CompletedProcess[str]
    test: subprocess.CompletedProcess[str]
    smap: SupervisionMap


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MIX_ENV": "test", "LANG": "C.UTF-8"}
    return subprocess.run(
        ["mix", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=MIX_TIMEOUT_S,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("generated") / "courier"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_build", "deps"))
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "example")
    changeset = Changeset(root, source="test")
    made: dict[str, generators.Generation] = {}
    for prompt in CASES:
        request = generators.match(prompt, root)
        assert request is not None, prompt
        made[prompt] = generators.generate(request, root, read=changeset.view)
        assert generators.stage(made[prompt], changeset), prompt
    model = ReviewModel(changeset)
    model.decide_all(True)
    outcome = apply_changeset(changeset, model)
    assert outcome.ok, outcome.render_text()
    compiled = _run(root, "compile", "--warnings-as-errors")
    tests = sorted({g.test_path for g in made.values()})
    tested = _run(root, "test", *tests)
    return Built(root, made, compiled, tested, ProjectService(root).supervision())


def _find(smap: SupervisionMap, name: str) -> tuple[ProcessNode, ProcessNode] | None:
    """(parent, node) for the process named ``name`` (module or registered name)."""

    def visit(parent: ProcessNode) -> tuple[ProcessNode, ProcessNode] | None:
        for child in parent.children:
            if name in (child.module, child.registered_as):
                return parent, child
            found = visit(child)
            if found is not None:
                return found
        return None

    for root in smap.roots:
        found = visit(root)
        if found is not None:
            return found
    return None


def test_the_generated_project_compiles_without_warnings(built: Built) -> None:
    assert built.compile.returncode == 0, built.compile.stdout + built.compile.stderr
    assert "warning" not in (built.compile.stdout + built.compile.stderr).lower()


def test_the_project_stays_formatted(built: Built) -> None:
    done = _run(built.root, "format", "--check-formatted")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("prompt", list(CASES))
def test_each_generated_test_runs_and_passes(built: Built, prompt: str) -> None:
    generation = built.generations[prompt]
    output = built.test.stdout + built.test.stderr
    assert generation.test_path + ":" not in output, output[-3000:]  # no failure in it
    assert built.test.returncode == 0, output[-3000:]
    summary = re.search(r"(\d+) tests?, (\d+) failures?", output)
    assert summary is not None, output[-3000:]
    written = sum(
        len(re.findall(r'^\s+test "', (built.root / g.test_path).read_text(), re.M))
        for g in built.generations.values()
    )
    assert int(summary.group(1)) == written and summary.group(2) == "0"
    assert re.search(r'^\s+test "', (built.root / generation.test_path).read_text(), re.M)


@pytest.mark.parametrize("prompt", list(CASES))
def test_each_new_child_sits_under_the_intended_supervisor(built: Built, prompt: str) -> None:
    supervisor, children = CASES[prompt]
    generation = built.generations[prompt]
    assert generation.supervisor == supervisor
    for name in children:
        found = _find(built.smap, name)
        assert found is not None, f"{name} is not in the supervision map"
        parent, _node = found
        assert parent.module == supervisor, f"{name} is under {parent.label}"


def test_the_engine_finds_nothing_in_the_generated_files(built: Built) -> None:
    created = {path for g in built.generations.values() for path in g.created_paths}
    service = ProjectService(built.root, include_tests=True, strict=True, min_confidence="low")
    found = [f for f in service.audit().findings if f.path in created]
    assert found == [], [f"{f.rule} {f.location}" for f in found]


def test_the_per_key_process_is_started_by_its_dynamic_supervisor(built: Built) -> None:
    found = _find(built.smap, "Courier.CartSession")
    assert found is not None
    parent, node = found
    assert parent.module == "Courier.CartSessionSupervisor"
    assert node.dynamic
