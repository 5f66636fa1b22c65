"""Mangled frontmatter never escapes as anything but a one-line UserError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elixir_pro.agent import load_agent
from elixir_pro.errors import UserError

REAL = (Path(__file__).resolve().parent.parent.parent / "agents" / "elixir-pro.md").read_bytes()
_HEAD, _SEP, _BODY = REAL[4:].partition(b"\n---\n")
LINES = _HEAD.split(b"\n")

REPLACEMENT_VALUES = [
    b"[a, b]",
    b"{x: 1}",
    b"42",
    b"-3.5",
    b"true",
    b"null",
    b"",
    b"~",
    b"2024-01-01",
    b"!!binary aGk=",
    b"!custom x",
    b"&anchor v",
    b"*anchor",
    b"'unclosed",
    b'"unclosed',
    b"[unclosed",
    b"- item",
    b"|",
    b"? complex",
    b"<<: {a: 1}",
]

edit = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(LINES) - 1), st.just(b"")),
    st.tuples(
        st.just("value"), st.integers(0, len(LINES) - 1), st.sampled_from(REPLACEMENT_VALUES)
    ),
    st.tuples(
        st.just("garbage"), st.integers(0, len(LINES) - 1), st.binary(min_size=1, max_size=6)
    ),
    st.tuples(
        st.just("indent"),
        st.integers(0, len(LINES) - 1),
        st.sampled_from([b" ", b"   ", b"\t", b"      "]),
    ),
    st.tuples(st.just("dedent"), st.integers(0, len(LINES) - 1), st.just(b"")),
    st.tuples(st.just("duplicate"), st.integers(0, len(LINES) - 1), st.just(b"")),
    st.tuples(st.just("swap"), st.integers(0, len(LINES) - 1), st.just(b"")),
)


def mangle(edits: list[tuple[str, int, bytes]]) -> bytes:
    lines = list(LINES)
    for kind, index, payload in edits:
        if not lines:
            break
        i = index % len(lines)
        line = lines[i]
        if kind == "delete":
            del lines[i]
        elif kind == "value":
            key, colon, _ = line.partition(b":")
            lines[i] = key + b": " + payload if colon else payload
        elif kind == "garbage":
            cut = len(line) // 2
            lines[i] = line[:cut] + payload + line[cut:]
        elif kind == "indent":
            lines[i] = payload + line
        elif kind == "dedent":
            lines[i] = line.lstrip()
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return b"---\n" + b"\n".join(lines) + b"\n---\n" + _BODY


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(edit, min_size=1, max_size=5))
def test_mangled_frontmatter_loads_or_fails_in_one_line(
    tmp_path: Path, edits: list[tuple[str, int, bytes]]
) -> None:
    path = tmp_path / "mangled.md"
    path.write_bytes(mangle(edits))
    try:
        agent = load_agent(path)
    except UserError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message
        assert message.startswith(str(path)) or message.startswith("mangled.md")
    else:
        assert agent.name and agent.description


def test_mangle_really_breaks_things(tmp_path: Path) -> None:
    """The edits reach the validator's error paths, not just YAML syntax errors."""
    path = tmp_path / "m.md"
    path.write_bytes(mangle([("value", 0, b"[a, b]")]))  # name: [a, b]
    try:
        load_agent(path)
    except UserError as exc:
        assert "name: expected text, got a list" in str(exc)
    else:
        raise AssertionError("a list as the name must not load")
