"""The check before apply with the real ``mix``: a staged change compiled in a shadow build is
marked at its hunk, only what is new relative to the current tree is reported, unformatted hunks
are found, and the project (its ``_build`` above all) is byte-identical afterwards."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from precheck_support import BROKEN_CALL, GREETER_EX, HARMLESS, NAMES_EX, UNFORMATTED, tree_digest

from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.compiler.baseline import new_diagnostics
from elixir_pro.compiler.model import Diagnostic, DiagnosticSeverity
from elixir_pro.compiler.precheck import PrecheckState, run_precheck
from elixir_pro.compiler.proposed import proposed_files
from elixir_pro.compiler.shadow import PREFIX, ShadowError, ShadowTree, sweep_stale_shadows
from elixir_pro.config import PrecheckConfig, load_config
from elixir_pro.errors import UserError


def staged(root: Path, edits: dict[str, tuple[str, str]]) -> ReviewModel:
    changeset = Changeset(root, source="test")
    for rel, (old, new) in edits.items():
        text = (root / rel).read_text()
        assert old in text
        changeset.propose_text(rel, text.replace(old, new, 1))
    return ReviewModel(changeset)


def test_compile_error_is_put_on_its_hunk_and_the_project_is_untouched(greeter: Path) -> None:
    model = staged(greeter, {GREETER_EX: HARMLESS})
    text = model.changeset.proposals[GREETER_EX].new_text or ""
    model.changeset.propose_text(GREETER_EX, text.replace(*BROKEN_CALL))
    model = ReviewModel(model.changeset)
    assert len(model.diff(GREETER_EX).hunks) == 2
    build_before, tree_before = tree_digest(greeter / "_build"), tree_digest(greeter)
    stages: list[str] = []

    report = run_precheck(greeter, proposed_files(model), progress=stages.append)

    assert tree_digest(greeter / "_build") == build_before
    assert tree_digest(greeter) == tree_before
    assert report.state is PrecheckState.PROBLEMS and report.does_not_compile
    assert stages[0] == "compiling proposed change…"
    error = report.errors[0]
    assert error.path == GREETER_EX and error.line == 11 and "nope/0" in error.message
    notes = report.notes_for(GREETER_EX)
    assert [n.kind for n in notes[1]] == ["error"] and 0 not in notes
    assert report.file_mark(GREETER_EX) == "error"
    prompt = report.fix_prompt()
    assert "lib/greeter.ex:11: error: undefined function nope/0" in prompt
    assert "nothing has been applied" in prompt


def test_a_warning_the_current_tree_has_is_not_new_after_its_line_moves(greeter: Path) -> None:
    edits = {
        NAMES_EX: (
            '  @moduledoc "Display names."\n',
            '  @moduledoc "Display names."\n\n  @max 40\n\n  def max, do: @max\n',
        ),
        GREETER_EX: ("  def shout(name) do\n", "  def shout(name, loud) do\n"),
    }
    report = run_precheck(greeter, proposed_files(staged(greeter, edits)))

    assert report.state is PrecheckState.PROBLEMS and not report.does_not_compile
    assert [(d.path, d.line) for d in report.warnings] == [(GREETER_EX, 14)]
    assert 'variable "loud" is unused' in report.warnings[0].message
    assert report.file_mark(NAMES_EX) is None  # its unused "unused" was there before
    assert report.notes_for(GREETER_EX)[0][0].kind == "warning"


def test_an_unformatted_hunk_is_marked_and_a_formatted_one_is_not(greeter: Path) -> None:
    edits = {
        GREETER_EX: UNFORMATTED,
        NAMES_EX: ('"Display names."', '"Display names, trimmed."'),
    }
    report = run_precheck(greeter, proposed_files(staged(greeter, edits)))

    assert report.state is PrecheckState.PROBLEMS and not report.new
    assert report.unformatted == (GREETER_EX,)
    note = report.notes_for(GREETER_EX)[0][0]
    assert (note.kind, note.line) == ("format", 7)
    assert report.file_mark(NAMES_EX) is None
    assert "not formatted" in report.headline()


def test_a_rejected_hunk_is_left_out_of_the_proposed_tree(greeter: Path) -> None:
    model = staged(greeter, {GREETER_EX: BROKEN_CALL})
    model.reject(GREETER_EX, 0, "no")
    assert proposed_files(model) == {}
    model = staged(greeter, {GREETER_EX: BROKEN_CALL, NAMES_EX: ('"Display names."', '"Names."')})
    model.reject(GREETER_EX, 0)
    report = run_precheck(greeter, proposed_files(model))
    assert report.state is PrecheckState.OK, report.headline()
    assert report.headline() == "✓ compiles, nothing new from the compiler, formatted"


def test_each_step_can_be_turned_off(greeter: Path) -> None:
    files = proposed_files(staged(greeter, {GREETER_EX: BROKEN_CALL}))
    off = run_precheck(greeter, files, PrecheckConfig(compile=False, format=False))
    assert off.state is PrecheckState.SKIPPED and off.message == "check before apply: off"
    format_only = run_precheck(greeter, files, PrecheckConfig(compile=False))
    assert format_only.compiled is None and format_only.state is PrecheckState.OK


def test_without_mix_the_check_is_skipped_with_one_line(
    greeter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = proposed_files(staged(greeter, {GREETER_EX: BROKEN_CALL}))
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    report = run_precheck(greeter, files)
    assert report.state is PrecheckState.SKIPPED
    assert report.headline() == "mix is not installed: the change was not compiled before apply"


def _warning(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, 0, DiagnosticSeverity.WARNING, message)


def test_new_diagnostics_pair_each_current_one_once_by_nearest_line(greeter: Path) -> None:
    edits = {NAMES_EX: ('  @moduledoc "Display names."\n', '  @moduledoc "Display names."\n\n\n')}
    files = proposed_files(staged(greeter, edits))
    unused = 'variable "x" is unused'
    baseline = (_warning(NAMES_EX, 6, unused), _warning(NAMES_EX, 4, "clause at line 3"))
    proposed = (
        _warning(NAMES_EX, 2, unused),
        _warning(NAMES_EX, 8, unused),
        _warning(NAMES_EX, 6, "clause at line 5"),
    )
    assert new_diagnostics(proposed, baseline, files) == [proposed[0]]


def test_an_edited_hunk_is_checked_as_edited(greeter: Path) -> None:
    model = staged(greeter, {GREETER_EX: BROKEN_CALL})
    fixed = '    "Goodbye, " <> Names.display(name) <> "!"\n'
    model.edit(GREETER_EX, 0, fixed)
    files = proposed_files(model)
    assert fixed in (files[GREETER_EX].text or "")
    report = run_precheck(greeter, files)
    assert report.state is PrecheckState.OK, report.headline()


def test_the_shadow_never_writes_through_a_link_into_the_project(
    greeter: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    (greeter / "lib").rename(outside)
    (greeter / "lib").symlink_to(outside, target_is_directory=True)
    before = tree_digest(outside)
    with pytest.raises(ShadowError, match="refusing to write outside the shadow build"):
        ShadowTree(greeter, {GREETER_EX: b"defmodule Greeter do\nend\n"})
    with pytest.raises(ShadowError, match="not a path inside the project"):
        ShadowTree(greeter, {"../escape.ex": b""})
    assert tree_digest(outside) == before and not (tmp_path / "escape.ex").exists()


def test_a_caller_the_change_breaks_elsewhere_is_named_by_file_and_line(greeter: Path) -> None:
    model = staged(greeter, {NAMES_EX: ("def display(name)", "def display_name(name)")})
    report = run_precheck(greeter, proposed_files(model))
    assert [(d.path, d.line) for d in report.warnings] == [(GREETER_EX, 7), (GREETER_EX, 11)]
    note = report.notes[0]
    assert note.hunk is None and note.path == GREETER_EX
    assert note.text == (
        "Greeter.Names.display/1 is undefined or private. Did you mean: * display_name/1"
    )
    assert report.file_mark(NAMES_EX) is None and report.file_mark(GREETER_EX) == "warning"


def test_an_error_the_current_tree_already_has_is_not_blamed_on_the_change(
    greeter: Path,
) -> None:
    broken = greeter / NAMES_EX
    broken.write_text(broken.read_text().replace("String.trim(name)", "String.trim(name) <> oops"))
    report = run_precheck(greeter, proposed_files(staged(greeter, {GREETER_EX: HARMLESS})))
    assert report.state is PrecheckState.OK and not report.new
    assert report.headline() == (
        "✓ nothing new from the compiler (the current tree does not compile either)"
    )


def test_shadows_left_behind_by_a_killed_process_are_swept() -> None:
    old = Path(tempfile.mkdtemp(prefix=PREFIX))
    fresh = Path(tempfile.mkdtemp(prefix=PREFIX))
    (old / "lib").mkdir()
    os.utime(old, (1_000_000, 1_000_000))
    try:
        sweep_stale_shadows()
        assert not old.exists() and fresh.is_dir()
    finally:
        fresh.rmdir()


def test_a_syntax_error_in_a_test_file_is_found_by_the_format_check(greeter: Path) -> None:
    test_file = "test/greeter_test.exs"
    model = staged(greeter, {test_file: ('test "hello" do', 'test "hello" do\n    assert (')})
    report = run_precheck(greeter, proposed_files(model))
    (error,) = report.errors
    assert (error.path, error.compiler) == (test_file, "mix format")
    assert "missing terminator" in error.message
    assert report.file_mark(test_file) == "error" and report.notes[0].hunk == 0


def test_code_run_at_compile_time_cannot_write_into_the_project(greeter: Path) -> None:
    target = greeter / "lib" / "written_at_compile_time.txt"
    module = f'defmodule Greeter.Sneaky do\n  File.write!("{target}", "x")\nend\n'
    changeset = Changeset(greeter, source="test")
    changeset.propose_text("lib/greeter/sneaky.ex", module)
    build, tree = tree_digest(greeter / "_build"), tree_digest(greeter)
    report = run_precheck(greeter, proposed_files(ReviewModel(changeset)))
    with ShadowTree(greeter, {}) as shadow:
        assert shadow.sandboxed  # bubblewrap: all but the shadow is read-only
    assert report.does_not_compile and "read-only file system" in report.errors[0].message
    assert tree_digest(greeter / "_build") == build and tree_digest(greeter) == tree
    assert not target.exists()


def test_precheck_settings_are_read_and_a_bad_one_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".elixir-pro.yaml").write_text("precheck: {format: false, timeout_s: 30}\n")
    assert load_config(tmp_path).precheck == PrecheckConfig(format=False, timeout_s=30.0)
    (tmp_path / ".elixir-pro.yaml").write_text("precheck:\n  timeout_s: 0\n")
    with pytest.raises(UserError) as bad:
        load_config(tmp_path)
    assert bad.value.one_line().endswith("precheck.timeout_s: expected a positive number")
    (tmp_path / ".elixir-pro.yaml").write_text("precheck:\n  compile: sometimes\n")
    with pytest.raises(UserError) as wrong:
        load_config(tmp_path)
    assert ":2: precheck.compile: expected true or false" in wrong.value.one_line()
