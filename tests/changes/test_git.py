"""Git: committing exactly the applied files with a real repository in a temp dir; other staged
files stay staged and uncommitted, unstaged edits are not swept in; the diff against HEAD."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.gitops import GitUnavailable, diff_against_head
from elixir_pro.changes.review_model import ReviewModel


def make_repo(root: Path) -> git.Repo:
    root.mkdir()
    repo = git.Repo.init(root)
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Test")
        cfg.set_value("user", "email", "test@example.com")
        cfg.set_value("commit", "gpgsign", "false")
    for name in ("a.ex", "b.ex", "staged.ex", "unstaged.ex", "gone.ex"):
        (root / name).write_text(f"{name} v1\n")
    repo.git.add("--all")
    repo.git.commit("-m", "initial")
    return repo


def test_commit_only_the_applied_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    repo = make_repo(root)
    (root / "staged.ex").write_text("staged.ex v2\n")
    repo.git.add("staged.ex")
    (root / "unstaged.ex").write_text("unstaged.ex v2\n")
    changeset = Changeset(root, source="claude", description="Rename things")
    changeset.propose_text("a.ex", "a.ex v2\n")
    changeset.propose_text("lib/new.ex", "new\n")
    changeset.propose_delete("gone.ex")
    changeset.propose_text("b.ex", "b.ex v2\n")
    model = ReviewModel(changeset)
    model.decide_all(True)
    model.reject("b.ex", 0, "no")
    outcome = apply_changeset(changeset, model, commit=True, commit_message="Apply the fix")
    assert outcome.commit == repo.head.commit.hexsha
    head = repo.head.commit
    assert head.message.strip() == "Apply the fix"
    assert sorted(head.stats.files) == ["a.ex", "gone.ex", "lib/new.ex"]
    # the other staged file is still staged, not committed; the unstaged edit is untouched
    assert [d.a_path for d in repo.index.diff("HEAD")] == ["staged.ex"]
    assert [d.a_path for d in repo.index.diff(None)] == ["unstaged.ex"]
    assert (root / "b.ex").read_text() == "b.ex v1\n"


def test_diff_against_head_and_not_a_repo(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_repo(root)
    (root / "a.ex").write_text("a.ex changed\n")
    diff = diff_against_head(root)
    assert "-a.ex v1" in diff and "+a.ex changed" in diff
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitUnavailable, match="not inside a git repository"):
        diff_against_head(plain)
    (plain / "x.ex").write_text("x\n")
    changeset = Changeset(plain, source="test")
    changeset.propose_text("x.ex", "y\n")
    model = ReviewModel(changeset)
    model.decide_all(True)
    outcome = apply_changeset(changeset, model, commit=True)
    assert outcome.commit is None and "Not committed" in outcome.render_text()
    assert (plain / "x.ex").read_text() == "y\n"
