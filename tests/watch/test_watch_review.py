"""The review-on-save policy (one in flight, minimum interval, skip unchanged) and the diff it
sends, built from a real git repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from watch_support import git, write

from elixir_pro.errors import UserError
from elixir_pro.watch import ReviewMode, ReviewPolicy, diff_for_paths


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _diffs(texts: dict[tuple[str, ...], str]):  # type: ignore[no-untyped-def]
    sent: list[tuple[str, ...]] = []

    def diff_for(paths: tuple[str, ...]) -> str:
        sent.append(paths)
        return texts.get(paths, f"diff --git a/x b/x\n+changed {paths}\n")

    return diff_for, sent


def test_on_save_one_in_flight_and_minimum_interval() -> None:
    clock = Clock()
    policy = ReviewPolicy(ReviewMode.ON_SAVE, min_interval_s=30, clock=clock)
    diff_for, sent = _diffs({})
    assert policy.begin(diff_for) is None  # nothing changed yet
    policy.note_batch(["lib/a.ex"])
    assert policy.due_in() == 0.0
    first = policy.begin(diff_for)
    assert first is not None and first.paths == ("lib/a.ex",) and not first.manual
    policy.note_batch(["lib/b.ex"])
    assert policy.in_flight and policy.begin(diff_for) is None  # one at a time
    policy.finish(first)
    assert policy.due_in() == 30.0
    assert policy.begin(diff_for) is None  # too soon
    clock.now += 30
    second = policy.begin(diff_for, manual=False)
    assert second is not None and second.paths == ("lib/b.ex",)
    assert sent == [("lib/a.ex",), ("lib/b.ex",)]


def test_on_save_skips_a_diff_identical_to_the_last_review() -> None:
    clock = Clock()
    policy = ReviewPolicy(ReviewMode.ON_SAVE, min_interval_s=1, clock=clock)
    diff_for, _ = _diffs({})
    policy.note_batch(["lib/a.ex"])
    request = policy.begin(diff_for)
    assert request is not None
    policy.finish(request)
    clock.now += 5
    policy.note_batch(["lib/a.ex"])  # saved again with the same diff (undone, then redone)
    assert policy.begin(diff_for) is None
    assert policy.pending == ()


def test_manual_mode_sends_only_on_request_and_can_repeat() -> None:
    policy = ReviewPolicy(ReviewMode.MANUAL, clock=Clock())
    diff_for, _ = _diffs({})
    policy.note_batch(["lib/a.ex", "lib/b.ex"])
    assert policy.due_in() is None and policy.begin(diff_for) is None
    request = policy.begin(diff_for, manual=True)
    assert request is not None and request.manual and request.paths == ("lib/a.ex", "lib/b.ex")
    policy.finish(request)
    again = policy.begin(diff_for, manual=True)  # "review my last change" once more
    assert again is not None and again.paths == request.paths


def test_off_and_empty_diffs_send_nothing() -> None:
    diff_for, _ = _diffs({("lib/a.ex",): "  \n"})
    off = ReviewPolicy(ReviewMode.OFF, clock=Clock())
    off.note_batch(["lib/a.ex"])
    assert off.begin(diff_for, manual=True) is None
    manual = ReviewPolicy(ReviewMode.MANUAL, clock=Clock())
    manual.note_batch(["lib/a.ex"])
    assert manual.begin(diff_for, manual=True) is None
    assert ReviewPolicy(clock=Clock()).begin(diff_for, manual=True) is None  # nothing ever


def test_review_mode_parse() -> None:
    assert ReviewMode.parse("on-save") is ReviewMode.ON_SAVE
    with pytest.raises(UserError, match=r"watch\.review"):
        ReviewMode.parse("always")


def test_diff_for_paths_tracked_untracked_and_deleted(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root / "lib" / "a.ex", "defmodule A do\nend\n")
    write(root / "lib" / "gone.ex", "defmodule Gone do\nend\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "init")
    write(root / "lib" / "a.ex", "defmodule A do\n  def x, do: 1\nend\n")
    write(root / "lib" / "new.ex", "defmodule New do\nend")
    (root / "lib" / "gone.ex").unlink()
    diff = diff_for_paths(root, ["lib/a.ex", "lib/new.ex", "lib/gone.ex"])
    assert "+  def x, do: 1" in diff
    assert "diff --git a/lib/new.ex b/lib/new.ex\nnew file mode 100644" in diff
    assert "+++ b/lib/new.ex" in diff and "+defmodule New do" in diff
    assert "deleted file mode" in diff and "-defmodule Gone do" in diff
    assert diff_for_paths(root, []) == ""
    assert diff_for_paths(root, ["lib/unchanged_missing.ex"]) == ""


def test_diff_for_paths_in_a_subfolder_of_the_repo_and_outside_git(tmp_path: Path) -> None:
    top = tmp_path / "mono"
    write(top / "apps" / "web" / "lib" / "w.ex", "defmodule W do\nend\n")
    git(top, "init", "-q")
    git(top, "add", ".")
    git(top, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "init")
    write(top / "apps" / "web" / "lib" / "w.ex", "defmodule W do\n  @moduledoc false\nend\n")
    diff = diff_for_paths(top / "apps" / "web", ["lib/w.ex"])
    assert "+  @moduledoc false" in diff and "apps/web/lib/w.ex" in diff

    plain = tmp_path / "plain"
    write(plain / "lib" / "p.ex", "defmodule P do\nend\n")
    assert "+defmodule P do" in diff_for_paths(plain, ["lib/p.ex"])
    with pytest.raises(UserError, match="outside the project"):
        diff_for_paths(plain, ["../mono/apps/web/lib/w.ex"])
