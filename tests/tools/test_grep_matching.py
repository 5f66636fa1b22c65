"""Grep's whole-text line matching agrees with searching each line on its own (ripgrep's
semantics) for generated texts and patterns, and multiline matches mark every spanned line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from elixir_pro.tools.grep import matched_lines, split_lines

PATTERNS = ["a", "ab", "^a", "b$", "^$", "a\\s+b", "\\s", "b*", "a.b", "[ab]+ ", "^", "$", " $"]


def naive(rx: re.Pattern[str], text: str) -> list[int]:
    return [i for i, line in enumerate(split_lines(text)) if rx.search(line.removesuffix("\r"))]


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet="ab \n\r", max_size=40),
    pattern=st.sampled_from(PATTERNS),
    first_only=st.booleans(),
)
def test_line_matching_equals_per_line_search(text: str, pattern: str, first_only: bool) -> None:
    rx = re.compile(pattern, re.MULTILINE)
    expected = naive(rx, text)
    got = matched_lines(rx, text, multiline=False, first_only=first_only)
    assert got == (expected[:1] if first_only else expected)


def test_multiline_marks_every_spanned_line() -> None:
    rx = re.compile("b.c", re.MULTILINE | re.DOTALL)
    assert matched_lines(rx, "a\nb\nc\nd\nb\nc\n", multiline=True) == [1, 2, 4, 5]
    assert matched_lines(re.compile("^", re.M | re.S), "", multiline=True) == []
