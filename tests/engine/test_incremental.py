"""Incremental re-parsing gives exactly the tree a full parse gives, for any edit, and leaves
the previous tree untouched."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from elixir_pro.engine.incremental import reparse
from elixir_pro.engine.parse import parse

SOURCE = b"""defmodule Ticker do
  use GenServer

  @impl true
  def init(s), do: {:ok, s}

  @impl true
  def handle_info(:tick, state) do
    receive do
      {:reply, v} -> v
    after
      100 -> :timeout
    end
    {:noreply, state}
  end
end
"""


@settings(max_examples=150, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=len(SOURCE)),
    length=st.integers(min_value=0, max_value=40),
    insert=st.sampled_from([b"", b"x", b"\n", b"# c\n", b"do", b"end\n", b"\xc3\xa9", b"()"]),
)
def test_reparse_matches_full_parse(start: int, length: int, insert: bytes) -> None:
    old_tree = parse(SOURCE)
    before = str(old_tree.root_node)
    new_source = SOURCE[:start] + insert + SOURCE[start + length :]
    tree = reparse(SOURCE, old_tree, new_source)
    assert str(tree.root_node) == str(parse(new_source).root_node)
    assert tree.root_node.end_byte == len(new_source)
    assert str(old_tree.root_node) == before


def test_reparse_of_identical_source() -> None:
    tree = parse(SOURCE)
    assert str(reparse(SOURCE, tree, SOURCE).root_node) == str(tree.root_node)
