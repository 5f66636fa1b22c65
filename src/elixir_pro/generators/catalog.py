"""The generator kinds, read from ``catalog.yaml`` next to this module (data, not code): what
words ask for each kind, which modules and files it creates from which templates, and which
child specs it adds to a supervisor.

Used by :mod:`elixir_pro.generators.request` (matching a prompt) and
:mod:`elixir_pro.generators.build` (generating).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True, slots=True)
class Kind:
    id: str
    title: str
    pattern: re.Pattern[str]
    default: str
    strip: str
    modules: dict[str, str]  # role -> pattern with {base}
    files: tuple[tuple[str, str], ...]  # (template, role)
    test: tuple[str, str] | None  # (template, role)
    children: tuple[str, ...]  # child spec templates
    builder: str  # "" for the generic builder
    requires: tuple[str, ...]
    settings: dict[str, str]  # template values the prompt may set -> their defaults

    def module_name(self, role: str, base: str) -> str:
        return self.modules[role].replace("{base}", base)


def _kind(kind_id: str, data: dict[str, object]) -> Kind:
    def pair(value: object) -> tuple[str, str]:
        assert isinstance(value, list) and len(value) == 2, f"{kind_id}: [template, role]"
        return str(value[0]), str(value[1])

    modules = data.get("modules") or {}
    files = data.get("files") or []
    test = data.get("test")
    children = data.get("children") or []
    requires = data.get("requires") or []
    settings = data.get("settings") or {}
    assert isinstance(modules, dict) and isinstance(files, list), kind_id
    assert isinstance(children, list) and isinstance(requires, list), kind_id
    assert isinstance(settings, dict), kind_id
    return Kind(
        id=kind_id,
        title=str(data["title"]),
        pattern=re.compile(str(data["pattern"]), re.IGNORECASE),
        default=str(data.get("default") or ""),
        strip=str(data.get("strip") or ""),
        modules={str(k): str(v) for k, v in modules.items()},
        files=tuple(pair(f) for f in files),
        test=pair(test) if test is not None else None,
        children=tuple(str(c) for c in children),
        builder=str(data.get("builder") or ""),
        requires=tuple(str(r) for r in requires),
        settings={str(k): str(v) for k, v in settings.items()},
    )


@cache
def kinds() -> tuple[Kind, ...]:
    """Every kind, in matching order (the catalog's order)."""
    text = resources.files(__package__).joinpath("catalog.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return tuple(_kind(str(k), v) for k, v in data.items())


def kind(kind_id: str) -> Kind | None:
    return next((k for k in kinds() if k.id == kind_id), None)


def template(name: str) -> str:
    """The text of one template under ``templates/``."""
    path = resources.files(__package__).joinpath("templates", name)
    return path.read_text(encoding="utf-8")
