"""The root .gitignore filter used by the Grep and Glob walks."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.tools.gitignore import Gitignore

RULES = """\
# build output
/_build/
/cover/
doc/
*.log
!keep.log
/priv/static/assets/
tmp/**
\\#literal
"""


@pytest.fixture
def rules(tmp_path: Path) -> Gitignore:
    (tmp_path / ".gitignore").write_text(RULES)
    gitignore = Gitignore(tmp_path / ".gitignore")
    gitignore.refresh()
    return gitignore


@pytest.mark.parametrize(
    ("rel", "is_dir", "expected"),
    [
        ("_build", True, True),
        ("lib/_build", True, False),  # anchored to the root
        ("_build", False, False),  # folders only
        ("cover", True, True),
        ("doc", True, True),
        ("apps/web/doc", True, True),  # no inner slash: any depth
        ("doc", False, False),
        ("server.log", False, True),
        ("log/deep/server.log", False, True),
        ("keep.log", False, False),  # re-included
        ("priv/static/assets", True, True),
        ("priv/static", True, False),
        ("tmp/a.ex", False, True),
        ("tmp/x", True, True),
        ("#literal", False, True),
        ("lib/app.ex", False, False),
    ],
)
def test_rules(rules: Gitignore, rel: str, is_dir: bool, expected: bool) -> None:
    assert rules.ignored(rel, is_dir) is expected


def test_ignored_within_checks_every_parent(rules: Gitignore) -> None:
    assert rules.ignored_within("priv/static/assets/js")
    assert rules.ignored_within("cover")
    assert not rules.ignored_within("lib/shop")


def test_changes_to_the_file_are_picked_up(tmp_path: Path) -> None:
    path = tmp_path / ".gitignore"
    path.write_text("*.log\n")
    gitignore = Gitignore(path)
    gitignore.refresh()
    assert gitignore.ignored("a.log", False)
    path.write_text("*.tmp\n# now logs are fine\n")
    gitignore.refresh()
    assert not gitignore.ignored("a.log", False) and gitignore.ignored("b.tmp", False)
    path.unlink()
    gitignore.refresh()
    assert gitignore.empty and not gitignore.ignored("b.tmp", False)
