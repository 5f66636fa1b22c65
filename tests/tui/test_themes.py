"""Themes: the bundled YAML themes load and validate, a bad file is one line naming the file
(and field), a user theme can replace a bundled one, and the app shows load problems in the
error modal instead of failing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tui_support import settle

from elixir_pro.errors import UserError
from elixir_pro.paths import bundled_dir, config_dir
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.error import ErrorScreen
from elixir_pro.tui.themes import DEFAULT_THEME, load_theme_file, load_themes

THEMES = Path(__file__).resolve().parents[1] / "fixtures" / "tui" / "themes"


def test_bundled_themes_load_and_include_dark_light_and_high_contrast() -> None:
    loaded = load_themes([bundled_dir("themes")])
    assert loaded.errors == []
    by_name = {t.name: t for t in loaded.themes}
    assert {DEFAULT_THEME, "elixir-light", "high-contrast"} <= set(by_name)
    assert by_name["elixir-dark"].dark and not by_name["elixir-light"].dark


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-colour.yaml", "bad-colour.yaml: primary: not a colour: 'purplish'"),
        ("unknown-field.yaml", "unknown-field.yaml: sparkle: unknown field"),
        ("broken.yaml", "broken.yaml:4: not valid YAML"),
    ],
)
def test_a_bad_theme_is_one_line_naming_the_file(name: str, expected: str) -> None:
    with pytest.raises(UserError) as caught:
        load_theme_file(THEMES / name)
    line = caught.value.one_line()
    assert "\n" not in line
    assert line.endswith(expected)
    assert str(THEMES / name) in line


def test_bad_files_are_reported_and_the_rest_still_load() -> None:
    loaded = load_themes([bundled_dir("themes"), THEMES])
    assert len(loaded.errors) == 3
    assert all(e.count("\n") == 0 and str(THEMES) in e for e in loaded.errors)
    replaced = next(t for t in loaded.themes if t.name == "elixir-dark")
    assert replaced.primary == "#FF0000"  # the later (user) file wins by name


async def test_the_app_shows_theme_problems_in_the_error_modal(courier: Path) -> None:
    user_themes = config_dir() / "themes"
    user_themes.mkdir(parents=True)
    shutil.copy(THEMES / "bad-colour.yaml", user_themes)
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, ErrorScreen)
        assert "bad-colour.yaml: primary: not a colour" in app.screen.message
        await pilot.press("enter")
        assert app.theme == DEFAULT_THEME
