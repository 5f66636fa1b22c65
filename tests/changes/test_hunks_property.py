"""Property tests: for random files and random edits, any subset of accepted hunks gives exactly
the expected text; accept-all gives the proposal; reject-all leaves the file untouched; undo
restores the original bytes."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elixir_pro.changes import journal
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.decisions import ACCEPTED, edited, rejected
from elixir_pro.changes.hunks import build_text, compute_diff
from elixir_pro.changes.linediff import group_opcodes, opcodes
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.changes.textio import split_lines

WORDS = ["defmodule A do", "def f(x), do: x", "end", "", "  :ok", "# note", "x = 1", "é ü"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.sampled_from(WORDS), max_size=40))
    text = "\n".join(lines)
    if lines and draw(st.booleans()):
        text += "\n"
    return text


@st.composite
def edited_texts(draw: st.DrawFn, base: str) -> str:
    lines = split_lines(base)
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        pos = draw(st.integers(0, len(lines)))
        new_line = draw(st.sampled_from(WORDS)) + "\n"
        if op == "insert":
            lines.insert(pos, new_line)
        elif lines and pos < len(lines):
            if op == "delete":
                del lines[pos]
            else:
                lines[pos] = new_line
    text = "".join(lines)
    if draw(st.booleans()):
        text = text.rstrip("\n")  # sometimes drop the trailing newline
    return text


def oracle(base: str, new: str, accepted: set[int], context: int) -> str:
    """The expected text, built independently of the hunks from the full opcode stream: a
    change opcode takes the new side when it falls inside an accepted hunk."""
    diff = compute_diff(base, new, context=context)
    a, b = split_lines(base), split_lines(new)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            out.extend(a[i1:i2])
            continue
        owner = next(h for h in diff.hunks if h.a0 <= i1 and i2 <= h.a1 and h.b0 <= j1)
        out.extend(b[j1:j2] if owner.index in accepted else a[i1:i2])
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), base=texts(), context=st.integers(0, 4))
def test_any_subset_of_accepted_hunks_gives_the_expected_text(
    data: st.DataObject, base: str, context: int
) -> None:
    new = data.draw(edited_texts(base))
    diff = compute_diff(base, new, context=context)
    indexes = [h.index for h in diff.hunks]
    accepted = set(data.draw(st.lists(st.sampled_from(indexes), unique=True))) if indexes else set()
    decisions = {i: ACCEPTED if i in accepted else rejected("no") for i in indexes}
    assert build_text(diff, decisions) == oracle(base, new, accepted, context)
    assert build_text(diff, dict.fromkeys(indexes, ACCEPTED)) == new
    assert build_text(diff, {}) == base
    assert build_text(diff, {i: rejected() for i in indexes}) == base


@settings(max_examples=300, deadline=None)
@given(data=st.data(), base=texts(), unique=st.booleans(), context=st.integers(0, 4))
def test_opcodes_are_a_valid_edit_script_grouped_like_difflib(
    data: st.DataObject, base: str, unique: bool, context: int
) -> None:
    if unique:  # mostly unique lines: the anchored path does the work
        base = "".join(f"{n}:{line}" for n, line in enumerate(split_lines(base)))
    new = data.draw(edited_texts(base))
    a, b = split_lines(base), split_lines(new)
    codes = opcodes(a, b)
    rebuilt: list[str] = []
    i_end = j_end = 0
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i_end, j_end)  # contiguous, covering both sides
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        rebuilt.extend(b[j1:j2])
        i_end, j_end = i2, j2
    assert (i_end, j_end) == (len(a), len(b)) or not codes
    assert "".join(rebuilt) == new
    # grouping follows difflib's rules on the same opcodes
    matcher = difflib.SequenceMatcher(None, a, b)
    matcher.get_opcodes = lambda: list(codes)  # type: ignore[method-assign]
    assert list(group_opcodes(codes, context)) == list(matcher.get_grouped_opcodes(context))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), base=texts())
def test_an_edited_hunk_lands_its_edited_text(data: st.DataObject, base: str) -> None:
    new = data.draw(edited_texts(base))
    diff = compute_diff(base, new)
    if not diff.hunks:
        assert new == base
        return
    hunk = data.draw(st.sampled_from(diff.hunks))
    replacement = data.draw(st.sampled_from(WORDS)) + "\n"
    result = build_text(diff, {hunk.index: edited(replacement)})
    lines = split_lines(base)
    expected = "".join(lines[: hunk.a0]) + replacement + "".join(lines[hunk.a1 :])
    assert result == expected


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), bases=st.lists(texts(), min_size=1, max_size=3), crlf=st.booleans())
def test_apply_then_undo_on_disk(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, bases: list[str], crlf: bool
) -> None:
    root = tmp_path_factory.mktemp("prop")
    originals: dict[str, bytes] = {}
    changeset = Changeset(root, source="test")
    for n, base in enumerate(bases):
        raw = base.replace("\n", "\r\n") if crlf else base
        rel = f"lib/f{n}.ex"
        (root / "lib").mkdir(exist_ok=True)
        (root / rel).write_bytes(raw.encode())
        originals[rel] = raw.encode()
        changeset.propose_text(rel, data.draw(edited_texts(base)))
    model = ReviewModel(changeset)
    choice = data.draw(st.sampled_from(["all", "none", "some"]))
    expected: dict[str, bytes] = {}
    for rel in model.paths:
        diff = model.diff(rel)
        for hunk in diff.hunks:
            take = choice == "all" or (choice == "some" and data.draw(st.booleans()))
            (model.accept if take else model.reject)(rel, hunk.index)
        expected[rel] = build_text(diff, changeset.proposals[rel].decisions).encode()
    outcome = apply_changeset(changeset, model)
    for rel, want in expected.items():
        assert (root / rel).read_bytes() == want
        if crlf and "\n" in (changeset.proposals[rel].base_text or ""):
            assert b"\n" not in want.replace(b"\r\n", b"")  # CRLF file stays CRLF
        if choice == "all":
            assert want.decode() == changeset.proposals[rel].new_text
    if choice == "none" or not outcome.applied:
        assert all((root / rel).read_bytes() == raw for rel, raw in originals.items())
        assert outcome.journal_id is None
        return
    journal.undo(root)
    assert {rel: (root / rel).read_bytes() for rel in originals} == originals
