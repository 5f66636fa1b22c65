"""Project instructions: the files a project keeps for coding agents, read into the system
prompt after the agent's own text.

Sources, in this order (the order they appear in the prompt and are fitted to the budget):

1. ``AGENTS.md`` then ``CLAUDE.md`` in the directory of each file in the turn's context,
   nearest first, walking up to (not including) the project root;
2. ``AGENTS.md`` then ``CLAUDE.md`` at the project root;
3. the usage rules of the project's dependencies, by dependency name:
   ``deps/<name>/usage-rules.md`` then ``deps/<name>/usage-rules/*.md`` (sorted).

Each file goes in whole under a heading naming its project-relative path, while the total
stays within the token budget (``llm.instructions_budget_tokens``; tokens estimated from the
length, on the safe side). A file that does not fit is left out and listed, in the prompt
(so Claude can Read it) and in :meth:`ProjectInstructions.summary` (shown by ``elixir-pro
prompt`` and the TUI's context panel): never dropped silently. Empty files, files outside the
project (a symlink pointing out) and a second link to the same file are skipped.

Used by the conversation sessions, the ``prompt`` command and the TUI's context panel.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.conversation import instructions_text as T

INSTRUCTION_FILES = ("AGENTS.md", "CLAUDE.md")
USAGE_RULES = "usage-rules.md"
USAGE_RULES_DIR = "usage-rules"
CHARS_PER_TOKEN = 3.0
"""Claude's tokenizer gives ~3.5 characters a token for English and code; 3 errs on the
side of using fewer tokens than the budget allows."""
MAX_FILE_BYTES = 1_000_000


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True, slots=True)
class InstructionSource:
    """One file found: its project-relative path, estimated tokens, and whether it fitted."""

    path: str
    tokens: int
    included: bool


@dataclass(frozen=True, slots=True)
class ProjectInstructions:
    """What :func:`project_instructions` found and the block it composed (``text``, empty
    when nothing was found or the budget is 0)."""

    budget: int
    sources: tuple[InstructionSource, ...]
    text: str
    used: int = 0  # estimated tokens of the block (headings included)

    @property
    def included(self) -> tuple[InstructionSource, ...]:
        return tuple(s for s in self.sources if s.included)

    @property
    def left_out(self) -> tuple[InstructionSource, ...]:
        return tuple(s for s in self.sources if not s.included)

    def summary(self) -> str:
        """One line: how many files, the budget used, and what did not fit."""
        if self.budget <= 0:
            return T.SUMMARY_OFF
        if not self.sources:
            return T.SUMMARY_NONE
        count = len(self.included)
        line = T.SUMMARY.format(
            count=count, s="" if count == 1 else "s", used=self.used, budget=self.budget
        )
        if self.left_out:
            items = ", ".join(f"{s.path} (~{s.tokens:,})" for s in self.left_out)
            line += T.SUMMARY_LEFT_OUT.format(items=items)
        return line

    def title(self) -> str:
        """Short, for a panel title: ``Instructions · ~2,140/8,000 tokens``."""
        if self.budget <= 0:
            return T.TITLE_OFF
        return T.TITLE.format(used=self.used, budget=self.budget)

    def listing(self) -> list[str]:
        """One line per file found, the ones left out marked (for a panel)."""
        return [
            s.path if s.included else T.LISTED_LEFT_OUT.format(path=s.path, tokens=s.tokens)
            for s in self.sources
        ]


def for_project(root: Path, context_files: Sequence[str] = ()) -> ProjectInstructions:
    """:func:`project_instructions` with the project's configured budget (the default budget
    when the settings cannot be read: their error is reported where they are loaded)."""
    from elixir_pro.config import LlmConfig, load_config
    from elixir_pro.errors import UserError

    try:
        budget = load_config(root).llm.instructions_budget_tokens
    except UserError:
        budget = LlmConfig().instructions_budget_tokens
    return project_instructions(root, context_files, budget=budget)


def _context_dirs(root: Path, context_files: Iterable[str]) -> list[Path]:
    """Directories of the context files and their parents below the root, nearest first."""
    out: list[Path] = []
    for rel in context_files:
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            continue
        directory = target.parent
        while directory != root and directory.is_relative_to(root):
            if directory not in out:
                out.append(directory)
            directory = directory.parent
    return out


def discover(root: Path, context_files: Sequence[str] = ()) -> list[Path]:
    """The instruction files of the project, in the documented order (see the module doc)."""
    resolved = root.resolve()
    candidates: list[Path] = []
    for directory in [*_context_dirs(resolved, context_files), resolved]:
        candidates.extend(directory / name for name in INSTRUCTION_FILES)
    deps = resolved / "deps"
    if deps.is_dir():
        for dep in sorted(p for p in deps.iterdir() if p.is_dir()):
            candidates.append(dep / USAGE_RULES)
            rules_dir = dep / USAGE_RULES_DIR
            if rules_dir.is_dir():
                candidates.extend(sorted(rules_dir.glob("*.md")))
    found: list[Path] = []
    seen: set[Path] = set()
    for path in candidates:
        real = path.resolve()
        if real in seen or not real.is_relative_to(resolved) or not real.is_file():
            continue
        seen.add(real)
        found.append(path)
    return found


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES)
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace").strip()


def project_instructions(
    root: Path, context_files: Sequence[str] = (), *, budget: int
) -> ProjectInstructions:
    """The project's instruction files fitted to ``budget`` tokens, and the prompt block."""
    if budget <= 0:
        return ProjectInstructions(budget, (), "")
    resolved = root.resolve()
    sources: list[InstructionSource] = []
    blocks: list[str] = []
    used = estimate_tokens(f"{T.HEAD}\n\n{T.INTRO}")
    for path in discover(resolved, context_files):
        text = _read(path)
        if not text:
            continue
        rel = path.relative_to(resolved).as_posix()
        block = f"{T.FILE_HEAD.format(path=rel)}\n\n{text}"
        tokens = estimate_tokens(block)
        fits = used + tokens <= budget
        sources.append(InstructionSource(rel, tokens, fits))
        if fits:
            used += tokens
            blocks.append(block)
    result = ProjectInstructions(budget, tuple(sources), "")
    if not sources:
        return result
    parts = [T.HEAD, T.INTRO, *blocks]
    if result.left_out:
        listed = [T.LEFT_OUT_ITEM.format(path=s.path, tokens=s.tokens) for s in result.left_out]
        parts.append("\n".join([T.LEFT_OUT.format(budget=budget), *listed]))
    return ProjectInstructions(budget, tuple(sources), "\n\n".join(parts) + "\n", used)


def with_instructions(system_prompt: str, instructions: ProjectInstructions) -> str:
    """The agent's system prompt followed by the project-instructions block."""
    if not instructions.text:
        return system_prompt
    return f"{system_prompt.rstrip()}\n\n{instructions.text}"
