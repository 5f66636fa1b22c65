"""The watcher end to end: a real watchdog observer on real temp folders (a real git repository),
waiting on the service's events with timeouts. "Nothing happened" is proven with a sentinel: the
unwanted write comes first, then a matching write, and the batches up to the sentinel's must hold
only the sentinel (events arrive in order, so a reported unwanted path would show up first)."""

from __future__ import annotations

import errno
import os
import shutil
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from watch_support import Collector, write
from watchdog.observers.api import BaseObserver
from watchdog.observers.inotify import InotifyObserver

from elixir_pro.events import Notice
from elixir_pro.watch import Baseline, FileBatch, WatchService, WatchState, WatchStateChanged

StartService = Callable[..., WatchService]


def test_saving_a_matching_file_yields_exactly_one_batch(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    service = start_service(project)
    assert service.state is WatchState.WATCHING
    assert service.file_count == 3  # mix.exs, lib/proj.ex, test/proj_test.exs
    write(project / "lib" / "proj.ex", "defmodule Proj do\n  def hello, do: :moon\nend\n")
    batch = collector.next(FileBatch)
    assert batch == FileBatch(("lib/proj.ex",), ())
    # nothing else follows: the next batch is the sentinel's alone
    write(project / "lib" / "sentinel.ex", "defmodule S do\nend\n")
    assert collector.batches_until("lib/sentinel.ex") == [FileBatch(("lib/sentinel.ex",), ())]


def test_non_matching_and_ignored_files_yield_nothing(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    start_service(project)
    write(project / "README.md", "# readme\n")
    write(project / "priv" / "static" / "app.js", "x\n")
    write(project / "generated" / "schema.ex", "defmodule G do\nend\n")  # /generated/ ignored
    write(project / "lib" / "schema.gen.ex", "defmodule G2 do\nend\n")  # *.gen.ex ignored
    write(project / "_build" / "dev" / "lib" / "proj" / "x.ex", "x\n")
    write(project / "deps" / "jason" / "lib" / "jason.ex", "x\n")
    write(project / "node_modules" / "pkg" / "a.ex", "x\n")
    write(project / ".elixir_ls" / "build" / "a.ex", "x\n")
    write(project / "lib" / "sentinel.ex", "defmodule S do\nend\n")
    batches = collector.batches_until("lib/sentinel.ex")
    assert [b.all_paths for b in batches] == [("lib/sentinel.ex",)]


def test_gitignore_edits_take_effect_without_restart(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    start_service(project)
    write(project / ".gitignore", "/generated/\n*.gen.ex\nlib/scratch/\n")
    write(project / "lib" / "scratch" / "try.ex", "x\n")
    write(project / "lib" / "sentinel.ex", "s\n")
    batches = collector.batches_until("lib/sentinel.ex")
    assert [b.all_paths for b in batches] == [("lib/sentinel.ex",)]


def test_atomic_rename_save_is_a_change_of_the_target(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    start_service(project)
    target = project / "lib" / "proj.ex"
    temp = project / "lib" / ".proj.ex.tmp4242"
    temp.write_text("defmodule Proj do\n  def hello, do: :atomic\nend\n", encoding="utf-8")
    os.replace(temp, target)
    assert collector.next(FileBatch) == FileBatch(("lib/proj.ex",), ())


def test_vim_style_save_with_swap_probe_and_backup_is_one_change(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    start_service(project)
    lib = project / "lib"
    write(lib / ".proj.ex.swp", "swap\n")
    write(lib / "4913", "")
    (lib / "4913").unlink()
    os.rename(lib / "proj.ex", lib / "proj.ex~")
    write(lib / "proj.ex", "defmodule Proj do\n  def hello, do: :vim\nend\n")
    (lib / "proj.ex~").unlink()
    (lib / ".proj.ex.swp").unlink()
    write(lib / ".#proj.ex", "emacs lock\n")  # matches *.ex, still an artifact
    write(lib / "#proj.ex#", "emacs autosave\n")
    write(lib / "sentinel.ex", "s\n")
    batches = collector.batches_until("lib/sentinel.ex")
    paths = [p for b in batches for p in b.all_paths]
    assert sorted(paths) == ["lib/proj.ex", "lib/sentinel.ex"]
    assert all(not b.deleted for b in batches)


def test_content_identical_save_is_skipped(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    start_service(project)
    source = project / "lib" / "proj.ex"
    source.write_bytes(source.read_bytes())  # same bytes, new mtime
    write(project / "test" / "proj_test.exs", (project / "test" / "proj_test.exs").read_text())
    write(project / "lib" / "sentinel.ex", "s\n")
    batches = collector.batches_until("lib/sentinel.ex")
    assert [b.all_paths for b in batches] == [("lib/sentinel.ex",)]


def test_deleting_a_watched_file_and_a_folder_reports_deletions(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    write(project / "lib" / "sub" / "a.ex", "a\n")
    write(project / "lib" / "sub" / "b.ex", "b\n")
    start_service(project)
    (project / "lib" / "proj.ex").unlink()
    batch = collector.next(FileBatch)
    assert batch == FileBatch((), ("lib/proj.ex",))
    shutil.rmtree(project / "lib" / "sub")
    batch = collector.next(FileBatch)
    assert batch == FileBatch((), ("lib/sub/a.ex", "lib/sub/b.ex"))


def test_folder_renamed_inside_the_tree_reports_new_and_deleted_paths(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    write(project / "lib" / "old_name" / "a.ex", "a\n")
    write(project / "lib" / "old_name" / "deep" / "b.ex", "b\n")
    start_service(project)
    os.rename(project / "lib" / "old_name", project / "lib" / "new_name")
    batch = collector.next(FileBatch)
    assert batch.paths == ("lib/new_name/a.ex", "lib/new_name/deep/b.ex")
    assert batch.deleted == ("lib/old_name/a.ex", "lib/old_name/deep/b.ex")


def test_folder_moved_in_reports_its_files(
    project: Path, tmp_path: Path, collector: Collector, start_service: StartService
) -> None:
    start_service(project)
    outside = tmp_path / "outside" / "feature"
    write(outside / "x.ex", "x\n")
    write(outside / "deep" / "y.ex", "y\n")
    os.rename(outside, project / "lib" / "feature")
    batch = collector.next(FileBatch)
    assert batch.paths == ("lib/feature/deep/y.ex", "lib/feature/x.ex")


def test_burst_of_5000_files_gives_few_batches_and_bounded_memory(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    tracemalloc.start()
    try:
        start_service(project, debounce_ms=150, max_wait_ms=2000)
        expected = set()
        for d in range(50):
            folder = project / "lib" / f"ctx{d:02}"
            folder.mkdir()
            for f in range(100):
                (folder / f"mod{f:03}.ex").write_text(f"defmodule M{d}x{f} do\nend\n")
                expected.add(f"lib/ctx{d:02}/mod{f:03}.ex")
        write(project / "mix.exs", "defmodule Proj.MixProject do\n  # touched last\nend\n")
        batches = collector.batches_until("mix.exs", timeout=60)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    seen = {p for b in batches for p in b.paths}
    assert seen == expected | {"mix.exs"}
    assert len(batches) <= 15, [len(b.paths) for b in batches]
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_forced_polling_sees_saves(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    service = start_service(project, force_polling=True, poll_interval_s=0.1)
    assert service.state is WatchState.POLLING
    write(project / "lib" / "proj.ex", "defmodule Proj do\n  def hello, do: :poll\nend\n")
    write(project / "deps" / "x" / "lib" / "x.ex", "x\n")
    assert collector.next(FileBatch) == FileBatch(("lib/proj.ex",), ())


class _LimitReachedObserver(InotifyObserver):
    """Starts like the kernel refusing one more watch (the real limit is a system-wide sysctl
    a test must not lower)."""

    def start(self) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")


def test_watch_limit_falls_back_to_polling_with_a_notice(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    factory: Callable[[], BaseObserver] = _LimitReachedObserver
    service = start_service(project, observer_factory=factory, poll_interval_s=0.1)
    assert service.state is WatchState.POLLING
    notice = collector.next(Notice)
    assert "limit" in notice.message and "polling" in notice.message
    write(project / "lib" / "proj.ex", "defmodule Proj do\n  def hello, do: :limit\nend\n")
    assert collector.next(FileBatch) == FileBatch(("lib/proj.ex",), ())


def test_notifications_dying_while_running_fall_back_to_polling(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    made: list[BaseObserver] = []

    def factory() -> BaseObserver:
        made.append(InotifyObserver())
        return made[0]

    service = start_service(project, observer_factory=factory, poll_interval_s=0.1)
    assert service.state is WatchState.WATCHING
    for emitter in list(made[0].emitters):  # the notification thread ends, as on an OS error
        emitter.stop()
        emitter.join()
    assert "switching to polling" in collector.next(Notice).message
    assert collector.next(WatchStateChanged).state is WatchState.POLLING
    assert service.state is WatchState.POLLING
    write(project / "lib" / "proj.ex", "defmodule Proj do\n  def hello, do: :polled\nend\n")
    assert collector.next(FileBatch) == FileBatch(("lib/proj.ex",), ())


def test_root_vanishing_stops_cleanly_with_a_notice(
    tmp_path: Path, project: Path, collector: Collector, start_service: StartService
) -> None:
    service = start_service(project)
    os.rename(project, tmp_path / "renamed")
    notice = collector.next(Notice)
    assert "deleted or renamed" in notice.message
    state = collector.next(WatchStateChanged)
    assert state.state is WatchState.STOPPED
    assert service.state is WatchState.STOPPED


def test_root_deleted_while_polling_stops_cleanly(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    service = start_service(project, force_polling=True, poll_interval_s=0.1)
    shutil.rmtree(project)
    assert "deleted or renamed" in collector.next(Notice).message
    assert collector.next(WatchStateChanged).state is WatchState.STOPPED
    assert service.state is WatchState.STOPPED


def test_without_git_the_root_gitignore_is_read(
    tmp_path: Path, collector: Collector, start_service: StartService
) -> None:
    root = tmp_path / "plain"
    write(root / ".gitignore", "tmp/\n*.gen.ex\n!keep.gen.ex\n")
    write(root / "lib" / "a.ex", "a\n")
    write(root / "tmp" / "x.ex", "x\n")
    service = start_service(root)
    baseline = collector.next(Baseline)
    assert service.file_count == 1 and baseline.files == 1
    write(root / "tmp" / "y.ex", "y\n")
    write(root / "lib" / "b.gen.ex", "b\n")
    write(root / "lib" / "keep.gen.ex", "k\n")
    write(root / "lib" / "sentinel.ex", "s\n")
    batches = collector.batches_until("lib/sentinel.ex")
    assert sorted(p for b in batches for p in b.all_paths) == [
        "lib/keep.gen.ex",
        "lib/sentinel.ex",
    ]


def test_service_rejects_a_missing_root(tmp_path: Path) -> None:
    from elixir_pro.errors import UserError

    try:
        WatchService(tmp_path / "missing")
    except UserError as exc:
        assert "not a directory" in str(exc)
    else:
        raise AssertionError("expected UserError")


def test_rescan_finds_changes_no_event_reported(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    # a poll interval far beyond the test: only the rescan can see these changes
    service = start_service(project, force_polling=True, poll_interval_s=3600)
    write(project / "lib" / "proj.ex", "defmodule Proj do\n  def hello, do: :missed\nend\n")
    write(project / "lib" / "added.ex", "defmodule Added do\nend\n")
    write(project / "generated" / "skip.ex", "x\n")
    (project / "mix.exs").unlink()
    service.rescan("testing")
    assert "testing; rescanning" in collector.next(Notice).message
    assert collector.next(FileBatch) == FileBatch(("lib/added.ex", "lib/proj.ex"), ("mix.exs",))


def test_kernel_queue_overflow_triggers_a_rescan(
    project: Path, collector: Collector, start_service: StartService
) -> None:
    import logging

    start_service(project)
    # watchdog's only signal of lost events is this warning from its inotify reader; the kernel
    # queue limit is a system-wide sysctl a test must not lower, so the warning is logged here
    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost"
    )
    assert "queue overflowed" in collector.next(Notice).message
    write(project / "lib" / "sentinel.ex", "s\n")
    assert collector.batches_until("lib/sentinel.ex") == [FileBatch(("lib/sentinel.ex",), ())]
