"""Trigger glob semantics: a table of paths against patterns."""

from __future__ import annotations

import pytest

from elixir_pro.watch import DEFAULT_TRIGGERS, GlobSet, glob_to_regex

CASES = [
    # pattern, path, matches
    ("*.ex", "a.ex", True),
    ("*.ex", "lib/deep/a.ex", True),
    ("*.ex", "a.exs", False),
    ("*.ex", "lib/a.ex.swp", False),
    ("mix.exs", "mix.exs", True),
    ("mix.exs", "apps/web/mix.exs", True),
    ("mix.exs", "xmix.exs", False),
    ("**/lib/**/*.ex", "lib/a.ex", True),
    ("**/lib/**/*.ex", "lib/x/y/a.ex", True),
    ("**/lib/**/*.ex", "apps/web/lib/a.ex", True),
    ("**/lib/**/*.ex", "mylib/a.ex", False),
    ("**/lib/**/*.ex", "lib/a.exs", False),
    ("**/test/**/*_test.exs", "test/a_test.exs", True),
    ("**/test/**/*_test.exs", "apps/x/test/unit/a_test.exs", True),
    ("**/test/**/*_test.exs", "test/a.exs", False),
    ("**/test/**/*_test.exs", "test/support/helper.ex", False),
    ("lib/*.ex", "lib/a.ex", True),
    ("lib/*.ex", "lib/x/a.ex", False),  # * does not cross /
    ("lib/*.ex", "apps/lib/a.ex", False),  # a slash anchors at the root
    ("/lib/*.ex", "lib/a.ex", True),
    ("lib/**", "lib/x/y.ex", True),
    ("lib/**", "lib", False),
    ("a?.ex", "ab.ex", True),
    ("a?.ex", "a/.ex", False),
    ("[ab].ex", "b.ex", True),
    ("[!ab].ex", "c.ex", True),
    ("[!ab].ex", "a.ex", False),
    ("config/**/*.exs", "config/config.exs", True),
    ("config/**/*.exs", "config/prod/runtime.exs", True),
    ("a.ex", "a+ex", False),  # the dot is literal
]


@pytest.mark.parametrize(("pattern", "path", "expected"), CASES)
def test_glob_table(pattern: str, path: str, expected: bool) -> None:
    assert GlobSet([pattern]).matches(path) is expected


def test_default_triggers_match_sources_not_artifacts() -> None:
    triggers = GlobSet(DEFAULT_TRIGGERS)
    for path in ("mix.exs", "lib/app/worker.ex", "test/app_test.exs", "config/config.exs"):
        assert triggers.matches(path), path
    for path in ("README.md", "lib/app.ex~", "lib/.app.ex.swp", "priv/static/app.js", "4913"):
        assert not triggers.matches(path), path


def test_empty_set_matches_nothing_and_empty_pattern_is_rejected() -> None:
    assert not GlobSet([]).matches("a.ex")
    with pytest.raises(ValueError):
        glob_to_regex("  ")
