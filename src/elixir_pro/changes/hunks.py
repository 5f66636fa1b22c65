"""Hunks of one file proposal, computed with difflib, and the text that results from a set of
per-hunk decisions.

Opcodes come from ``changes.linediff`` (difflib, anchored on unique lines so that many
scattered edits stay fast). A hunk's *change range* (``a0:a1`` of the base lines, ``b0:b1`` of
the new lines) is what a decision swaps; its *display range* adds up to ``context`` equal lines
on each side. Change ranges never overlap, so the result text is the base with each landing
hunk's range replaced: one pass over the lines, O(size).

Used by the review model, the review screen and apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from elixir_pro.changes.decisions import DecisionState, HunkDecision
from elixir_pro.changes.linediff import Opcode, group_opcodes, opcodes
from elixir_pro.changes.textio import split_lines


@dataclass(frozen=True, slots=True)
class Hunk:
    index: int
    a0: int  # change range in the base lines
    a1: int
    b0: int  # change range in the new lines
    b1: int
    ctx_a0: int  # display range (with context)
    ctx_a1: int
    ctx_b0: int
    ctx_b1: int
    ops: tuple[Opcode, ...]  # difflib opcodes covering the display range
    added: int
    removed: int

    @property
    def header(self) -> str:
        a_len = self.ctx_a1 - self.ctx_a0
        b_len = self.ctx_b1 - self.ctx_b0
        a_start = self.ctx_a0 + 1 if a_len else self.ctx_a0
        b_start = self.ctx_b0 + 1 if b_len else self.ctx_b0
        return f"@@ -{a_start},{a_len} +{b_start},{b_len} @@"


@dataclass(frozen=True, slots=True)
class FileDiff:
    base_lines: tuple[str, ...]
    new_lines: tuple[str, ...]
    hunks: tuple[Hunk, ...]

    @property
    def added(self) -> int:
        return sum(h.added for h in self.hunks)

    @property
    def removed(self) -> int:
        return sum(h.removed for h in self.hunks)

    def new_side(self, hunk: Hunk) -> str:
        """The proposal's text for the hunk's change range."""
        return "".join(self.new_lines[hunk.b0 : hunk.b1])

    def base_side(self, hunk: Hunk) -> str:
        return "".join(self.base_lines[hunk.a0 : hunk.a1])


def _hunk(index: int, group: list[Opcode]) -> Hunk:
    changes = [op for op in group if op[0] != "equal"]
    first, last = changes[0], changes[-1]
    added = sum(j2 - j1 for tag, _i1, _i2, j1, j2 in changes if tag in ("insert", "replace"))
    removed = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in changes if tag in ("delete", "replace"))
    return Hunk(
        index=index,
        a0=first[1],
        a1=last[2],
        b0=first[3],
        b1=last[4],
        ctx_a0=group[0][1],
        ctx_a1=group[-1][2],
        ctx_b0=group[0][3],
        ctx_b1=group[-1][4],
        ops=tuple(group),
        added=added,
        removed=removed,
    )


def whole_file_hunk(base_lines: list[str], new_lines: list[str]) -> Hunk:
    """The single hunk of a create or delete: everything goes or comes at once."""
    n_a, n_b = len(base_lines), len(new_lines)
    ops: list[Opcode] = []
    if n_a and n_b:
        ops.append(("replace", 0, n_a, 0, n_b))
    elif n_a:
        ops.append(("delete", 0, n_a, 0, 0))
    elif n_b:
        ops.append(("insert", 0, 0, 0, n_b))
    return Hunk(0, 0, n_a, 0, n_b, 0, n_a, 0, n_b, tuple(ops), n_b, n_a)


def compute_diff(
    base_text: str | None, new_text: str | None, *, context: int = 3, whole_file: bool = False
) -> FileDiff:
    """The hunks turning ``base_text`` into ``new_text`` (None counts as empty). With
    ``whole_file`` (create and delete proposals) there is exactly one hunk."""
    base_lines = split_lines(base_text or "")
    new_lines = split_lines(new_text or "")
    if whole_file:
        hunks: tuple[Hunk, ...] = (whole_file_hunk(base_lines, new_lines),)
    else:
        codes = opcodes(base_lines, new_lines)
        groups = [
            g for g in group_opcodes(codes, max(context, 0)) if any(op[0] != "equal" for op in g)
        ]
        hunks = tuple(_hunk(i, group) for i, group in enumerate(groups))
    return FileDiff(tuple(base_lines), tuple(new_lines), hunks)


def build_text(diff: FileDiff, decisions: Mapping[int, HunkDecision]) -> str:
    """The base text with every accepted hunk's new side (or its edited text) swapped in;
    undecided and rejected hunks keep the base. Linear in the size of the file."""
    base, new = diff.base_lines, diff.new_lines
    pieces: list[str] = []
    pos = 0
    for hunk in diff.hunks:
        pieces.extend(base[pos : hunk.a0])
        decision = decisions.get(hunk.index)
        if decision is None or not decision.lands:
            pieces.extend(base[hunk.a0 : hunk.a1])
        elif decision.state is DecisionState.EDITED and decision.text is not None:
            pieces.append(decision.text)
        else:
            pieces.extend(new[hunk.b0 : hunk.b1])
        pos = hunk.a1
    pieces.extend(base[pos:])
    return "".join(pieces)
