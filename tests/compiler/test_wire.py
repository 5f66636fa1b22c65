"""Reading the companion's replies: every Elixir version's diagnostic shapes become the same
Diagnostic, with paths relative to the project and exceptions' messages cleaned."""

from __future__ import annotations

from pathlib import Path

from elixir_pro.compiler.model import CompileStatus, DiagnosticSeverity
from elixir_pro.compiler.wire import clean_message, compile_result, diagnostic

ROOT = Path("/p/app")


def test_positions_of_every_shape() -> None:
    line_only = diagnostic(
        {"file": "/p/app/lib/a.ex", "severity": "warning", "position": [3]}, ROOT
    )
    assert (line_only.path, line_only.line, line_only.column) == ("lib/a.ex", 3, 0)
    pair = diagnostic({"file": "/p/app/lib/a.ex", "severity": "error", "position": [3, 7]}, ROOT)
    assert (pair.line, pair.column, pair.severity) == (3, 7, DiagnosticSeverity.ERROR)
    four = diagnostic({"file": "lib/a.ex", "position": [3, 7, 4, 1], "severity": "hint"}, ROOT)
    assert (four.end_line, four.end_column, four.severity) == (4, 1, DiagnosticSeverity.HINT)
    spanned = diagnostic({"file": "/p/app/lib/a.ex", "position": [3, 7], "span": [3, 12]}, ROOT)
    assert (spanned.end_line, spanned.end_column) == (3, 12)


def test_files_outside_the_project_or_missing() -> None:
    dep = diagnostic({"file": "/elsewhere/deps/x/lib/x.ex", "position": [1]}, ROOT)
    assert dep.path == "/elsewhere/deps/x/lib/x.ex"
    none = diagnostic({"file": None, "source": None, "message": "boom", "position": []}, ROOT)
    assert (none.path, none.line, none.location) == ("", 0, "")
    source = diagnostic({"file": None, "source": "/p/app/lib/b.ex", "position": [2]}, ROOT)
    assert source.path == "lib/b.ex"


def test_unknown_severity_and_garbage_positions_do_not_raise() -> None:
    odd = diagnostic({"severity": "weird", "position": ["x", True, None], "message": 5}, ROOT)
    assert odd.severity is DiagnosticSeverity.WARNING
    assert (odd.line, odd.column, odd.message) == (0, 0, "5")


def test_an_exception_loses_its_location_prefix_and_stack_trace() -> None:
    raw = (
        "** (SyntaxError) lib/courier/locator.ex:25:1: unexpected reserved word: end\n"
        "    (elixir 1.14.0) lib/kernel/parallel_compiler.ex:346: anonymous fn/5 in X\n"
    )
    assert clean_message(raw, "lib/courier/locator.ex") == (
        "SyntaxError: unexpected reserved word: end",
        25,
        1,
    )


def test_frames_of_a_script_are_dropped_too() -> None:
    raw = (
        "** (SyntaxError) mix.exs:11:5: unexpected token: ]\n"
        "    /usr/lib/x/companion.exs:97: anonymous fn/0 in ElixirProCompanion.boot/0\n"
    )
    assert clean_message(raw, "mix.exs") == ("SyntaxError: unexpected token: ]", 11, 5)


def test_the_line_comes_from_the_trace_when_mix_gave_none() -> None:
    raw = (
        "** (ArgumentError) cannot set attribute @moduledoc inside function/macro\n"
        "    (elixir 1.14.0) lib/kernel.ex:3489: Kernel.do_at/5\n"
        "    (courier 0.1.0) lib/courier/metrics.ex:4: Courier.Metrics.zz/1\n"
    )
    item = {
        "file": "/p/app/lib/courier/metrics.ex",
        "severity": "error",
        "message": raw,
        "position": [0],
    }
    found = diagnostic(item, ROOT)
    assert found.line == 4
    assert found.message == "ArgumentError: cannot set attribute @moduledoc inside function/macro"


def test_a_plain_warning_message_is_kept() -> None:
    text = 'variable "a" is unused (if the variable is not meant to be used, prefix it)'
    assert clean_message(text, "lib/a.ex") == (text, 0, 0)


def test_compile_result_from_a_reply() -> None:
    reply = {
        "event": "compiled",
        "id": "3",
        "status": "error",
        "diagnostics": [{"file": "/p/app/lib/a.ex", "severity": "error", "position": [1]}, "junk"],
        "compiled": ["lib/b.ex", "lib/b.ex", "/p/app/lib/c.ex"],
        "output": "Compiling 2 files (.ex)\n",
    }
    result = compile_result(reply, ROOT, 0.25)
    assert result.status is CompileStatus.ERROR and not result.ok and result.ran
    assert result.compiled == ("lib/b.ex", "lib/c.ex")
    assert [d.path for d in result.errors] == ["lib/a.ex"]
    assert result.headline() == "compile: failed (1 error, 0 warnings) in 250 ms"
    assert compile_result({"status": "bogus"}, ROOT, 0.0).status is CompileStatus.ERROR
