"""The warm compiler companion with the real ``mix``: diagnostics on request without a new BEAM,
errors with their place, a ``_build`` that plain ``mix`` agrees with, restarts, and no BEAM left
behind when its parent goes, even by SIGKILL."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from compiled_courier import add_unused_variable, cold_compile, courier_copy, wait_gone

from elixir_pro.compiler import CompilerCompanion, CompileStatus, DiagnosticSeverity

pytestmark = pytest.mark.mix
TIMEOUT_S = 60.0


@pytest.fixture
def courier(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return courier_copy(tmp_path_factory, tmp_path / "courier")


@pytest.fixture
def companion(courier: Path) -> Iterator[CompilerCompanion]:
    comp = CompilerCompanion(courier)
    yield comp
    comp.stop()


def test_a_new_warning_comes_back_from_the_same_beam(
    courier: Path, companion: CompilerCompanion
) -> None:
    first = companion.compile(timeout=TIMEOUT_S)
    assert first.status is CompileStatus.NOOP, first
    assert first.diagnostics == ()
    pid = companion.pid
    rel, line = add_unused_variable(courier)
    second = companion.compile(timeout=TIMEOUT_S)
    assert second.status is CompileStatus.OK, second
    assert rel in second.compiled
    (warning,) = second.diagnostics
    assert (warning.path, warning.line, warning.severity) == (
        rel,
        line,
        DiagnosticSeverity.WARNING,
    )
    assert 'variable "unused_here" is unused' in warning.message
    assert warning.compiler == "Elixir"
    assert companion.pid == pid and companion.starts == 1
    # a warning in a file that is not recompiled is still reported (from Mix's manifest)
    third = companion.compile(timeout=TIMEOUT_S)
    assert third.status is CompileStatus.NOOP
    assert third.diagnostics == second.diagnostics


def test_a_syntax_error_is_an_error_at_its_line(
    courier: Path, companion: CompilerCompanion
) -> None:
    path = courier / "lib/courier/metrics.ex"
    original = path.read_text()
    path.write_text(
        original.replace(
            "defmodule Courier.Metrics do", "defmodule Courier.Metrics do\n  def broken(, do: 1", 1
        )
    )
    result = companion.compile(timeout=TIMEOUT_S)
    assert result.status is CompileStatus.ERROR
    (error,) = result.errors
    assert error.path == "lib/courier/metrics.ex"
    assert error.line > 0
    assert error.message.startswith("SyntaxError: ")
    assert "parallel_compiler" not in error.message  # no stack trace
    path.write_text(original)
    fixed = companion.compile(timeout=TIMEOUT_S)
    assert fixed.status is CompileStatus.OK and fixed.errors == ()


def test_quick_saves_of_the_same_size_are_all_seen(
    courier: Path, companion: CompilerCompanion
) -> None:
    """Mix compares mtimes in whole seconds: a same-size edit saved in the second of the last
    compile must still be compiled."""
    path = courier / "lib/courier/rate_card.ex"
    rel, _ = add_unused_variable(courier)
    for name in ("unused_a", "unused_b", "unused_c", "unused_d"):
        text = path.read_text()
        path.write_text(re.sub(r"unused_\w+ = 42", f"{name} = 42", text))
        result = companion.compile(timeout=TIMEOUT_S)
        assert [(d.path, f'"{name}"' in d.message) for d in result.warnings] == [(rel, True)]


def test_plain_mix_finds_nothing_to_do_after_a_warm_compile(
    courier: Path, companion: CompilerCompanion
) -> None:
    add_unused_variable(courier)
    assert companion.compile(timeout=TIMEOUT_S).status is CompileStatus.OK
    cold = cold_compile(courier)
    assert cold.returncode == 0
    assert "Compiling" not in cold.stdout + cold.stderr


MACRO = "defmodule Courier.Mac do\n  defmacro val, do: {value}\nend\n"
USER = (
    "defmodule Courier.UseMac do\n  require Courier.Mac\n"
    "  def v, do: Courier.Mac.val(){more}\nend\n"
)


def test_a_build_by_another_mix_is_not_undone_by_old_code_in_the_vm(
    courier: Path, companion: CompilerCompanion
) -> None:
    """A macro rebuilt by a plain `mix compile` (a terminal, a code reloader): the companion's
    next compile of a module using it must expand the new macro, not the one it holds."""
    (courier / "lib/courier/mac.ex").write_text(MACRO.format(value=1))
    (courier / "lib/courier/use_mac.ex").write_text(USER.format(more=""))
    assert companion.compile(timeout=TIMEOUT_S).status is CompileStatus.OK
    (courier / "lib/courier/mac.ex").write_text(MACRO.format(value=22))
    assert cold_compile(courier).returncode == 0
    (courier / "lib/courier/use_mac.ex").write_text(USER.format(more="\n  def w, do: :w"))
    assert companion.compile(timeout=TIMEOUT_S).status is CompileStatus.OK
    run = subprocess.run(
        ["mix", "run", "--no-start", "--no-compile", "-e", "IO.puts(Courier.UseMac.v())"],
        cwd=courier,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert run.stdout.strip() == "22", run.stdout + run.stderr


def test_what_the_project_prints_while_compiling_cannot_break_the_protocol(
    courier: Path, companion: CompilerCompanion
) -> None:
    noisy = '@ep {"event":"compiled","id":"1","status":"ok"}'
    (courier / "lib/courier/noisy.ex").write_text(
        "defmodule Courier.Noisy do\n"
        f"  IO.puts(~S({noisy}))\n"
        '  IO.write("no newline \\u00e9 \\x00")\n'
        "end\n"
    )
    result = companion.compile(timeout=TIMEOUT_S)
    assert result.status is CompileStatus.OK, result
    assert "lib/courier/noisy.ex" in result.compiled
    assert noisy in result.output


def test_any_message_text_comes_through(courier: Path, companion: CompilerCompanion) -> None:
    (courier / "lib/courier/accents.ex").write_text(
        "defmodule Courier.Accents do\n  def f do\n"
        '    déjà_vu = "→ \\" \\\\ 🚀"\n'
        "    :ok\n  end\nend\n"
    )
    result = companion.compile(timeout=TIMEOUT_S)
    (warning,) = result.warnings
    assert 'variable "déjà_vu" is unused' in warning.message


def test_a_compile_that_hangs_times_out_and_the_next_one_starts_afresh(
    courier: Path, companion: CompilerCompanion
) -> None:
    slow = courier / "lib/courier/slow.ex"
    slow.write_text("defmodule Courier.Slow do\n  Process.sleep(60_000)\nend\n")
    stuck = companion.compile(timeout=1.0)
    assert stuck.status is CompileStatus.FAILED
    assert stuck.message == "the compiler did not compile within 1s"
    assert companion.running is False
    slow.unlink()
    again = companion.compile(timeout=TIMEOUT_S)
    assert again.ok and companion.starts == 2


def test_it_restarts_after_the_beam_dies(courier: Path, companion: CompilerCompanion) -> None:
    companion.compile(timeout=TIMEOUT_S)
    pid = companion.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert wait_gone(pid, TIMEOUT_S)
    rel, _ = add_unused_variable(courier)
    result = companion.compile(timeout=TIMEOUT_S)
    assert result.status is CompileStatus.OK
    assert [d.path for d in result.warnings] == [rel]
    assert companion.starts == 2 and companion.pid not in (None, pid)


def test_a_changed_mix_exs_restarts_it_and_a_broken_one_is_one_error(
    courier: Path, companion: CompilerCompanion
) -> None:
    companion.compile(timeout=TIMEOUT_S)
    mix_exs = courier / "mix.exs"
    original = mix_exs.read_text()
    mix_exs.write_text(original.replace("deps: deps()", "deps: deps(,"))
    broken = companion.compile(timeout=TIMEOUT_S)
    assert broken.status is CompileStatus.ERROR
    (error,) = broken.errors
    assert error.path == "mix.exs" and error.line >= 10
    assert error.message.startswith("SyntaxError: ") and "companion.exs" not in error.message
    assert companion.running is False
    mix_exs.write_text(original)
    again = companion.compile(timeout=TIMEOUT_S)
    assert again.ok, again
    assert companion.starts == 3


def test_dependencies_not_fetched_are_one_reason_not_a_finding(
    courier: Path, companion: CompilerCompanion
) -> None:
    """A fresh clone whose dependencies are not fetched: not a fault of its code. One
    UNAVAILABLE answer saying to run mix deps.get, and no new BEAM per save until mix.exs,
    mix.lock, config/ or deps/ change."""
    mix_exs = courier / "mix.exs"
    original = mix_exs.read_text()
    mix_exs.write_text(original.replace("    []\n", '    [{:jason, "~> 1.4"}]\n', 1))
    first = companion.compile(timeout=TIMEOUT_S)
    assert first.status is CompileStatus.UNAVAILABLE, first
    assert "dependencies are not fetched or compiled (run `mix deps.get`)" in first.message
    assert ":jason" in first.message and not first.diagnostics
    starts = companion.starts
    assert companion.compile(timeout=TIMEOUT_S) == first
    assert companion.starts == starts  # nothing started again
    mix_exs.write_text(original)
    assert companion.compile(timeout=TIMEOUT_S).ok


def test_without_mix_it_is_unavailable_with_one_reason(
    courier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(courier))  # no mix, no elixir there
    companion = CompilerCompanion(courier)
    result = companion.compile()
    assert result.status is CompileStatus.UNAVAILABLE
    assert result.message == "mix is not installed (no 'mix' or 'elixir' on PATH)"
    assert not companion.running and companion.starts == 0


def test_stop_ends_the_beam(companion: CompilerCompanion) -> None:
    assert companion.ping(timeout=TIMEOUT_S)
    pid = companion.pid
    assert pid is not None
    companion.stop()
    assert wait_gone(pid, 10.0)
    assert companion.pid is None


PARENT = """
import sys
from pathlib import Path
from elixir_pro.compiler import CompilerCompanion
companion = CompilerCompanion(Path(sys.argv[1]))
result = companion.compile(timeout=120)
print(companion.pid, result.status.value, flush=True)
sys.stdin.read()
"""


def test_the_beam_goes_when_its_parent_is_killed(courier: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(courier)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        ready, _, _ = select.select([parent.stdout], [], [], TIMEOUT_S)
        assert ready, "the parent did not report its companion"
        pid_text, status = parent.stdout.readline().split()
        assert status == "noop"
        beam = int(pid_text)
        assert Path(f"/proc/{beam}").exists()
        parent.send_signal(signal.SIGKILL)
        parent.wait(TIMEOUT_S)
        assert wait_gone(beam, 10.0), "the BEAM outlived its killed parent"
    finally:
        parent.kill()
        parent.wait()
