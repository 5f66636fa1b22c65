"""Shared file access for the tools: the text a tool sees for a path (the staged text when
the changeset holds a proposal, else the disk text) and staging a new text into the
changeset with the outcome the model and the UI receive.

Used by the Read, Write and Edit tools.
"""

from __future__ import annotations

import difflib

from elixir_pro.events import EditProposed
from elixir_pro.tools.base import ToolContext, ToolOutcome, text_hash
from elixir_pro.tools.params import ToolError
from elixir_pro.tools.workspace import Resolved, is_binary

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Files bigger than this are not read by Read, Write, Edit or Grep (a command through Bash,
such as ``sed -n``, can still show parts of them once the user approves it)."""


def current_text(ctx: ToolContext, res: Resolved) -> str | None:
    """The file's text as the model should see it, or None when it does not exist (on disk
    or in the changeset). Raises ToolError for a directory, a binary or an oversized file."""
    proposal = ctx.changeset.proposals.get(res.rel)
    if proposal is not None:
        return proposal.new_text
    if res.rel == "." or res.path.is_dir():
        raise ToolError(f"{res.rel} is a directory, not a file. Use Glob to list its files.")
    if not res.path.exists():
        return None
    if not res.path.is_file():
        raise ToolError(f"{res.rel} is not a regular file (a pipe, socket or device).")
    try:
        size = res.path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ToolError(
                f"{res.rel} is {size // (1024 * 1024)} MB, too large to read "
                f"(limit {MAX_FILE_BYTES // (1024 * 1024)} MB). A Bash command such as "
                "`sed -n '1,100p' FILE` can show parts of it."
            )
        data = res.path.read_bytes()
    except OSError as exc:
        raise ToolError(f"Cannot read {res.rel}: {exc.strerror or exc}.") from None
    if is_binary(data):
        raise ToolError(f"{res.rel} is a binary file; only text files can be read or edited.")
    return data.decode("utf-8", errors="surrogateescape")


def require_fresh_read(ctx: ToolContext, rel: str, text: str) -> None:
    """Claude Code's rule: an existing file is Read before it is edited or overwritten, and
    read again when it changed since."""
    seen = ctx.read_state.get(rel)
    if seen is None:
        raise ToolError(f"File has not been read yet: Read {rel} first before writing to it.")
    if seen != text_hash(text):
        raise ToolError(
            f"{rel} has changed since you last read it (by the user or a tool). "
            "Read it again before writing to it."
        )


def diff_size(before: str, after: str) -> tuple[int, int]:
    """(added, removed) line counts between two texts."""
    added = removed = 0
    a, b = before.splitlines(), after.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return added, removed


def stage(ctx: ToolContext, rel: str, new_text: str, verb: str) -> ToolOutcome:
    """Stage ``new_text`` for ``rel`` in the changeset (never on disk) and describe it."""
    proposal = ctx.changeset.propose_text(rel, new_text)
    ctx.remember_read(rel, new_text)
    added, removed = diff_size(proposal.base_text or "", new_text)
    edit = EditProposed(
        path=rel,
        kind=proposal.kind.value,
        added=added,
        removed=removed,
        changeset_id=ctx.changeset.id,
    )
    if proposal.is_noop:  # nothing is staged, so nothing is announced as staged
        del ctx.changeset.proposals[rel]
        return ToolOutcome(
            f"{verb} {rel}: the result is identical to the file on disk, so nothing is staged "
            "for it any more."
        )
    action = "a new file" if proposal.kind.value == "create" else "a change"
    return ToolOutcome(
        f"{verb} {rel}: staged as {action} for the user's review; nothing is written to disk "
        f"until they approve it. Pending diff for this file: +{added} -{removed} lines. "
        "Later Reads, Greps and Edits see the staged content.",
        edit=edit,
    )
