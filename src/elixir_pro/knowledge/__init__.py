"""The curated local knowledge base: the OTP and Phoenix choices the agent's evaluative mode
weighs (GenServer vs Agent vs Task, Registry vs :global vs :pg, ...), one YAML file per
comparison in this package, each option and each entry with its sources.

An option names the project facts (:mod:`elixir_pro.engine.uses`) that show the project uses
it, so an answer can say what the project actually does. :func:`find_comparison` picks the
entry a question is about. Loaded and validated once; a malformed file is a packaging error
and raises :class:`KnowledgeError` naming the file and field. Used by the offline backend's
comparisons (:mod:`elixir_pro.llm.offline_compare`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

_OPTION_FIELDS = ("name", "summary", "strengths", "costs", "choose_when", "sources")


class KnowledgeError(Exception):
    """A knowledge file that does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    aliases: tuple[str, ...]
    uses: tuple[str, ...]  # project fact keys that show the project uses this option
    absent: tuple[str, ...]  # or: fact keys whose absence shows it (single node: no distribution)
    summary: str
    strengths: tuple[str, ...]
    costs: tuple[str, ...]
    choose_when: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    id: str
    title: str
    question: str
    options: tuple[Option, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    human_gate: str = ""  # why a decision here is left to a human ("" when it is not)
    file: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """A comparison and the options a question names (in the entry's order)."""

    comparison: Comparison
    named: tuple[Option, ...]


def _strings(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> list[str]:
    value = data.get(key, [] if not required else None)
    if value is None or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeError(f"{where}: '{key}' must be a list of strings")
    if required and not value:
        raise KnowledgeError(f"{where}: '{key}' must not be empty")
    return [" ".join(v.split()) for v in value]


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: '{key}' must be a non-empty string")
    return " ".join(value.split())


def _option(data: Any, where: str) -> Option:
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: an option must be a mapping")
    missing = [k for k in _OPTION_FIELDS if k not in data]
    if missing:
        raise KnowledgeError(f"{where}: missing {', '.join(missing)}")
    sources = _strings(data, "sources", where)
    if not all(s.startswith("https://") for s in sources):
        raise KnowledgeError(f"{where}: every source must be an https URL")
    name = _text(data, "name", where)
    return Option(
        name=name,
        aliases=tuple(_strings(data, "aliases", where, required=False) or [name]),
        uses=tuple(_strings(data, "uses", where, required=False)),
        absent=tuple(_strings(data, "absent", where, required=False)),
        summary=_text(data, "summary", where),
        strengths=tuple(_strings(data, "strengths", where)),
        costs=tuple(_strings(data, "costs", where)),
        choose_when=_text(data, "choose_when", where),
        sources=tuple(sources),
    )


def parse_comparison(data: Any, file: str) -> Comparison:
    if not isinstance(data, dict):
        raise KnowledgeError(f"{file}: the file must hold a mapping")
    options = data.get("options")
    if not isinstance(options, list) or len(options) < 2:
        raise KnowledgeError(f"{file}: 'options' must list at least two options")
    gate = data.get("human_gate", "")
    return Comparison(
        id=_text(data, "id", file),
        title=_text(data, "title", file),
        question=_text(data, "question", file),
        options=tuple(_option(o, f"{file}: options[{i}]") for i, o in enumerate(options)),
        notes=tuple(_strings(data, "notes", file, required=False)),
        sources=tuple(_strings(data, "sources", file, required=False)),
        human_gate=" ".join(gate.split()) if isinstance(gate, str) else "",
        file=file,
    )


@cache
def comparisons() -> tuple[Comparison, ...]:
    """Every comparison shipped in this package, sorted by file name."""
    folder = resources.files(__name__)
    found: list[Comparison] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            data = yaml.safe_load(entry.read_text("utf-8"))
            found.append(parse_comparison(data, entry.name))
    return tuple(found)


def _case_sensitive(alias: str) -> bool:
    """A one-word alias that is also an English word (Task, Agent, global) matches only as
    written; CamelCase names (GenServer), acronyms (ETS) and phrases match in any case."""
    one_word = len(alias.split()) == 1
    return one_word and not re.search(r"[a-z][A-Z]", alias) and not alias.isupper()


@cache
def _alias_pattern(alias: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in alias.split())
    start = r"(?<![\w.:])" if alias[0].isalnum() or alias[0] == ":" else ""
    flags = 0 if _case_sensitive(alias) else re.IGNORECASE
    return re.compile(start + body + r"(?![\w])", flags)


def named_options(comparison: Comparison, text: str) -> tuple[Option, ...]:
    """The options of ``comparison`` that ``text`` names by one of their aliases."""
    return tuple(
        option
        for option in comparison.options
        if any(_alias_pattern(alias).search(text) for alias in option.aliases)
    )


def find_comparison(text: str) -> Match | None:
    """The comparison ``text`` is about: the entry naming the most of its options, at least
    two (the first such file on a tie); None when no entry has two options named."""
    best: Match | None = None
    for comparison in comparisons():
        named = named_options(comparison, text)
        if best is None or len(named) > len(best.named):
            best = Match(comparison, named)
    if best is None or len(best.named) < 2:
        return None
    return best


def comparison_for(option_text: str) -> Match | None:
    """The first comparison that has an option named in ``option_text`` (for a question that
    names one choice: "should I use :global?")."""
    for comparison in comparisons():
        named = named_options(comparison, option_text)
        if named:
            return Match(comparison, named)
    return None
