"""Line diff for the review: difflib-style opcodes, anchored on lines unique to both sides.

``difflib.SequenceMatcher`` alone re-scans the whole remaining range for every change, so a
5,000-line file with 500 scattered edits costs O(lines x changes). Here the common prefix and
suffix are trimmed, lines that occur exactly once on each side are matched in order (the longest
increasing run of them, as in patience diff) and become fixed anchors, and only the small gaps
between anchors go through SequenceMatcher. The result is a valid difflib opcode list (same tags,
same meaning), and ``group_opcodes`` clusters it into hunks with context exactly as
``SequenceMatcher.get_grouped_opcodes`` does. Used by ``changes.hunks``.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence

Opcode = tuple[str, int, int, int, int]


def _gap(
    a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int
) -> list[Opcode]:
    if alo == ahi and blo == bhi:
        return []
    if alo == ahi:
        return [("insert", alo, alo, blo, bhi)]
    if blo == bhi:
        return [("delete", alo, ahi, blo, blo)]
    matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi])
    return [
        (tag, i1 + alo, i2 + alo, j1 + blo, j2 + blo)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _anchors(
    a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int
) -> list[tuple[int, int]]:
    """The longest in-order run of (i, j) pairs of lines unique on both sides."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi) if count_a[a[i]] == 1 and a[i] in where_b]
    if not pairs:
        return []
    tails: list[int] = []  # j value ending the best run of each length
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_index.append(k)
        else:
            tails[pos] = j
            tail_index[pos] = k
        previous[k] = tail_index[pos - 1] if pos else -1
    run: list[tuple[int, int]] = []
    k = tail_index[-1]
    while k != -1:
        run.append(pairs[k])
        k = previous[k]
    run.reverse()
    return run


def _merge(codes: list[Opcode]) -> list[Opcode]:
    merged: list[Opcode] = []
    for code in codes:
        if merged and merged[-1][0] == code[0] == "equal":
            tag, i1, _i2, j1, _j2 = merged[-1]
            merged[-1] = (tag, i1, code[2], j1, code[4])
        else:
            merged.append(code)
    return merged


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Opcodes turning ``a`` into ``b`` (difflib's format)."""
    n_a, n_b = len(a), len(b)
    pre = 0
    while pre < n_a and pre < n_b and a[pre] == b[pre]:
        pre += 1
    suf = 0
    while suf < n_a - pre and suf < n_b - pre and a[n_a - 1 - suf] == b[n_b - 1 - suf]:
        suf += 1
    ahi, bhi = n_a - suf, n_b - suf
    codes: list[Opcode] = []
    if pre:
        codes.append(("equal", 0, pre, 0, pre))
    i_prev, j_prev = pre, pre
    for i, j in _anchors(a, b, pre, ahi, pre, bhi):
        codes += _gap(a, b, i_prev, i, j_prev, j)
        codes.append(("equal", i, i + 1, j, j + 1))
        i_prev, j_prev = i + 1, j + 1
    codes += _gap(a, b, i_prev, ahi, j_prev, bhi)
    if suf:
        codes.append(("equal", ahi, n_a, bhi, n_b))
    return _merge(codes)


def group_opcodes(codes: list[Opcode], n: int = 3) -> Iterator[list[Opcode]]:
    """Change clusters with up to ``n`` lines of context (``get_grouped_opcodes``'s rules)."""
    codes = list(codes) or [("equal", 0, 1, 0, 1)]
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)
    nn = n + n
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > nn:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group
