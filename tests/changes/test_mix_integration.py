"""With the real mix: the courier example gets the engine's autofixes through the review model
and apply, then ``mix compile`` and ``mix test`` pass; verify reports a broken test with its
file:line and suggests the next prompt; undo after a formatted apply restores the old bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from elixir_pro.changes import journal
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.changes.verify import verify_after_apply
from elixir_pro.config import VerifyConfig
from elixir_pro.engine.autofix import autofix_changeset
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.mix import mix_compile, mix_test

pytestmark = pytest.mark.mix


@pytest.fixture
def courier(tmp_path: Path, repo_root: Path) -> Path:
    target = tmp_path / "courier"
    shutil.copytree(
        repo_root / "examples" / "courier", target, ignore=shutil.ignore_patterns("_build", "deps")
    )
    return target


def planted_findings(root: Path) -> list[Finding]:
    """The example's documented findings (its own ground truth, .planted.json)."""
    items = json.loads((root / ".planted.json").read_text())
    return [
        Finding(i["rule"], Severity.MEDIUM, i["path"], i["line"], 1, i["line"], 1, i["rule"])
        for i in items
    ]


def test_autofix_through_review_and_apply_then_mix_passes(courier: Path) -> None:
    before = {p: p.read_bytes() for p in courier.rglob("*.ex")}
    changeset = autofix_changeset(courier, findings=planted_findings(courier))
    assert len(changeset) >= 2
    model = ReviewModel(changeset)
    model.decide_all(True)
    outcome = apply_changeset(changeset, model)
    assert outcome.ok and outcome.applied
    verification = verify_after_apply(courier, outcome)
    assert verification.ran and verification.ok, verification.render_text()
    assert mix_compile(courier).ok
    tests = mix_test(courier)
    assert tests.ok and tests.summary.tests > 0, tests.result.output[-2000:]

    # a change that breaks a test: verify names it with file:line and suggests the fix prompt
    test_file = "test/courier/repo_test.exs"
    broken = Changeset(courier, source="test")
    text = (courier / test_file).read_text()
    assert "assert " in text
    broken.propose_text(test_file, text.replace("assert ", "refute ", 1))
    broken_model = ReviewModel(broken)
    broken_model.decide_all(True)
    failed = apply_changeset(broken, broken_model)
    verification = verify_after_apply(courier, failed, VerifyConfig(format=False))
    assert not verification.ok
    assert any(test_file + ":" in line for line in verification.failures), verification.failures
    assert verification.next_prompt.startswith("Fix the failing test")
    assert "Suggested next prompt" in failed.render_text()

    journal.undo(courier)  # the broken test
    journal.undo(courier)  # the autofixes (formatted by mix format after apply)
    assert {p: p.read_bytes() for p in courier.rglob("*.ex")} == before
