"""Path categories and the scope policy (engine/scope.py)."""

from __future__ import annotations

import pytest

from elixir_pro.engine.scope import EVERYTHING, ScopePolicy, category, matches


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("lib/shop/accounts.ex", "lib"),
        ("apps/shop/lib/shop.ex", "lib"),
        ("lib/shop/config/loader.ex", "lib"),
        ("test/shop_test.exs", "test"),
        ("test/support/fixtures.ex", "test"),
        ("apps/shop/test/test_helper.exs", "test"),
        ("integration_test/cases/repo.exs", "test"),
        ("lib/shop/worker_test.exs", "test"),
        ("bench/insert.exs", "script"),
        ("examples/todo/lib/todo.ex", "script"),
        ("priv/repo/seeds.exs", "script"),
        ("priv/templates/phx.gen.live/index.ex", "script"),
        (".github/scripts/release.exs", "script"),
        ("scripts/tcp_bridge.exs", "script"),
        ("apps/relay/scripts/migrate_keys.exs", "script"),
        ("config/runtime.exs", "config"),
        ("apps/shop/config/config.exs", "config"),
        ("mix.exs", "build"),
        ("apps/shop/mix.exs", "build"),
        (".formatter.exs", "build"),
    ],
)
def test_category(path: str, kind: str) -> None:
    assert category(path) == kind


def test_globs() -> None:
    assert matches("lib/legacy/a.ex", ["lib/legacy/**"])
    assert matches("lib/legacy/a.ex", ["lib/legacy/"])
    assert matches("apps/x/lib/legacy/a.ex", ["**/legacy/**"])
    assert matches("lib/a_test.ex", ["*_test.ex"])
    assert not matches("lib/a.ex", ["lib/legacy/**", "test/"])


def test_policy() -> None:
    lib = frozenset({"lib"})
    default = ScopePolicy()
    assert default.covers("r", lib, "lib/a.ex") and not default.covers("r", lib, "test/a_test.exs")
    assert ScopePolicy(include_tests=True).covers("r", lib, "bench/a.exs")
    assert not ScopePolicy(include_tests=True).covers("r", lib, "config/config.exs")
    assert ScopePolicy(include=("config/",)).covers("r", lib, "config/config.exs")
    narrowed = ScopePolicy(rule_paths={"r": ("lib/web/**",)})
    assert narrowed.covers("r", lib, "lib/web/a.ex") and not narrowed.covers("r", lib, "lib/a.ex")
    assert narrowed.covers("other", lib, "lib/a.ex")
    assert not ScopePolicy(exclude=("lib/",), include=("lib/",)).covers("r", lib, "lib/a.ex")
    assert not default.runs("style", strict_rule=True) and default.runs("r", strict_rule=False)
    assert ScopePolicy(enable=frozenset({"style"})).runs("style", strict_rule=True)
    assert EVERYTHING.covers("r", lib, "test/a_test.exs") and EVERYTHING.runs("s", True)
