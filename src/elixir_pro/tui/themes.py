"""Themes: YAML files (bundled ``themes/*.yaml`` and the user's ``config_dir()/themes``) loaded
into Textual ``Theme`` objects, validated at load, and the persisted choice of theme.

A theme file is pure data (colours only; the CSS uses theme variables, never hex)::

    name: elixir-dark
    dark: true
    primary: "#9B6BDF"
    background: "#17121F"
    variables: {footer-key-foreground: "#D6A3FF"}

A bad file (not YAML, unknown field, bad colour) is reported as one line naming the file and
the field; the other themes still load. Used by the App (registration, palette switching).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from textual.color import Color, ColorParseError
from textual.theme import Theme

from elixir_pro.errors import UserError
from elixir_pro.paths import bundled_dir, config_dir, state_dir

DEFAULT_THEME = "elixir-dark"
_COLOR_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_OTHER_FIELDS = ("name", "dark", "luminosity_spread", "text_alpha", "variables")
_PREFS_FILE = "tui.json"


@dataclass(slots=True)
class ThemeSet:
    """The themes that loaded, in order (bundled first), and one line per file that did not."""

    themes: list[Theme] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [theme.name for theme in self.themes]


def _check_colour(path: Path, name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise UserError(
            f"expected a colour string, got {type(value).__name__}", path=path, field=name
        )
    try:
        Color.parse(value)
    except ColorParseError:
        raise UserError(f"not a colour: {value!r}", path=path, field=name) from None
    return value


def load_theme_file(path: Path) -> Theme:
    """One theme file to a validated Theme; raises UserError (one line) when it is bad."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read theme: {exc}", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise UserError("not valid YAML", path=path, line=line) from None
    if not isinstance(data, dict):
        raise UserError("a theme file must be a mapping of fields", path=path)
    unknown = sorted(set(data) - set(_COLOR_FIELDS) - set(_OTHER_FIELDS))
    if unknown:
        raise UserError("unknown field", path=path, field=str(unknown[0]))
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise UserError("expected a non-empty name", path=path, field="name")
    if "primary" not in data:
        raise UserError("missing required colour", path=path, field="primary")
    colours = {key: _check_colour(path, key, data[key]) for key in _COLOR_FIELDS if key in data}
    variables = data.get("variables", {}) or {}
    if not isinstance(variables, dict):
        raise UserError("expected a mapping", path=path, field="variables")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise UserError("expected true or false", path=path, field="dark")
    numbers: dict[str, float] = {}
    for key in ("luminosity_spread", "text_alpha"):
        if key in data:
            value = data[key]
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise UserError("expected a number", path=path, field=key)
            numbers[key] = float(value)
    options: dict[str, Any] = {**colours, **numbers}
    theme = Theme(
        name=name.strip(),
        dark=dark,
        variables={str(k): str(v) for k, v in variables.items()},
        **options,
    )
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # a bad value only shows when the colours are generated
        raise UserError(f"invalid theme: {exc}", path=path) from None
    return theme


def theme_dirs() -> list[Path]:
    return [bundled_dir("themes"), config_dir() / "themes"]


def load_themes(dirs: list[Path] | None = None) -> ThemeSet:
    """Every ``*.yaml`` theme in ``dirs`` (bundled, then user). A later theme with the same name
    replaces the earlier one, so a user can restyle a bundled theme."""
    result = ThemeSet()
    by_name: dict[str, int] = {}
    for directory in theme_dirs() if dirs is None else dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.yaml")):
            try:
                theme = load_theme_file(path)
            except UserError as exc:
                result.errors.append(exc.one_line())
                continue
            if theme.name in by_name:
                result.themes[by_name[theme.name]] = theme
            else:
                by_name[theme.name] = len(result.themes)
                result.themes.append(theme)
    return result


def _prefs_path() -> Path:
    return state_dir() / _PREFS_FILE


def load_theme_choice() -> str | None:
    try:
        data = json.loads(_prefs_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    choice = data.get("theme") if isinstance(data, dict) else None
    return choice if isinstance(choice, str) else None


def save_theme_choice(name: str) -> None:
    path = _prefs_path()
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data["theme"] = name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # the choice is a convenience; failing to remember it must not break the app
