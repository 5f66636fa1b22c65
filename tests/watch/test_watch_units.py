"""Unit tests of the watcher's parts: editor artifacts, ignore rules (with and without git), the
.gitignore reader, content fingerprints and the coalescer's window and cap."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from watch_support import git, write

from elixir_pro.watch.debounce import Coalescer, Pending
from elixir_pro.watch.hashes import ContentHashes
from elixir_pro.watch.ignore import GitignoreFile, IgnoreRules, is_editor_artifact


@pytest.mark.parametrize(
    ("name", "artifact"),
    [
        (".worker.ex.swp", True),
        (".worker.ex.swo", True),
        ("worker.ex~", True),
        ("4913", True),
        (".#worker.ex", True),
        ("#worker.ex#", True),
        ("worker.ex.tmp", True),
        ("worker.ex___jb_tmp___", True),
        ("worker.ex", False),
        ("swp.ex", False),
        ("4913.ex", False),
    ],
)
def test_editor_artifacts(name: str, artifact: bool) -> None:
    assert is_editor_artifact(name) is artifact


def test_quick_ignored_folders_state_and_artifacts(tmp_path: Path) -> None:
    state = tmp_path / ".cache" / "ep"
    rules = IgnoreRules(tmp_path, extra_ignored=(state, tmp_path.parent / "elsewhere"))
    assert rules.quick_ignored("_build/dev/lib/a.ex")
    assert rules.quick_ignored("apps/web/deps/x/lib/a.ex")
    assert rules.quick_ignored(".git/HEAD")
    assert rules.quick_ignored(".cache/ep/sessions.db")
    assert rules.quick_ignored("lib/.a.ex.swp")
    assert not rules.quick_ignored("lib/a.ex")
    assert not rules.quick_ignored("lib/deps_helper.ex")
    assert not rules.quick_ignored(".cache/other.ex")


def test_gitignore_reader_semantics(tmp_path: Path) -> None:
    path = write(
        tmp_path / ".gitignore",
        "# comment\n\n*.log\n/cover/\nbuild/\ndoc/**/*.html\n!important.log\ntmp\n",
    )
    rules = GitignoreFile(path)
    assert rules.ignored("a.log") and rules.ignored("x/y/a.log")
    assert not rules.ignored("important.log")
    assert rules.ignored("cover/x.ex") and not rules.ignored("lib/cover/x.ex")
    assert rules.ignored("lib/build/x.ex")  # dir pattern without inner slash: any depth
    assert not rules.ignored("build", is_dir=False)  # trailing slash: folders only
    assert rules.ignored("doc/a/b/c.html") and rules.ignored("doc/c.html")
    assert rules.ignored("tmp/a.ex") and rules.ignored("lib/tmp")
    write(path, "*.ex\n")
    rules.refresh()
    assert rules.ignored("lib/a.ex") and not rules.ignored("a.log")


def test_git_rules_follow_nested_gitignores_exclude_and_tracked_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root / ".gitignore", "*.gen.ex\n")
    write(root / "lib" / ".gitignore", "local/\n")
    write(root / "lib" / "forced.gen.ex", "tracked anyway\n")
    git(root, "init", "-q")
    git(root, "add", "-f", "lib/forced.gen.ex")
    write(root / ".git" / "info" / "exclude", "secret.ex\n")
    rules = IgnoreRules(root)
    assert rules.uses_git
    kept = rules.drop_gitignored(
        ["lib/a.ex", "lib/b.gen.ex", "lib/local/c.ex", "secret.ex", "lib/forced.gen.ex"]
    )
    assert kept == {"lib/a.ex", "lib/forced.gen.ex"}


def test_git_ignored_folders_are_pruned(pruned_repo: Path) -> None:
    rules = IgnoreRules(pruned_repo)
    assert rules.dir_pruned("generated") and rules.dir_pruned("cover/html")
    assert rules.dir_pruned("apps/web/_build")
    assert not rules.dir_pruned("lib") and not rules.dir_pruned("lib/generated")


@pytest.fixture
def pruned_repo(tmp_path: Path) -> Path:
    root = tmp_path / "pruned"
    write(root / ".gitignore", "/generated/\ncover/\n")
    write(root / "generated" / "a.ex", "a\n")
    write(root / "cover" / "html" / "index.html", "x\n")
    write(root / "lib" / "generated" / "b.ex", "b\n")
    git(root, "init", "-q")
    return root


def test_list_files_with_and_without_git(tmp_path: Path) -> None:
    for root in (tmp_path / "git", tmp_path / "plain"):
        write(root / ".gitignore", "ignored/\n")
        write(root / "lib" / "a.ex", "a\n")
        write(root / "ignored" / "b.ex", "b\n")
        write(root / "_build" / "c.ex", "c\n")
        write(root / "deps" / "d" / "mix.exs", "d\n")
    git(tmp_path / "git", "init", "-q")
    for root in (tmp_path / "git", tmp_path / "plain"):
        assert IgnoreRules(root).list_files() == [".gitignore", "lib/a.ex"], root


def test_fingerprints_detect_identical_saves_and_evict(tmp_path: Path) -> None:
    for name in ("a.ex", "b.ex", "c.ex"):
        write(tmp_path / name, name)
    hashes = ContentHashes(tmp_path, max_entries=2)
    hashes.seed("a.ex")
    assert hashes.update("a.ex", from_event=False) == "same"
    write(tmp_path / "a.ex", "changed")
    assert hashes.update("a.ex") == "changed"
    assert hashes.update("b.ex") == "changed"  # never seen: a change
    assert hashes.update("c.ex") == "changed"
    assert len(hashes) == 2 and "a.ex" not in hashes  # least recently touched evicted
    (tmp_path / "c.ex").unlink()
    assert hashes.update("c.ex") == "deleted"
    assert hashes.update("c.ex") == "absent"
    assert hashes.update("zz.ex") == "absent"
    with pytest.raises(ValueError):
        ContentHashes(tmp_path, max_entries=0)


def test_a_save_the_startup_fingerprint_already_saw_is_still_a_change(tmp_path: Path) -> None:
    # start-up fingerprints are read while events arrive: a save can land just before its file
    # is fingerprinted, its event just after. Its digest then matches, its mtime did not move.
    source = write(tmp_path / "a.ex", "new content\n")
    hashes = ContentHashes(tmp_path)
    hashes.seed("a.ex")  # read after the save
    assert hashes.update("a.ex") == "changed"  # the save's event arrives: reported once
    assert hashes.update("a.ex") == "same"
    hashes.seed("b.ex")  # nothing to read: nothing recorded
    assert "b.ex" not in hashes

    other = write(tmp_path / "c.ex", "c\n")
    hashes.seed("c.ex")
    stat = other.stat()
    other.write_text("c\n")  # an identical save after start-up ...
    os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))  # ... a later mtime
    assert hashes.update("c.ex") == "same"
    assert source.exists()


def test_coalescer_trailing_window() -> None:
    coalescer = Coalescer(0.05, 1.0)
    start = time.monotonic()
    coalescer.add("a.ex")
    coalescer.add("b.ex")
    coalescer.add("a.ex")
    batch = coalescer.next_batch(5.0)
    elapsed = time.monotonic() - start
    assert batch == Pending(("a.ex", "b.ex"), ())
    assert 0.05 <= elapsed < 1.0
    assert coalescer.next_batch(0.01) == Pending()  # idle: an empty batch, falsy
    assert not Pending()


def test_coalescer_max_wait_flushes_a_never_ending_burst() -> None:
    coalescer = Coalescer(0.2, 0.4)
    stop = threading.Event()

    def burst() -> None:
        n = 0
        while not stop.is_set():
            coalescer.add(f"f{n}.ex")
            n += 1
            stop.wait(0.01)  # paced writer, well inside the 0.2 s window

    writer = threading.Thread(target=burst)
    start = time.monotonic()
    writer.start()
    try:
        batch = coalescer.next_batch(5.0)
        elapsed = time.monotonic() - start
    finally:
        stop.set()
        writer.join()
    assert batch is not None and len(batch.files) > 5
    assert 0.4 <= elapsed < 0.4 + 0.3


def test_coalescer_close_and_kick() -> None:
    coalescer = Coalescer(0.05, 0.1)
    coalescer.add_dir("lib/sub")
    assert coalescer.next_batch(1.0) == Pending((), ("lib/sub",))
    coalescer.kick()
    assert coalescer.next_batch(60.0) == Pending()
    coalescer.close()
    assert coalescer.next_batch(60.0) is None
    with pytest.raises(ValueError):
        Coalescer(0.5, 0.1)


def test_the_observers_shutdown_race_is_not_reported_but_other_errors_are(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    import elixir_pro.watch.observers  # noqa: F401  (installs the filter)

    logger = logging.getLogger("watchdog.observers.inotify")
    with caplog.at_level(logging.ERROR):
        logger.error("InotifyEmitter.queue_events() called when the thread is inactive")
        logger.error("something else went wrong")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["something else went wrong"]
