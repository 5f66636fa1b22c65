"""The project service's compiler findings with the real ``mix``: the first compile is the
baseline (nothing new), a warning that is still there is never new again, a broken file's error
comes and goes while other files' warnings stay, a deleted file's warnings go, and the critical
pane's context lists them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from compiled_courier import add_unused_variable, courier_copy

from elixir_pro.project import ProjectService
from elixir_pro.project.compiler_findings import compiler_context

pytestmark = pytest.mark.mix


@pytest.fixture
def service(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[ProjectService]:
    root = courier_copy(tmp_path_factory, tmp_path / "courier")
    svc = ProjectService(root, compile_diagnostics=True)
    svc.analyze_all()
    yield svc
    svc.close()


def rules(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return sorted((f.rule, f.path) for f in findings if f.source == "compiler")


def test_errors_and_warnings_keep_their_identity(service: ProjectService) -> None:
    root = service.root
    rel, line = add_unused_variable(root)
    first = service.follow_up([rel])
    assert first is not None and first.new == []  # the first compile is the baseline
    assert rules(first.findings) == [("compiler:warning", rel)]
    warning = next(f for f in first.findings if f.source == "compiler")
    broken = root / "lib/courier/metrics.ex"
    original = broken.read_text()
    broken.write_text(original.replace("  def ", "  def broken(, do: 1\n  def ", 1))
    failed = service.follow_up(["lib/courier/metrics.ex"])
    assert failed is not None
    assert rules(failed.new) == [("compiler:error", "lib/courier/metrics.ex")]
    assert failed.resolved == []  # the warning elsewhere is still there
    assert warning in service.findings
    # a change to the warned file while the build is broken: its warning is kept, not dropped
    path = root / rel
    path.write_text(path.read_text() + "\n")
    meanwhile = service.follow_up([rel])
    assert meanwhile is not None and meanwhile.resolved == [] and meanwhile.new == []
    assert rules(service.findings) == sorted(
        [("compiler:error", "lib/courier/metrics.ex"), ("compiler:warning", rel)]
    )
    broken.write_text(original)
    fixed = service.follow_up(["lib/courier/metrics.ex"])
    assert fixed is not None and fixed.new == []
    assert rules(fixed.resolved) == [("compiler:error", "lib/courier/metrics.ex")]
    # lines added above the warning: the same warning, moved, not new
    path.write_text("# Rates.\n" + path.read_text())
    moved = service.follow_up([rel])
    assert moved is not None and moved.new == [] and moved.resolved == []
    (now,) = [f for f in moved.findings if f.source == "compiler"]
    assert now.line == line + 1 and now.fingerprint == warning.fingerprint
    context = compiler_context(service.findings, [rel, "lib/courier/metrics.ex"])
    assert context.splitlines()[1:] == [f"- {rel}:{line + 1}: warning: {now.message}"]
    path.unlink()
    gone = service.follow_up([rel])
    assert gone is not None and rules(gone.resolved) == [("compiler:warning", rel)]
    assert [f for f in service.findings if f.source == "compiler"] == []
    assert compiler_context(service.findings, [rel]) == ""


def test_two_warnings_on_one_line_are_two_findings(service: ProjectService) -> None:
    root = service.root
    path = root / "lib/courier/extra.ex"
    path.write_text("defmodule Courier.Extra do\n  def f(a, b), do: :ok\nend\n")
    delta = service.follow_up(["lib/courier/extra.ex"])
    assert delta is not None
    found = [f for f in delta.findings if f.source == "compiler"]
    assert len(found) == 2 and len({f.fingerprint for f in found}) == 2
    assert {f.line for f in found} == {2}
