"""What a prompt asks the offline engine, and about what.

The *intent* is one of create, fix, review, compare, explain, assess (weigh the design) or
none; the *targets* are the project files it names (``lib/x.ex``, ``@lib/x.ex``, the context
files, the file of a project module it names), the project modules and functions, the other
Elixir and Erlang symbols, the rules it asks about, and whether it asks for the whole project
("fix all", "across the project"). A prompt with no intent word gets its pane's: critical
reviews, evaluative assesses, informative explains; generative has none (the answer then says
what the engine can do).

Pure functions over the prompt and a module index; used by the offline backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.knowledge import Match, comparison_for, find_comparison

PATH_TOKEN = re.compile(r"(?<![\w])@?([\w.\-]+(?:/[\w.\-]*)*/?)")
MODULE_TOKEN = re.compile(
    r"(?<![\w.:])((?:[A-Z]\w*\.)*[A-Z]\w*)(?:\.([a-z_]\w*[?!]?)(?:/(\d{1,3}))?)?(?![\w])"
)


LOOKS_LIKE_A_PATH = re.compile(r"^(?:[\w.\-/]+\.exs?|(?:lib|test|config|priv|apps)/[\w.\-/]*)$")


class Intent(StrEnum):
    CREATE = "create"
    FIX = "fix"
    REVIEW = "review"
    COMPARE = "compare"
    EXPLAIN = "explain"
    ASSESS = "assess"
    NONE = "none"


_WORDS: dict[Intent, str] = {
    Intent.CREATE: (
        r"\b(?:write|create|generate|scaffold|implement|set ?up|"
        r"(?:make|build|add|need|want|give me) (?:me )?(?:a|an|one|some|new) (?:new )?"
        r"(?!(?:timeouts?|after|catch|clause|@impl|impl|test|case|field|handle_\w+)\b)[\w.@]+)"
    ),
    Intent.FIX: (
        r"(?<![\w-])(?:fix|fixes|fixing|repair|autofix)\b"
        r"|\badd (?:an? |the )?(?:timeouts?|after(?: clauses?)?|@impl|impl|catch[- ]?alls?)\b"
        r"|\bapply (?:the )?(?:safe )?fixes\b"
    ),
    Intent.REVIEW: (
        r"\b(?:review|audit|check|inspect|critique|lint|look (?:at|over)|"
        r"find (?:bugs|problems|issues)|what'?s wrong|any (?:problems|issues|bugs))\b"
    ),
    Intent.COMPARE: (
        r"\b(?:vs\.?|versus|compare|comparison|difference between|differences between|"
        r"which (?:one|is better|should)|instead of|rather than)\b"
    ),
    Intent.EXPLAIN: (
        r"\b(?:explain|what is|what are|what does|what do|how does|how do|how to|why|"
        r"tell me about|describe|docs? (?:for|of|on)|documentation|where is|who calls|"
        r"what supervises|which supervisor)\b"
    ),
    Intent.ASSESS: (
        r"\b(?:trade-?offs?|design|sound|assess|evaluate|weigh|architecture|"
        r"should (?:i|we) (?:use|pick|choose|go|switch|move|keep))\b"
    ),
}
_COMPILED = {intent: re.compile(words, re.IGNORECASE) for intent, words in _WORDS.items()}
_MODE_DEFAULT = {
    CognitiveMode.CRITICAL: Intent.REVIEW,
    CognitiveMode.EVALUATIVE: Intent.ASSESS,
    CognitiveMode.INFORMATIVE: Intent.EXPLAIN,
    CognitiveMode.GENERATIVE: Intent.NONE,
}
PROJECT_WIDE = re.compile(
    r"\b(?:all|every|everything|everywhere|whatever|across|project-wide|"
    r"(?:the|whole|entire) (?:project|codebase|code base)|what can be fixed)\b",
    re.IGNORECASE,
)
# Words that name a rule in a fix or review request.
RULE_WORDS: dict[str, str] = {
    "receive-without-after": r"\breceive\b|\bafter clauses?\b|\btimeouts?\b",
    "missing-impl": r"@impl\b|\bimpl\b",
    "genserver-missing-catch-all": r"\bcatch[- ]?alls?\b|\bunexpected messages?\b",
}


@dataclass(slots=True)
class Targets:
    paths: list[str] = field(default_factory=list)  # project files and folders
    modules: list[str] = field(default_factory=list)  # project modules named
    functions: list[str] = field(default_factory=list)  # project Module.fun(/arity) named
    symbols: list[str] = field(default_factory=list)  # Elixir / Erlang symbols elsewhere
    rules: list[str] = field(default_factory=list)  # rule ids the prompt names
    project_wide: bool = False
    missing: list[str] = field(default_factory=list)  # project paths named that do not exist

    @property
    def empty(self) -> bool:
        return not (self.paths or self.modules or self.functions or self.symbols)


@dataclass(slots=True)
class Ask:
    intent: Intent
    targets: Targets
    comparison: Match | None = None
    explicit: bool = True  # the intent came from the prompt (False: the pane's default)


def _first(intent: Intent, text: str) -> int | None:
    match = _COMPILED[intent].search(text)
    return match.start() if match else None


def read_intent(prompt: str, mode: CognitiveMode) -> tuple[Intent, Match | None, bool]:
    """(intent, the comparison it names, whether the prompt said it) for ``prompt``."""
    comparison = find_comparison(prompt)
    found = {i: p for i in _WORDS if (p := _first(i, prompt)) is not None}
    create, fix = found.get(Intent.CREATE), found.get(Intent.FIX)
    question = found.get(Intent.EXPLAIN)
    if question is not None and create is not None and question < create:
        create = None  # "how do I write a GenServer?" asks for an explanation
    if create is not None and (fix is None or create < fix):
        return Intent.CREATE, None, True
    if fix is not None:
        return Intent.FIX, None, True
    if comparison is not None:
        return Intent.COMPARE, comparison, True
    one = comparison_for(prompt)
    if one is not None and (Intent.COMPARE in found or Intent.ASSESS in found):
        return Intent.COMPARE, one, True  # "should I use :global?"
    rest = {i: p for i, p in found.items() if i in (Intent.REVIEW, Intent.EXPLAIN, Intent.ASSESS)}
    if rest:
        return min(rest, key=lambda i: rest[i]), None, True
    if mode is CognitiveMode.EVALUATIVE and one is not None:
        return Intent.COMPARE, one, False
    return _MODE_DEFAULT[mode], None, False


def module_index(root: Path, files: list[str]) -> dict[str, str]:
    """Every ``defmodule`` of ``files`` and the file that defines it."""
    pattern = re.compile(r"^\s*defmodule\s+([A-Z][\w.]*)\s+do\b", re.MULTILINE)
    index: dict[str, str] = {}
    for rel in files:
        try:
            text = (root / rel).read_text("utf-8", errors="replace")
        except OSError:
            continue
        for match in pattern.finditer(text):
            index.setdefault(match.group(1), rel)
    return index


def _project_module(name: str, modules: dict[str, str]) -> str | None:
    """The project module ``name`` names: itself, or the one module whose last parts it is
    (``DriverServer`` for ``Courier.DriverServer``; a plain word such as ``Supervisor`` must be
    written in full, as it is also a standard module or an English word)."""
    from elixir_pro.engine.docs import KNOWN_MODULES

    if name in modules:
        return name
    if "." not in name and (name in KNOWN_MODULES or not re.search(r"[a-z][A-Z]", name)):
        return None
    tails = [m for m in modules if m.endswith("." + name)]
    return tails[0] if len(tails) == 1 else None


def read_targets(
    prompt: str, root: Path, context_files: list[str], modules: dict[str, str]
) -> Targets:
    from elixir_pro.engine.docs import extract_symbols

    targets = Targets(paths=list(context_files))
    resolved_root = root.resolve()
    for match in PATH_TOKEN.finditer(prompt):
        token = match.group(1).rstrip(".,;:")
        if "/" not in token and not token.endswith((".ex", ".exs")):
            continue
        candidate = (resolved_root / token).resolve()
        inside = candidate.is_relative_to(resolved_root) and candidate != resolved_root
        if inside and candidate.exists():
            targets.paths.append(candidate.relative_to(resolved_root).as_posix())
        elif inside and LOOKS_LIKE_A_PATH.match(token):
            targets.missing.append(token)
    project_names: set[str] = set()
    for match in MODULE_TOKEN.finditer(prompt):
        module = _project_module(match.group(1), modules)
        if module is None:
            continue
        project_names.add(match.group(0))
        if module not in targets.modules:
            targets.modules.append(module)
        if match.group(2):
            arity = f"/{match.group(3)}" if match.group(3) else ""
            targets.functions.append(f"{module}.{match.group(2)}{arity}")
        if modules[module] not in targets.paths:
            targets.paths.append(modules[module])
    targets.paths = sorted(set(targets.paths))
    for module, rel in modules.items():  # the modules of the files named, for explanations
        if rel in targets.paths and module not in targets.modules:
            targets.modules.append(module)
    for symbol in extract_symbols(prompt):
        head = symbol.split("/")[0]
        if head in project_names or any(head == n.split("/")[0] for n in project_names):
            continue
        if _project_module(head.rsplit(".", 1)[0], modules) or _project_module(head, modules):
            continue
        targets.symbols.append(symbol)
    lowered = prompt.lower()
    targets.rules = [r for r, words in RULE_WORDS.items() if re.search(words, lowered)]
    targets.rules += [r for r in _rule_ids() if r in lowered and r not in targets.rules]
    targets.project_wide = bool(PROJECT_WIDE.search(prompt))
    return targets


def _rule_ids() -> list[str]:
    from elixir_pro.engine.rule import all_rules

    return [rule.id for rule in all_rules()]


_BACK_REFERENCE = re.compile(r"\b(?:it|this|that|them|these|those)\b", re.IGNORECASE)
_CONTEXT_FILE = re.compile(r'<file path="([^"]+)"')


def previous_request(history: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The prompt and context files of the last user request in ``history`` ("", [] if none)."""
    for message in reversed(history):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        texts = [b.get("text") for b in blocks if isinstance(b, dict) and b.get("type") == "text"]
        text = "\n".join(t for t in texts if isinstance(t, str))
        if not text.strip():
            continue  # a tool result
        files = _CONTEXT_FILE.findall(text)
        marker = text.rfind("Request:\n")
        return (text[marker + len("Request:\n") :] if marker >= 0 else text), files
    return "", []


def read_ask(
    prompt: str,
    mode: CognitiveMode,
    root: Path,
    context_files: list[str],
    modules: dict[str, str],
    history: list[dict[str, Any]] | None = None,
) -> Ask:
    """What ``prompt`` asks and about what. A request that refers back ("fix it") and names no
    target of its own takes the targets of the previous request in ``history``."""
    intent, comparison, explicit = read_intent(prompt, mode)
    targets = read_targets(prompt, root, context_files, modules)
    if (
        targets.empty
        and not targets.project_wide
        and history
        and _BACK_REFERENCE.search(prompt)
        and intent in (Intent.FIX, Intent.REVIEW, Intent.EXPLAIN, Intent.ASSESS)
    ):
        earlier, files = previous_request(history)
        if earlier:
            before = read_targets(earlier, root, files, modules)
            before.rules = targets.rules or before.rules
            targets = before
    if intent is Intent.REVIEW and not explicit and targets.symbols and not targets.paths:
        intent = Intent.EXPLAIN  # "GenServer.call/3?" in the critical pane
    return Ask(intent, targets, comparison, explicit)
