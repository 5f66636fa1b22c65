"""Reading a create request from a prompt: which kind, which name, under which supervisor.

``match("Write a DynamicSupervisor that starts one CartSession process per user", root)``
gives ``GeneratorRequest("dynamic_supervisor", "CartSession")``. A prompt that does not ask
to create (no verb such as write, create, add, generate) or names no kind the catalog knows
gives None, so callers can route it elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from elixir_pro.generators.catalog import Kind, kinds
from elixir_pro.generators.model import GeneratorRequest
from elixir_pro.generators.naming import camelize, is_module_name

_VERB = re.compile(
    r"\b(?:write|create|generate|scaffold|implement|set ?up)\b"
    r"|\b(?:add|make|build|need|want|give me)\s+(?:me\s+)?(?:a|an|one|some|new)\s+"
    r"(?!(?:after|timeout|catch|clause|@impl|impl|test|case|field|handle_\w+)\b)",
    re.IGNORECASE,
)
_CALLED = re.compile(r"\b(?:called|named)\s+`?([A-Za-z][\w.]*)`?")
_UNDER = re.compile(
    r"\b(?:under|into|in|to|below|beneath|inside)\s+(?:the\s+|my\s+|our\s+)?"
    r"`?([A-Za-z][\w.]*)`?(\s+(?:supervisor|application|app)\b)?",
    re.IGNORECASE,
)
_FOR = re.compile(r"\bfor\s+(?:the\s+|a\s+|an\s+|each\s+|every\s+|our\s+|my\s+)?([a-z][a-z ]*)")
_CAMEL = re.compile(r"`?\b([A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*)\b`?")
_FIELD = re.compile(r"\b([a-z_][a-z0-9_]*):([a-z_]+(?::[a-z_]+)?)\b")
_UNIT = r"(second|sec|minute|min|hour|day)s?\b"
_EVERY = re.compile(r"\bevery\s+(?:(\d+)\s+)?" + _UNIT, re.IGNORECASE)
_RATE = re.compile(
    r"\b(\d+)\s+(?:[a-z]+\s+)?(?:per|a|an|every|/)\s*(?:(\d+)\s+)?" + _UNIT, re.IGNORECASE
)
_TTL = re.compile(
    r"\b(?:ttl(?:\s+of)?|expir\w*\s+(?:after|in)|for)\s+(\d+)\s+" + _UNIT, re.IGNORECASE
)
_TIMER = {"sec": "seconds", "second": "seconds", "min": "minutes", "minute": "minutes"}
_CONTEXT = re.compile(r"\bin\s+(?:the\s+)?`?([A-Z][\w.]*)`?\s+context\b")
#: CamelCase words of the domain of the request, never a name for what to create.
_KIND_WORDS = {
    "Agent", "DynamicSupervisor", "Ecto", "Elixir", "ETS", "Erlang", "ExUnit", "GenServer",
    "I", "LiveView", "OTP", "PartitionSupervisor", "Phoenix", "Registry", "Supervisor", "Task",
    "Task.Supervisor", "Write", "Create", "Add", "Generate", "Make", "Build", "A", "An", "The",
    "Please", "Scaffold", "Implement", "Give", "Mix", "API", "TTL", "Migration", "Schema",
}  # fmt: skip
#: Words after "for" that end a name ("for users that ...").
_STOP = {
    "that", "which", "with", "to", "in", "under", "per", "and", "every", "each", "of", "on",
    "using", "so", "where", "who", "keyed", "by", "from", "into", "it", "its", "the", "a",
    "whose", "when", "while", "if", "as", "at", "than", "like", "for", "all", "or", "but",
    "should", "must", "can", "will", "is", "are", "has", "have", "up",
}  # fmt: skip


def match(prompt: str, root: Path | None = None) -> GeneratorRequest | None:
    """The create request in ``prompt``, or None when it asks for nothing the generators
    make. ``root`` (the project) lets a module name in the prompt drop the project's
    namespace (``Courier.CartSession`` -> ``CartSession``)."""
    if not _VERB.search(prompt):
        return None
    supervisor, rest = _supervisor(prompt)
    found = next((k for k in kinds() if k.pattern.search(rest)), None)
    if found is None:
        return None
    namespace = _namespace(root)
    fields: tuple[tuple[str, str], ...] = ()
    context = ""
    if found.builder == "ecto":
        fields = tuple(_FIELD.findall(rest))
        rest = _FIELD.sub(" ", rest)
        context_match = _CONTEXT.search(rest)
        if context_match:
            context = _strip_namespace(context_match.group(1), namespace)
            rest = rest[: context_match.start()] + rest[context_match.end() :]
    name = _name(found, rest, namespace)
    exact = bool(name) and _CALLED.search(rest) is not None
    settings = tuple((k, v) for k, v in _settings(rest) if k in found.settings)
    return GeneratorRequest(found.id, name, supervisor, fields, context, prompt, exact, settings)


def _duration(count: str | None, unit: str) -> str:
    """``5``, ``minute`` -> ``:timer.minutes(5)`` (the Elixir expression, in milliseconds)."""
    n = int(count or 1)
    unit = unit.lower()
    if unit == "day":
        return f":timer.hours({24 * n})"
    return f":timer.{_TIMER.get(unit, unit + 's')}({n})"


def _settings(prompt: str) -> list[tuple[str, str]]:
    """Durations and rates the prompt states: ``every 5 minutes`` (interval), ``100 requests
    per minute`` (limit, window), ``expire after 10 minutes`` (ttl)."""
    out: list[tuple[str, str]] = []
    rate = _RATE.search(prompt)
    if rate:
        out += [("limit", rate.group(1)), ("window", _duration(rate.group(2), rate.group(3)))]
    every = _EVERY.search(prompt)
    if every and not (rate and rate.start() <= every.start() < rate.end()):
        out.append(("interval", _duration(every.group(1), every.group(2))))
    ttl = _TTL.search(prompt)
    if ttl:
        out.append(("ttl", _duration(ttl.group(1), ttl.group(2))))
    return out


def _namespace(root: Path | None) -> str:
    if root is None:
        return ""
    from elixir_pro.generators.model import GeneratorError
    from elixir_pro.generators.naming import project_names

    try:
        return project_names(root).namespace
    except GeneratorError:
        return ""


def _supervisor(prompt: str) -> tuple[str, str]:
    """The supervisor the prompt names ("" for none) and the prompt without that phrase."""
    for m in _UNDER.finditer(prompt):
        word, suffix = m.group(1), (m.group(2) or "").strip()
        lowered = word.lower()
        if suffix or lowered.endswith(("supervisor", "application")) or lowered == "app":
            text = f"{word} {suffix}".strip()
            return text, prompt[: m.start()] + " " + prompt[m.end() :]
    return "", prompt


def _strip_namespace(name: str, namespace: str) -> str:
    if namespace and name.startswith(namespace + "."):
        return name[len(namespace) + 1 :]
    return name


def _name(kind: Kind, prompt: str, namespace: str) -> str:
    """The base name: ``called X`` / ``named X``, else a CamelCase word of the prompt that is
    not a kind word, else the words after "for", else "" (the kind's default)."""
    called = _CALLED.search(prompt)
    if called:
        name = _strip_namespace(camelize(called.group(1)), namespace)
        if "main" not in kind.modules:  # several modules from one name: drop the suffix
            return _normal(kind, name)
        return name if is_module_name(name) else ""
    for m in _CAMEL.finditer(prompt):
        word = _strip_namespace(m.group(1), namespace)
        if word in _KIND_WORDS or word == namespace or not word:
            continue
        if m.start() == 0:  # the sentence's first word is capitalised, not a name
            continue
        if not any(c.islower() for c in word):  # an acronym such as ETS or TTL
            continue
        return _normal(kind, word)
    for_match = _FOR.search(prompt)
    if for_match:
        words: list[str] = []
        for word in for_match.group(1).split():
            if word in _STOP or len(words) == 3 or (words and word.endswith("ing")):
                break
            words.append(word)
        if words:
            return _normal(kind, camelize(" ".join(words)))
    return ""


def _normal(kind: Kind, name: str) -> str:
    """``name`` without the kind's suffix (``CartSessionSupervisor`` -> ``CartSession`` for a
    DynamicSupervisor), so the module patterns do not double it."""
    if kind.strip and name.endswith(kind.strip) and name != kind.strip:
        name = name[: -len(kind.strip)].rstrip(".")
    elif name == kind.strip:
        return ""
    return name if is_module_name(name) else ""
