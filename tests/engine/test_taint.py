"""The value tracer behind unsafe-atom-creation and changeset-bypass: where the argument of the
one ``String.to_atom`` call in each snippet comes from."""

from __future__ import annotations

import pytest

from elixir_pro.engine.context import FileContext, effective_arguments
from elixir_pro.engine.parse import parse
from elixir_pro.engine.rules._sources import Origin
from elixir_pro.engine.rules._taint import Tracer

LIVE = "use MyAppWeb, :live_view\n"

CASES = [
    # request data, through matches, with/case clauses, pipes and callbacks
    (LIVE + 'def handle_event("s", %{"k" => k}, s), do: String.to_atom(k)', Origin.REQUEST),
    (
        LIVE + "def handle_event(_, p, s) do\n with {:ok, v} <- Map.fetch(p, 1) do\n"
        "  String.to_atom(v)\n end\nend",
        Origin.REQUEST,
    ),
    (
        LIVE + "def handle_params(p, _, s) do\n case p[:tab] do\n  nil -> :x\n"
        "  t -> String.to_atom(t)\n end\nend",
        Origin.REQUEST,
    ),
    (LIVE + "def handle_event(_, p, s), do: Enum.map(p, &String.to_atom(&1))", Origin.REQUEST),
    (
        LIVE + "def handle_event(_, p, s), do: helper(p)\ndefp helper(x), do: String.to_atom(x)",
        Origin.REQUEST,
    ),
    ("def call(conn, _), do: String.to_atom(conn.params[1])", Origin.REQUEST),
    (
        "def f(b), do: b |> Jason.decode!() |> Map.keys() |> hd() |> String.to_atom()",
        Origin.EXTERNAL,
    ),
    ('def f(params), do: String.to_atom(params["sort"])', Origin.EXTERNAL),
    ("def f(url), do: String.to_atom(Req.get!(url).body)", Origin.EXTERNAL),
    # untraced: public arguments, calls we cannot see into (even of request data)
    ("def f(x), do: String.to_atom(x)", Origin.UNKNOWN),
    (LIVE + "def handle_event(_, p, s), do: String.to_atom(Norm.clean(p))", Origin.UNKNOWN),
    (
        "defp tag(<<h, t::binary>>, acc) when h in ?A..?Z, do: tag(t, <<acc::binary, h>>)\n"
        "defp tag(<<>>, acc), do: String.to_atom(acc)\ndef run(x), do: tag(x, <<>>)",
        Origin.UNKNOWN,
    ),
    # bounded or trusted
    ('def f, do: String.to_atom("x")', Origin.SAFE),
    ('def f(a) when is_atom(a), do: String.to_atom(Atom.to_string(a) <> "_id")', Origin.SAFE),
    ('def f do\n if v = System.get_env("L") do\n  String.to_atom(v)\n end\nend', Origin.SAFE),
    (
        LIVE + 'def handle_event(_, %{"d" => d}, s) when d in ~w(a b), do: String.to_atom(d)',
        Origin.SAFE,
    ),
    (
        LIVE + 'def handle_event(_, %{"d" => d}, s) do\n if d in @ok, do: String.to_atom(d)\nend',
        Origin.SAFE,
    ),
    (
        LIVE + 'def handle_event(_, %{"d" => d}, s) do\n unless valid_dir?(d), do: raise("no")\n'
        "  String.to_atom(d)\nend",
        Origin.SAFE,
    ),
    ('def a, do: b(:one)\ndefp b(flag), do: String.to_atom("old_#{flag}")', Origin.SAFE),
]


def _trace(body: str) -> Origin:
    source = f"defmodule M do\n{body}\nend\n".encode()
    ctx = FileContext("lib/m.ex", source, parse(source))
    (call,) = ctx.remote("to_atom", module="String")
    args = effective_arguments(call.node)
    return Tracer(ctx).trace(args[0]).origin


@pytest.mark.parametrize(("body", "origin"), CASES, ids=range(len(CASES)))
def test_origin(body: str, origin: Origin) -> None:
    assert _trace(body) == origin
