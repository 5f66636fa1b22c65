"""Docs pinned to the project's versions: a dependency's module is documented from its BEAM
files as compiled in the project's ``_build/<env>/lib/<app>/ebin`` (``dev`` first), so the
answer is for the exact version the project builds with, and says which.

The dependencies compiled there are read from their ``.app`` files (name, ``vsn``, modules);
the lookup itself is :class:`~elixir_pro.engine.docs.DocsLookup` with those ``ebin``
directories on the code path. A module that no compiled application holds but that a
dependency defines in its sources (``deps/<name>`` or a ``path:`` dependency of ``mix.exs``)
is answered with "not compiled" and how to fix it, never with another version's docs.

Used by ``elixir-pro docs``, the Docs tool offered to Claude, the MCP server's docs tool and
the offline informative mode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from elixir_pro.engine.docs import (
    DEFAULT_TIMEOUT,
    DocResult,
    DocsAnswer,
    DocsLookup,
    DocsUnavailable,
    parse_symbol,
)

ENV_ORDER = ("dev", "test", "prod")
_VSN = re.compile(r"\{vsn,\s*\"([^\"]*)\"\}")
_MODULES = re.compile(r"\{modules,\s*\[([^\]]*)\]\}")
_APP = re.compile(r"\bapp:\s*:([a-z_][a-z0-9_]*)")
_PATH_DEP = re.compile(r"\{\s*:([a-z_][a-z0-9_]*)\s*,\s*path:\s*\"([^\"]+)\"")
_DEFMODULE = re.compile(r"^\s*defmodule\s+([A-Z][\w.]*)\s+do\b", re.MULTILINE)
MAX_SOURCE_FILES = 5000


@dataclass(frozen=True, slots=True)
class CompiledApp:
    """One application compiled in the project's build: its name, version and ``ebin``."""

    name: str
    version: str
    ebin: Path
    modules: frozenset[str]
    own: bool  # the project's own application (not a dependency)


def build_env_dir(root: Path) -> Path | None:
    """``_build/dev`` (else test, prod, else the first env) when it has compiled apps."""
    build = root / "_build"
    if not build.is_dir():
        return None
    envs = sorted(p for p in build.iterdir() if (p / "lib").is_dir())
    ranked = sorted(envs, key=lambda p: ENV_ORDER.index(p.name) if p.name in ENV_ORDER else 9)
    return ranked[0] if ranked else None


def own_apps(root: Path) -> set[str]:
    """The project's own application names (its mix.exs, and apps/*/mix.exs in an umbrella)."""
    names: set[str] = set()
    for mix in [root / "mix.exs", *sorted(root.glob("apps/*/mix.exs"))]:
        try:
            match = _APP.search(mix.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if match:
            names.add(match.group(1))
    return names


def _module_name(atom: str) -> str:
    name = atom.strip().strip("'")
    return name[len("Elixir.") :] if name.startswith("Elixir.") else f":{name}"


def compiled_apps(root: Path) -> dict[str, CompiledApp]:
    """Module name -> the application compiled in the build that holds it."""
    env = build_env_dir(root)
    if env is None:
        return {}
    mine = own_apps(root)
    found: dict[str, CompiledApp] = {}
    for app_file in sorted((env / "lib").glob("*/ebin/*.app")):
        try:
            text = app_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        vsn, mods = _VSN.search(text), _MODULES.search(text)
        modules = frozenset(_module_name(m) for m in (mods.group(1).split(",") if mods else ()))
        name = app_file.stem
        app = CompiledApp(
            name, vsn.group(1) if vsn else "?", app_file.parent, modules, name in mine
        )
        for module in modules:
            found.setdefault(module, app)
    return found


def dependency_sources(root: Path) -> dict[str, Path]:
    """Dependency name -> its source folder: ``deps/*`` and ``path:`` dependencies."""
    sources: dict[str, Path] = {}
    deps = root / "deps"
    if deps.is_dir():
        sources.update({p.name: p for p in sorted(deps.iterdir()) if p.is_dir()})
    try:
        mix = (root / "mix.exs").read_text(encoding="utf-8", errors="replace")
    except OSError:
        mix = ""
    for name, path in _PATH_DEP.findall(mix):
        sources.setdefault(name, (root / path).resolve())
    return sources


def defining_dependency(root: Path, module: str) -> tuple[str, Path] | None:
    """The dependency whose sources define ``module`` (``defmodule Module do``), if any."""
    seen = 0
    for name, folder in dependency_sources(root).items():
        for source in sorted(folder.glob("lib/**/*.ex")):
            seen += 1
            if seen > MAX_SOURCE_FILES:
                return None
            try:
                text = source.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if module in _DEFMODULE.findall(text):
                return name, folder
    return None


def _header(app: CompiledApp, env: Path, root: Path) -> str:
    where = env.relative_to(root).as_posix() if env.is_relative_to(root) else str(env)
    if app.own:
        return f"_{app.name} {app.version}: this project, as compiled in {where}_\n\n"
    return f"_{app.name} {app.version}: the version compiled in {where}_\n\n"


def project_docs(root: Path, symbol: str, *, timeout: float = DEFAULT_TIMEOUT) -> DocsAnswer:
    """The docs of ``symbol`` as the project at ``root`` is built (see the module doc)."""
    return project_docs_many(root, [symbol], timeout=timeout)[0]


def project_docs_many(
    root: Path, symbols: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT
) -> list[DocsAnswer]:
    """The docs of several symbols as the project is built, in one ``elixir`` run."""
    root = root.resolve()
    apps = compiled_apps(root)
    env = build_env_dir(root)
    paths = sorted({app.ebin for app in apps.values()})
    answers = DocsLookup(timeout=timeout, code_paths=paths).fetch_many(symbols)
    pairs = zip(symbols, answers, strict=True)
    return [_pinned(root, symbol, answer, apps, env) for symbol, answer in pairs]


def _pinned(
    root: Path,
    symbol: str,
    answer: DocsAnswer,
    apps: dict[str, CompiledApp],
    env: Path | None,
) -> DocsAnswer:
    query = parse_symbol(symbol)
    module = query.module if query is not None else ""
    app = apps.get(module)
    if isinstance(answer, DocResult):
        if app is not None and env is not None:
            return replace(answer, markdown=_header(app, env, root) + answer.markdown)
        return answer
    if answer.reason != "not-found" or not module or app is not None:
        return answer
    owner = defining_dependency(root, module)
    if owner is None:
        return answer
    name, folder = owner
    where = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
    return DocsUnavailable(
        symbol,
        "not-found",
        f"{module} is defined by the dependency {name} ({where}), which is not compiled in "
        f"this project's _build: run 'mix deps.get && mix compile' in {root} to document it "
        "at the project's version",
    )
