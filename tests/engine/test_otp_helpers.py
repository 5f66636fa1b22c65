"""The analysis under the OTP rules: function heads and typespecs are not calls, local calls are
followed by name and arity, and the code a GenServer runs is told from its client API."""

from __future__ import annotations

from elixir_pro.engine.context import FileContext
from elixir_pro.engine.parse import parse


def _ctx(source: str, path: str = "lib/x.ex") -> FileContext:
    data = source.encode()
    return FileContext(path, data, parse(data))


def test_function_heads_and_typespecs_are_signatures_not_calls() -> None:
    ctx = _ctx(
        """\
defmodule Conn do
  @spec receive(t) :: t
  @callback receive(t) :: t
  def receive(conn, message \\\\ receive(do: (m -> m))) when is_map(conn), do: conn
  defp receive(conn), do: conn
  def wait, do: receive(do: (:go -> :ok))
end
"""
    )
    found = {(c.start_point[0] + 1, ctx.is_signature(c)) for c in ctx.calls("receive")}
    # line 4 holds both the head (a signature) and the default argument (a real receive)
    assert found == {(2, True), (3, True), (4, True), (4, False), (5, True), (6, False)}
