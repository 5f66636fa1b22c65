"""The proposed tree of a review, and where its lines come from.

:func:`proposed_files` composes, for each file of a changeset, the text the review is heading
towards: accepted and undecided hunks take the proposal's new side, edited hunks their edited
text, rejected hunks keep the file's current lines. Each :class:`ProposedFile` remembers where
every hunk's new side sits in the composed text (to put a compiler diagnostic on the hunk that
covers its line) and where each current line went (to recognise a warning the current tree
already has after lines moved).

Used by :mod:`elixir_pro.compiler.precheck`. No Textual, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from elixir_pro.changes.changeset import ProposalKind
from elixir_pro.changes.decisions import DecisionState
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.changes.textio import split_lines


@dataclass(frozen=True, slots=True)
class HunkSpan:
    """Hunk ``index``'s lines in the composed text: ``start``..``end`` (0-based, end excluded;
    ``start == end`` for a hunk that only removes lines)."""

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ProposedFile:
    path: str
    text: str | None  # None: the file would not exist
    base: str | None  # the file's current text (None: it does not exist yet)
    spans: tuple[HunkSpan, ...]
    line_map: tuple[int, ...]  # current line i -> composed line, -1 when the hunk replaced it
    encoding: str = "utf-8"

    @property
    def changed(self) -> bool:
        return self.text != self.base

    def data(self) -> bytes | None:
        """The composed text as the bytes apply would write (None: no file)."""
        return None if self.text is None else self.text.encode(self.encoding, "surrogateescape")

    def hunk_at(self, line: int, slack: int = 3) -> int | None:
        """The hunk whose new side covers 1-based ``line``; else the nearest hunk within
        ``slack`` lines of it; None when the line is far from every hunk (or unknown)."""
        if line <= 0 or not self.spans:
            return None
        at = line - 1
        for span in self.spans:
            if span.start <= at < span.end or (span.start == span.end and at == span.start):
                return span.index
        best: tuple[int, int] | None = None
        for span in self.spans:
            gap = span.start - at if at < span.start else at - max(span.end - 1, span.start)
            if gap <= slack and (best is None or gap < best[0]):
                best = (gap, span.index)
        return best[1] if best else None

    def hunks_touching(self, start: int, end: int) -> list[int]:
        """Hunks whose composed lines meet ``start``..``end`` (0-based, end excluded; an empty
        range is a point)."""
        hits = []
        for span in self.spans:
            lo, hi = span.start, max(span.end, span.start + 1)
            if (start < hi and lo < max(end, start + 1)) or (start == end and lo <= start <= hi):
                hits.append(span.index)
        return hits

    def moved(self, base_line: int) -> int:
        """Where 1-based current ``base_line`` sits in the composed text (1-based), or 0."""
        if not 1 <= base_line <= len(self.line_map):
            return 0
        return self.line_map[base_line - 1] + 1


def _compose(model: ReviewModel, rel: str) -> ProposedFile:
    proposal = model.proposal(rel)
    diff = model.diff(rel)
    base, new = diff.base_lines, diff.new_lines
    pieces: list[str] = []
    spans: list[HunkSpan] = []
    line_map: list[int] = []
    pos = 0
    out = 0
    for hunk in diff.hunks:
        for _ in range(pos, hunk.a0):
            line_map.append(out)
            out += 1
        pieces.extend(base[pos : hunk.a0])
        decision = model.decision(rel, hunk.index)
        if decision.state is DecisionState.REJECTED:
            lines = list(base[hunk.a0 : hunk.a1])
        elif decision.state is DecisionState.EDITED and decision.text is not None:
            lines = split_lines(decision.text)
        else:
            lines = list(new[hunk.b0 : hunk.b1])
        kept = decision.state is DecisionState.REJECTED
        for k in range(hunk.a0, hunk.a1):
            line_map.append(out + (k - hunk.a0) if kept else -1)
        spans.append(HunkSpan(hunk.index, out, out + len(lines)))
        pieces.extend(lines)
        out += len(lines)
        pos = hunk.a1
    for _ in range(pos, len(base)):
        line_map.append(out)
        out += 1
    pieces.extend(base[pos:])
    text: str | None = "".join(pieces)
    if proposal.kind is not ProposalKind.MODIFY:
        state = model.decision(rel, 0).state
        created_rejected = proposal.kind is ProposalKind.CREATE and state is DecisionState.REJECTED
        deleting = proposal.kind is ProposalKind.DELETE and state in (
            DecisionState.UNDECIDED,
            DecisionState.ACCEPTED,
        )
        if created_rejected or deleting:
            text = None
    return ProposedFile(
        rel, text, proposal.base_text, tuple(spans), tuple(line_map), proposal.encoding
    )


def proposed_files(model: ReviewModel) -> dict[str, ProposedFile]:
    """Every file of the review whose composed text differs from its current text."""
    files = {rel: _compose(model, rel) for rel in model.paths}
    return {rel: f for rel, f in files.items() if f.changed}
