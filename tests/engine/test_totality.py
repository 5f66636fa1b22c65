"""The engine is total: on any source, generated or mangled, analysing a file, mapping the
supervision trees and judging the gates finish without raising, and without falling back to
the "could not read this file" notices that exist only to contain a bug."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elixir_pro.engine.analyzer import analyze_source
from elixir_pro.engine.supervision import build_supervision_map
from elixir_pro.engine.supervision_render import render_map
from elixir_pro.pipeline.gates import evaluate_gates
from elixir_pro.pipeline.gates_model import render_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "engine"
SEEDS = sorted((FIXTURES / "totality").rglob("*.ex"))
SEED_SOURCES = [path.read_bytes() for path in SEEDS]
MIX_EXS = (FIXTURES / "totality" / "loops" / "mix.exs").read_bytes()

# Fallback notices: each one means an exception was contained, i.e. a bug to fix.
CONTAINED = re.compile(
    r"(supervision not read|tree not built|application module not read|not judged|"
    r"audit did not run| not read \(\w+(Error|Exception))"
)

# -- generated sources ---------------------------------------------------------------------

MODULES = ["Gen.A", "Gen.B", "Gen.Sup", "Registry", "DynamicSupervisor", "Task.Supervisor"]
LOCALS = ["children", "a", "b", "opts"]

leaf = st.one_of(
    st.sampled_from(MODULES),
    st.sampled_from(LOCALS),
    st.sampled_from([":one_for_one", ":temporary", "42", '"text"', "__MODULE__", "nil"]),
    st.sampled_from(["f(conf)", "children(mode)", "@children", "[]"]),
)


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: "{" + ", ".join(xs) + "}"),
        st.tuples(inner, inner).map(lambda p: f"{p[0]} ++ {p[1]}"),
        st.tuples(inner, inner).map(lambda p: f"[name: {p[0]}, strategy: {p[1]}]"),
        inner.map(lambda x: f"%{{id: {x}, start: {{{x}, :start_link, [[]]}}}}"),
        inner.map(lambda x: f"Supervisor.child_spec({x}, restart: :transient)"),
        inner.map(lambda x: f"[\n  # a comment\n  {x}\n  # another\n]"),
        inner.map(lambda x: f"fn -> {x} end"),
    )


expr = st.recursive(leaf, _compound, max_leaves=12)

local = st.sampled_from(LOCALS)
name = st.sampled_from(MODULES[:3])

statement = st.one_of(
    st.tuples(local, expr).map(lambda p: f"{p[0]} = {p[1]}"),
    st.tuples(local, local, expr).map(lambda p: f"{p[0]} = {p[1]} ++ {p[2]}"),
    local.map(lambda x: f"{x} = {x} ++ extra(conf)"),
    st.tuples(st.one_of(local, expr), expr).map(lambda p: f"Supervisor.start_link({p[0]}, {p[1]})"),
    st.one_of(local, expr).map(lambda x: f"Supervisor.init({x}, strategy: :one_for_one)"),
    st.tuples(st.one_of(name, expr), st.one_of(name, expr)).map(
        lambda p: f"DynamicSupervisor.start_child({p[0]}, {{{p[1]}, []}})"
    ),
    expr.map(lambda x: f"Task.Supervisor.async_nolink({x}, fn -> :ok end)"),
    expr.map(lambda x: f"GenServer.call({x}, :ping, :infinity)"),
    expr.map(lambda x: f"Enum.map({x}, fn id -> Repo.get(Gen.A, id) end)"),
    expr.map(lambda x: f"receive do\n  msg -> {x}\nend"),
    expr.map(lambda x: f"spawn(fn -> {x} end)"),
    expr.map(lambda x: f"String.to_atom({x})"),
)

function = st.tuples(
    st.sampled_from(["def", "defp", "defmacro"]),
    st.sampled_from(["init", "start", "start_link", "handle_call", "handle_info", "run"]),
    st.lists(statement, min_size=1, max_size=5),
).map(lambda f: f"  {f[0]} {f[1]}(arg) do\n" + "".join(f"    {s}\n" for s in f[2]) + "  end\n")

module = st.tuples(
    st.sampled_from(["Gen.A", "Gen.B", "Gen.Sup", "Gen.App"]),
    st.lists(
        st.sampled_from(["Application", "Supervisor", "GenServer", "DynamicSupervisor", "Agent"]),
        min_size=1,
        max_size=2,
    ),
    st.lists(function, min_size=1, max_size=3),
).map(
    lambda m: (
        f"defmodule {m[0]} do\n"
        + "".join(f"  use {used}\n" for used in m[1])
        + "  alias Gen.{A, B}\n"
        + "".join(m[2])
        + "end\n"
    )
)

generated = st.lists(module, min_size=1, max_size=3).map(lambda ms: "\n".join(ms).encode())

# -- mangled sources -----------------------------------------------------------------------

INSERTS = [
    b"\n    children = children ++ event_child_spec(conf)\n",
    b"\n    a = b ++ [Gen.A]\n    b = a ++ [Gen.B]\n    Supervisor.init(a, [])\n",
    b"\n    children = [\n      # only a comment\n    ]\n",
    b"[" * 300 + b"]" * 300,
    b"(" * 200,
    b"{" * 150 + b"Gen.A" + b"}" * 150,
    b"\n  do\n" * 40,
    b"\n  end\n" * 40,
    b"fn ->",
    b'"unterminated',
    b'"""\n',
    b"~s(",
    b"#{",
    b"<<",
    b"%{",
    b"defmodule",
    b"\ndefmodule Gen.Deep do\n" + b"  defmodule Inner do\n" * 60 + b"  end\n" * 60 + b"end\n",
    b"Supervisor.child_spec(" * 30 + b"Gen.A" + b", restart: :temporary)" * 30,
    b"x" * 5000,
    "é ✓ \u2028".encode(),
    b"\r\n",
    b"\t",
    b"\xff",  # not UTF-8: the file is skipped with a notice, never read
]

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 200)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6), st.integers(1, 400)),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(1, 120)),
    st.tuples(st.just("drop-token"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("repeat-token"), st.integers(0, 10**6), st.integers(2, 6)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.integers(0, len(INSERTS) - 1)),
)

_TOKEN = re.compile(rb"\S+")


def mangle(source: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    for kind, at, size in edits:
        i = at % (len(source) + 1)
        if kind == "delete":
            source = source[:i] + source[i + size :]
        elif kind == "duplicate":
            source = source[:i] + source[i : i + size] + source[i:]
        elif kind == "swap":
            j = (i * 7 + size * 13) % (len(source) + 1)
            i, j = sorted((i, j))
            a, b = source[i : i + size], source[j : j + size]
            if i + size <= j:
                source = source[:i] + b + source[i + size : j] + a + source[j + size :]
        elif kind in ("drop-token", "repeat-token"):
            tokens = list(_TOKEN.finditer(source))
            if tokens:
                tok = tokens[at % len(tokens)]
                new = b"" if kind == "drop-token" else b" ".join([tok.group()] * size)
                source = source[: tok.start()] + new + source[tok.end() :]
        elif kind == "insert":  # at a line start: where a statement can be
            line = source.rfind(b"\n", 0, i) + 1
            source = source[:line] + INSERTS[size] + source[line:]
    return source


mangled = st.tuples(st.sampled_from(SEED_SOURCES), st.lists(mutation, min_size=1, max_size=6)).map(
    lambda p: mangle(*p)
)

any_source = st.one_of(
    generated, mangled, st.tuples(generated, st.lists(mutation)).map(lambda p: mangle(*p))
)


# -- the properties --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(any_source)
def test_analyzing_and_mapping_one_file_never_raise(source: bytes) -> None:
    findings = analyze_source("lib/gen.ex", source)
    for finding in findings:
        assert finding.path == "lib/gen.ex" and finding.line >= 1
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "gen.ex").write_bytes(source)
        smap = build_supervision_map(Path(tmp))
    render_map(smap)
    json.dumps(smap.to_json())
    assert not [n for n in smap.notices if CONTAINED.search(n)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(any_source, min_size=1, max_size=4),
    st.lists(mutation, max_size=3),
    any_source,
)
def test_mapping_and_gates_over_a_project_never_raise(
    sources: list[bytes], mix_edits: list[tuple[str, int, int]], test_source: bytes
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "lib").mkdir()
        (root / "test").mkdir()
        (root / "mix.exs").write_bytes(mangle(MIX_EXS, mix_edits))
        for i, source in enumerate(sources):
            (root / "lib" / f"gen_{i}.ex").write_bytes(source)
        (root / "test" / "gen_test.exs").write_bytes(test_source)

        smap = build_supervision_map(root)
        render_map(smap)
        json.dumps(smap.to_json())
        assert not [n for n in smap.notices if CONTAINED.search(n)]

        report = evaluate_gates(root, use_mix=False)
        render_text(report)
        json.dumps(report.to_json())
        assert not [n for n in report.notices if CONTAINED.search(n)]
        assert not [c.id for g in report.gates for c in g.checks if c.id.endswith(".judged")]


def test_mangling_reaches_broken_trees() -> None:
    """The mutations really produce syntax errors, deep nesting and self-references."""
    from elixir_pro.engine.parse import parse

    seed = SEED_SOURCES[0]
    assert parse(mangle(seed, [("insert", 10, INSERTS.index(b"(" * 200))])).root_node.has_error
    assert b"children = children ++" in mangle(seed, [("insert", 0, 0)])
    assert mangle(seed, [("delete", 0, 10**6)]) == b""
    assert mangle(b"a b c", [("repeat-token", 1, 3)]) == b"a b b b c"
