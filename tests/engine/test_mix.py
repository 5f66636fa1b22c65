"""engine.mix: running the real mix on a small fixture project and parsing its output."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from elixir_pro.engine.mix import (
    EXIT_MISSING,
    mix_available,
    mix_compile,
    mix_format,
    mix_test,
    parse_compile_diagnostics,
    parse_test_failures,
    run_mix,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mix"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the sample project for the whole module, compiled once in the test env."""
    root = tmp_path_factory.mktemp("mix") / "sample"
    shutil.copytree(FIXTURES / "sample", root, ignore=shutil.ignore_patterns("_build", "deps"))
    return root


# --------------------------------------------------------------------------- real mix


@pytest.mark.mix
def test_mix_is_available() -> None:
    assert mix_available()


@pytest.mark.mix
def test_clean_project_compiles_without_diagnostics(project: Path) -> None:
    report = mix_compile(project, warnings_as_errors=True, mix_env="test")
    assert report.ok, report.result.output
    assert report.diagnostics == ()
    assert (project / "_build" / "test" / "lib" / "sample").is_dir()


@pytest.mark.mix
def test_passing_tests_and_doctest_are_counted(project: Path) -> None:
    report = mix_test(project, files=["test/sample_test.exs"])
    assert report.ok, report.result.output
    assert report.summary.found
    assert (report.summary.doctests, report.summary.tests, report.summary.failures) == (1, 1, 0)
    assert report.result.args == ("test", "test/sample_test.exs")


@pytest.mark.mix
def test_failing_test_is_parsed_with_file_and_line(project: Path) -> None:
    report = mix_test(project)
    assert not report.ok
    assert report.result.returncode == 2
    summary = report.summary
    assert summary.failures == 1
    assert summary.tests == 3
    (failure,) = summary.failed
    assert failure.name == "adds wrongly"
    assert failure.module == "FailingTest"
    assert failure.location == "test/failing_test.exs:8"
    assert failure.failed_at == "test/failing_test.exs:9"
    assert "Assertion with == failed" in failure.message
    assert "left:  2" in failure.message


@pytest.mark.mix
def test_warning_fails_warnings_as_errors_with_its_location(project: Path) -> None:
    target = project / "lib" / "unused.ex"
    shutil.copy(FIXTURES / "snippets" / "unused.ex", target)
    try:
        report = mix_compile(project, warnings_as_errors=True, mix_env="test")
    finally:
        target.unlink()
    assert not report.ok
    assert report.errors == ()
    (warning,) = report.warnings
    assert (warning.file, warning.line) == ("lib/unused.ex", 3)
    assert 'variable "unused" is unused' in warning.message
    assert warning.context == "Sample.Unused.double/1"


@pytest.mark.mix
def test_compile_error_is_parsed_with_its_location(project: Path) -> None:
    target = project / "lib" / "broken.ex"
    shutil.copy(FIXTURES / "snippets" / "broken.ex", target)
    try:
        report = mix_compile(project, mix_env="test")
    finally:
        target.unlink()
    assert not report.ok
    (error,) = report.errors
    assert (error.file, error.line) == ("lib/broken.ex", 3)
    assert "undefined function missing_helper/0" in error.message


@pytest.mark.mix
def test_format_touches_only_the_given_elixir_files(project: Path) -> None:
    target = project / "lib" / "unformatted.ex"
    shutil.copy(FIXTURES / "snippets" / "unformatted.ex", target)
    notes = project / "NOTES.md"
    notes.write_text("  not   elixir  \n")
    try:
        check = mix_format(project, [target], check=True)
        assert not check.ok
        result = mix_format(project, ["lib/unformatted.ex", "NOTES.md"])
        assert result.ok, result.output
        assert result.args == ("format", "lib/unformatted.ex")
        assert "def spaced(a, b), do: {a, b}" in target.read_text()
        assert notes.read_text() == "  not   elixir  \n"
    finally:
        target.unlink()
        notes.unlink()


def test_format_with_nothing_to_format_runs_nothing(tmp_path: Path) -> None:
    result = mix_format(tmp_path, ["README.md", "/etc/hosts.ex"])
    assert result.ok
    assert result.duration == 0.0
    assert result.message == "no Elixir files to format"


@pytest.mark.mix
def test_timeout_kills_the_whole_process_group(project: Path) -> None:
    started = time.monotonic()
    result = run_mix(
        project, ["run", "--no-compile", "--no-start", "-e", "Process.sleep(60_000)"], timeout=2
    )
    assert result.timed_out
    assert not result.ok
    assert time.monotonic() - started < 30
    assert "timed out after 2s" in result.headline()
    leftovers = subprocess.run(
        ["pgrep", "-f", "Process.sleep\\(60_000\\)"], capture_output=True, text=True, check=False
    )
    assert leftovers.stdout.strip() == ""


# --------------------------------------------------------------------------- mix missing


def test_missing_mix_gives_a_clear_result(tmp_path: Path) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {"PATH": str(empty_bin)}
    assert not mix_available(env)
    result = run_mix(tmp_path, ["compile"], timeout=5, env=env)
    assert result.unavailable and not result.ok
    assert result.returncode == EXIT_MISSING
    assert result.headline() == (
        "mix compile: mix is not installed (no 'mix' on PATH); install Elixir to verify with mix"
    )


def test_missing_project_dir_is_not_an_exception(tmp_path: Path) -> None:
    result = run_mix(tmp_path / "nope", ["compile"], timeout=5)
    assert result.unavailable and not result.ok
    assert result.message == f"not a directory: {tmp_path / 'nope'}"


# --------------------------------------------------------------------------- parsers


def test_parses_elixir_114_warning_with_several_call_sites() -> None:
    output = textwrap.dedent(
        """\
        Compiling 2 files (.ex)
        warning: Enum.mapp/2 is undefined or private. Did you mean:

              * map/2

          lib/a.ex:3: A.run/0
          lib/b.ex:12: B.go/1

        warning: variable "x" is unused (if the variable is not meant to be used, prefix it)
          lib/c.ex:7: C.f/1

        Generated app
        """
    )
    found = parse_compile_diagnostics(output)
    assert [(d.file, d.line, d.context) for d in found] == [
        ("lib/a.ex", 3, "A.run/0"),
        ("lib/b.ex", 12, "B.go/1"),
        ("lib/c.ex", 7, "C.f/1"),
    ]
    assert found[0].summary == "Enum.mapp/2 is undefined or private. Did you mean:"
    assert "* map/2" in found[0].message
    assert found[2].one_line().startswith('lib/c.ex:7: warning: variable "x" is unused')


def test_parses_elixir_114_exceptions() -> None:
    output = textwrap.dedent(
        """\
        == Compilation error in file lib/q.ex ==
        ** (SyntaxError) lib/q.ex:2:20: syntax error before: ')'
            |
          2 |   def bar, do: (1 +)
            |                    ^
            (elixir 1.14.0) lib/kernel/parallel_compiler.ex:346: anonymous fn/5
        ** (TokenMissingError) lib/r.ex:5:1: missing terminator: end
        ** (Mix) Could not compile dependency :foo
        """
    )
    found = parse_compile_diagnostics(output)
    assert [(d.file, d.line, d.column, d.context) for d in found] == [
        ("lib/q.ex", 2, 20, "SyntaxError"),
        ("lib/r.ex", 5, 1, "TokenMissingError"),
        (None, None, None, "Mix"),
    ]
    assert found[0].message == "syntax error before: ')'"
    assert all(d.severity == "error" for d in found)


def test_parses_boxed_diagnostics_of_newer_elixir() -> None:
    output = (
        '    warning: variable "x" is unused (prefix it with an underscore)\n'
        "    │\n"
        "  2 │   def hello(x) do\n"
        "    │             ~\n"
        "    │\n"
        "    └─ lib/p.ex:2:13: P.hello/1\n"
        "\n"
        "    error: undefined function foo/0 (expected Q to define such a function)\n"
        "    │\n"
        "  2 │   def bar, do: foo()\n"
        "    │                ^^^\n"
        "    │\n"
        "    └─ lib/q.ex:2:16: Q.bar/0\n"
        "\n"
        "== Compilation error in file lib/q.ex ==\n"
        "** (CompileError) lib/q.ex: cannot compile module Q (errors have been logged)\n"
        "\n"
        "** (SyntaxError) invalid syntax found on lib/z.ex:4:20:\n"
        "    error: syntax error before: ')'\n"
        "    │\n"
        "  4 │   def bar, do: (1 +)\n"
        "    │                    ^\n"
        "    │\n"
        "    └─ lib/z.ex:4:20\n"
    )
    found = parse_compile_diagnostics(output)
    assert [(d.severity, d.file, d.line, d.column) for d in found] == [
        ("warning", "lib/p.ex", 2, 13),
        ("error", "lib/q.ex", 2, 16),
        ("error", "lib/z.ex", 4, 20),
    ]
    assert found[1].context == "Q.bar/0"
    assert found[2].message == "syntax error before: ')'"


def test_parses_elixir_115_logged_errors() -> None:
    output = textwrap.dedent(
        """\
        Compiling 1 file (.ex)
        error: undefined function foo/0 (expected Q to define such a function)
          lib/q.ex:2: Q.bar/0

        error: undefined variable "y"
          lib/q.ex:5: Q.baz/0


        == Compilation error in file lib/q.ex ==
        ** (CompileError) lib/q.ex: cannot compile module Q (errors have been logged)
        ** (CompileError) lib/other.ex: cannot compile module Other (errors have been logged)
        """
    )
    found = parse_compile_diagnostics(output)
    assert [(d.severity, d.file, d.line) for d in found] == [
        ("error", "lib/q.ex", 2),
        ("error", "lib/q.ex", 5),
        ("error", "lib/other.ex", None),
    ]
    assert found[2].one_line() == (
        "lib/other.ex: error: cannot compile module Other (errors have been logged)"
    )


def test_ansi_colour_codes_are_ignored() -> None:
    output = "\x1b[33mwarning: \x1b[0munused alias Foo\n  lib/x.ex:2\n\n"
    (found,) = parse_compile_diagnostics(output)
    assert (found.file, found.line, found.message) == ("lib/x.ex", 2, "unused alias Foo")


def test_parses_summary_with_doctests_and_extra_counts() -> None:
    output = (
        "Finished in 0.1 seconds (0.05s async, 0.05s sync)\n"
        "\x1b[31m2 doctests, 1 property, 10 tests, 3 failures, 1 invalid, 2 excluded, 4 skipped"
        "\x1b[0m\n"
    )
    summary = parse_test_failures(output)
    assert summary.found
    assert (summary.doctests, summary.properties, summary.tests) == (2, 1, 10)
    assert (summary.failures, summary.invalid, summary.excluded, summary.skipped) == (3, 1, 2, 4)
    assert not summary.passed
    assert summary.headline() == "2 doctests, 10 tests, 3 failures, 1 invalid, 4 skipped"


def test_parses_doctest_and_setup_all_failures() -> None:
    output = textwrap.dedent(
        """\
          1) doctest Sample.add/2 (1) (SampleTest)
             test/sample_test.exs:3
             Doctest failed
             doctest:
               iex> Sample.add(1, 2)
               4
             code:  Sample.add(1, 2) === 4
             left:  3
             stacktrace:
               lib/sample.ex:7: Sample (module)

          2) SetupTest: failure on setup_all callback, all tests have been invalidated
             ** (RuntimeError) no database
             stacktrace:
               test/setup_test.exs:4: SetupTest.__ex_unit_setup_all_0/1

        Finished in 0.02 seconds
        1 doctest, 0 tests, 1 failure, 1 invalid
        """
    )
    summary = parse_test_failures(output)
    doctest, setup = summary.failed
    assert (doctest.kind, doctest.name, doctest.module) == (
        "doctest",
        "Sample.add/2 (1)",
        "SampleTest",
    )
    assert doctest.location == "test/sample_test.exs:3"
    assert doctest.failed_at is None
    assert "left:  3" in doctest.message
    assert (setup.kind, setup.module, setup.file) == ("setup", "SetupTest", None)
    assert setup.message == "** (RuntimeError) no database"
    assert (summary.failures, summary.invalid) == (1, 1)


def test_no_tests_and_no_results_are_told_apart() -> None:
    assert parse_test_failures("No stale tests\n").no_tests
    assert parse_test_failures("No stale tests\n").passed
    crashed = parse_test_failures("** (CompileError) lib/x.ex:1: boom\n")
    assert not crashed.found and not crashed.no_tests and not crashed.passed
