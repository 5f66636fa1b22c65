"""Fixtures for the watcher tests: real temp projects in real git repositories, and a started
service wired to an event collector (stopped after each test)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watch_support import TIMEOUT_S, Collector, git, write

from elixir_pro.watch import WatchService


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small Elixir project in a real git repository with one commit."""
    root = tmp_path / "proj"
    write(root / "mix.exs", "defmodule Proj.MixProject do\nend\n")
    write(root / "lib" / "proj.ex", "defmodule Proj do\n  def hello, do: :world\nend\n")
    write(root / "test" / "proj_test.exs", "defmodule ProjTest do\nend\n")
    write(root / ".gitignore", "/generated/\n*.gen.ex\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "init")
    return root


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture
def start_service(
    collector: Collector,
) -> Iterator[Callable[..., WatchService]]:
    """Start a service on a root with the collector attached; stopped after the test."""
    started: list[WatchService] = []

    def _start(root: Path, **kwargs: object) -> WatchService:
        kwargs.setdefault("on_event", collector)
        service = WatchService(root, **kwargs)  # type: ignore[arg-type]
        service.start()
        started.append(service)
        assert service.ready.wait(TIMEOUT_S)
        return service

    yield _start
    for service in started:
        service.stop()
