"""Which files a rule looks at: the path categories of a project and the scope policy.

Every file falls in one category, read from its path alone:

- ``lib``: application code (everything not listed below);
- ``test``: ``test/`` and ``integration_test/`` folders, ``*_test.exs``, ``test_helper.exs``;
- ``script``: ``bench/``, ``benchmarks/``, ``examples/``, ``priv/`` (seeds, templates, migration
  scripts), ``dev/``, ``scripts/`` and dot-folders (``.github/`` scripts): code that never runs
  in the deployed application;
- ``config``: ``config/`` files;
- ``build``: ``mix.exs``, ``.formatter.exs``, ``.credo.exs`` and other dot-files.

A rule declares the categories where its pattern is a real mistake (``Rule.scopes``, default
``lib`` only); the policy can bring the others back (``--include-tests``, ``paths.include``)
or narrow further (``paths.exclude``, per-rule ``rules.paths``). ``deps/`` and ``_build/`` are
never read at all (see ``engine/sources.py``).

Used by the analyzer (before a rule runs on a file), the rules docs and the settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache

LIB = "lib"
TEST = "test"
SCRIPT = "script"
CONFIG = "config"
BUILD = "build"
CATEGORIES = (LIB, TEST, SCRIPT, CONFIG, BUILD)

TEST_DIRS = frozenset({"test", "integration_test", "integration_tests"})
SCRIPT_DIRS = frozenset({"bench", "benchmarks", "examples", "priv", "dev", "scripts"})


@lru_cache(maxsize=65536)
def category(path: str) -> str:
    """The category of a relative posix path (see the module docstring)."""
    parts = path.split("/")
    name, dirs = parts[-1], parts[:-1]
    if name.endswith("_test.exs") or name == "test_helper.exs" or TEST_DIRS.intersection(dirs):
        return TEST
    if SCRIPT_DIRS.intersection(dirs) or any(d.startswith(".") for d in dirs):
        return SCRIPT
    if "config" in dirs and _config_folder(dirs):
        return CONFIG
    if name == "mix.exs" or name.startswith("."):
        return BUILD
    return LIB


def _config_folder(dirs: list[str]) -> bool:
    """``config/`` at the root of the project or of an umbrella app (not ``lib/x/config/``)."""
    i = dirs.index("config")
    return i == 0 or (i >= 2 and dirs[i - 2] == "apps")


def matches(path: str, patterns: Iterable[str]) -> bool:
    """True when ``path`` matches one of the glob ``patterns``. ``**`` spans folders, a pattern
    ending in ``/`` (or naming a folder) matches everything below it."""
    return any(_match(path, pattern) for pattern in patterns)


def _match(path: str, pattern: str) -> bool:
    pattern = pattern.strip()
    pattern = pattern[2:] if pattern.startswith("./") else pattern
    if not pattern:
        return False
    if pattern.endswith("/"):
        return path.startswith(pattern) or f"/{pattern}" in f"/{path}"
    if fnmatchcase(path, pattern) or path.startswith(pattern.rstrip("*") + "/"):
        return True
    if pattern.startswith("**/"):
        return fnmatchcase(path, pattern[3:]) or _match(path, pattern[3:] + "/")
    return "/" not in pattern and fnmatchcase(path.rsplit("/", 1)[-1], pattern)


@dataclass(frozen=True, slots=True)
class ScopePolicy:
    """Where the rules look. ``include`` brings matching files back into every rule's scope;
    ``exclude`` removes matching files from all rules; ``rule_paths`` narrows one rule to the
    matching files; ``include_tests`` brings test and script code back for every rule;
    ``strict`` runs the opt-in strict rules, ``enable`` names strict rules to run."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    rule_paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    include_tests: bool = False
    strict: bool = False
    enable: frozenset[str] = frozenset()

    def runs(self, rule_id: str, strict_rule: bool) -> bool:
        """Whether a rule runs at all under this policy."""
        return not strict_rule or self.strict or rule_id in self.enable

    def covers(self, rule_id: str, scopes: frozenset[str], path: str) -> bool:
        """Whether the rule ``rule_id`` with home ``scopes`` looks at ``path``."""
        if self.exclude and matches(path, self.exclude):
            return False
        narrowed = self.rule_paths.get(rule_id)
        if narrowed is not None and not matches(path, narrowed):
            return False
        kind = category(path)
        if kind in scopes or (self.include_tests and kind in (TEST, SCRIPT)):
            return True
        return bool(self.include) and matches(path, self.include)


#: Every file, every rule: used where one file is checked for its own sake (rule fixtures).
EVERYTHING = ScopePolicy(include=("**",), include_tests=True, strict=True)
