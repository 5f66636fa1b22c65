"""The user message of a turn: the ``@path`` context files, any extra context and the prompt.

Context files are read through the pending changeset (so staged edits are what Claude sees),
confined to the project root and capped in size. Used by both backends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from elixir_pro.llm import prompts
from elixir_pro.llm.base import TurnRequest

MAX_CONTEXT_CHARS = 60_000
"""Per file; a longer file is truncated with a note."""


def read_context_file(request: TurnRequest, rel: str) -> tuple[str | None, str]:
    """(text, reason): the file's text as the turn should see it, or None and why not."""
    root = request.project_root.resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root):
        return None, "outside the project"
    rel_posix = target.relative_to(root).as_posix()
    changeset = request.changeset
    if changeset is not None and rel_posix in changeset.proposals:
        staged = changeset.view(rel_posix)
        return (staged, "") if staged is not None else (None, "deleted in the pending changes")
    if not target.is_file():
        return None, "not a file"
    data = target.read_bytes()
    if b"\0" in data[:8192]:
        return None, "binary"
    return data.decode("utf-8", errors="replace"), ""


def user_text(request: TurnRequest) -> str:
    """The text of the turn's user message."""
    parts: list[str] = []
    if request.context_files:
        parts.append(prompts.CONTEXT_INTRO)
        for rel in request.context_files:
            text, reason = read_context_file(request, rel)
            if text is None:
                parts.append(prompts.CONTEXT_SKIPPED.format(path=rel, reason=reason))
                continue
            if len(text) > MAX_CONTEXT_CHARS:
                note = prompts.CONTEXT_TRUNCATED.format(shown=MAX_CONTEXT_CHARS, total=len(text))
                text = f"{text[:MAX_CONTEXT_CHARS]}\n{note}"
            parts.append(prompts.CONTEXT_FILE.format(path=rel, text=text))
    if request.extra_context:
        parts.append(prompts.EXTRA_CONTEXT.format(text=request.extra_context))
    if not parts:
        return request.prompt
    parts.append(prompts.REQUEST.format(prompt=request.prompt))
    return "\n\n".join(parts)


def user_message(request: TurnRequest) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "text", "text": user_text(request)}]}


def relative_context(root: Path, paths: list[str]) -> list[str]:
    """Normalise user-given context paths (absolute or relative) to project-relative posix."""
    resolved_root = root.resolve()
    out: list[str] = []
    for raw in paths:
        candidate = Path(raw)
        full = candidate if candidate.is_absolute() else resolved_root / candidate
        try:
            out.append(full.resolve().relative_to(resolved_root).as_posix())
        except ValueError:
            out.append(raw)
    return out
