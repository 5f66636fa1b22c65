"""Safe autofixes: each one's output, that every result still parses (and compiles with the
real Elixir), and that fixes are staged into a changeset, never written."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from elixir_pro.engine.autofix import apply_edits, autofix_changeset, fix_source, fixable_rules
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.fixes import TextEdit
from elixir_pro.engine.parse import parse


def _finding(rule: str, line: int, path: str = "lib/a.ex") -> Finding:
    return Finding(rule, Severity.HIGH, path, line, 1, line, 1, "x")


CLIENT = b"""defmodule Pinger do
  use GenServer

  def init(state), do: {:ok, state}

  def ping(pid) do
    send(pid, {:ping, self()})

    reply =
      receive do
        {:pong, value} -> {:ok, value}
      end

    reply
  end

  @impl true
  def handle_info(:tick, state), do: {:noreply, state}

  def handle_info({:add, item}, state) do
    {:noreply, [item | state]}
  end
end
"""


def test_builtin_fixes_are_registered() -> None:
    assert {"missing-impl", "receive-without-after", "genserver-missing-catch-all"} <= (
        fixable_rules()
    )


def test_missing_impl_adds_impl_true_at_the_clause_indent() -> None:
    fixed, done = fix_source(CLIENT, [_finding("missing-impl", 4)])
    assert len(done) == 1
    assert b"  @impl true\n  def init(state), do: {:ok, state}" in fixed


def test_missing_impl_is_not_added_twice() -> None:
    fixed, done = fix_source(CLIENT, [_finding("missing-impl", 18)])
    assert (fixed, done) == (CLIENT, [])


def test_receive_gets_an_after_clause_aligned_with_end() -> None:
    fixed, done = fix_source(CLIENT, [_finding("receive-without-after", 10)])
    assert len(done) == 1
    assert (
        b"        {:pong, value} -> {:ok, value}\n"
        b"      after\n"
        b"        5_000 -> {:error, :timeout}\n"
        b"      end\n"
    ) in fixed


def test_receive_with_after_or_one_line_is_left_alone() -> None:
    with_after = (
        b"defmodule A do\n  def f do\n    receive do\n      x -> x\n"
        b"    after\n      1 -> :t\n    end\n  end\nend\n"
    )
    assert fix_source(with_after, [_finding("receive-without-after", 3)])[1] == []
    one_line = b"defmodule A do\n  def f, do: receive(do: (x -> x))\nend\n"
    assert fix_source(one_line, [_finding("receive-without-after", 2)])[1] == []


def test_catch_all_clause_goes_after_the_last_handle_info_with_require_logger() -> None:
    fixed, done = fix_source(CLIENT, [_finding("genserver-missing-catch-all", 18)])
    assert len(done) == 1
    text = fixed.decode()
    assert text.index("  use GenServer\n  require Logger\n") > 0
    tail = text[text.index("[item | state]") :]
    assert "  end\n\n  def handle_info(msg, state) do\n    Logger.warning(" in tail
    assert tail.rstrip().endswith("{:noreply, state}\n  end\nend")


def test_catch_all_keeps_an_existing_require_logger() -> None:
    source = CLIENT.replace(b"  use GenServer\n", b"  use GenServer\n  require Logger\n")
    fixed, _ = fix_source(source, [_finding("genserver-missing-catch-all", 19)])
    assert fixed.count(b"require Logger") == 1


def test_catch_all_fix_does_not_apply_to_handle_call() -> None:
    source = (
        b"defmodule A do\n  use GenServer\n  def handle_call(:x, _f, s), do: {:reply, 1, s}\nend\n"
    )
    assert fix_source(source, [_finding("genserver-missing-catch-all", 3)])[1] == []


def test_all_fixes_together_still_parse() -> None:
    findings = [
        _finding("missing-impl", 4),
        _finding("receive-without-after", 10),
        _finding("genserver-missing-catch-all", 18),
        _finding("unsafe-atom-creation", 7),  # no fix registered: ignored
    ]
    fixed, done = fix_source(CLIENT, findings)
    assert len(done) == 3
    assert not parse(fixed).root_node.has_error


@pytest.mark.mix
def test_fixed_source_compiles_with_the_real_elixir(tmp_path: Path) -> None:
    assert shutil.which("elixir"), "elixir is required (CI installs it)"
    findings = [
        _finding("missing-impl", 4),
        _finding("receive-without-after", 10),
        _finding("genserver-missing-catch-all", 18),
    ]
    fixed, _ = fix_source(CLIENT, findings)
    path = tmp_path / "pinger.ex"
    path.write_bytes(fixed)
    result = subprocess.run(
        ["elixir", "-e", "Code.compile_file(hd(System.argv()))", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(ValueError):
        apply_edits(b"abcdef", [TextEdit(0, 3, b"x"), TextEdit(2, 4, b"y")])
    assert apply_edits(b"abc", [TextEdit(1, 1, b"2"), TextEdit(1, 1, b"3")]) == b"a23bc"


def test_autofix_changeset_stages_without_writing(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    target = tmp_path / "lib" / "a.ex"
    target.write_bytes(CLIENT)
    findings = [_finding("missing-impl", 4), _finding("receive-without-after", 10)]
    changeset = autofix_changeset(tmp_path, paths=["lib"], findings=findings)
    assert target.read_bytes() == CLIENT
    proposal = changeset.proposals["lib/a.ex"]
    assert proposal.base_text == CLIENT.decode()
    assert proposal.new_text is not None and "@impl true\n  def init" in proposal.new_text
    assert autofix_changeset(tmp_path, paths=["test"], findings=findings).proposals == {}
