"""Confinement: every path that resolves outside the project root is refused by every tool
that takes a path, and nothing outside the root is opened or listed while a tool runs.

An audit hook (``sys.addaudithook``) records every ``open``/``os.scandir``/``os.listdir``
during the calls, so "nothing outside is read" is observed, not inferred from the output.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools_support import (
    ALL_CLIENT_TOOLS,
    OUTSIDE_MARK,
    MakeToolset,
    Project,
    build_project,
    toolset_factory,
)

from elixir_pro.tools import Toolset


class _OutsideWatch:
    """Records file accesses below the watched directories while active."""

    def __init__(self) -> None:
        self.forbidden: tuple[str, ...] = ()
        self.seen: list[str] = []
        self._busy = False

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.forbidden or self._busy:
            return
        if event not in ("open", "os.scandir", "os.listdir") or not args:
            return
        target = args[0]
        if isinstance(target, bytes):
            target = os.fsdecode(target)
        if not isinstance(target, str | os.PathLike):
            return
        self._busy = True
        try:
            real = os.path.realpath(os.fspath(target))
        finally:
            self._busy = False
        if any(real == d or real.startswith(d + os.sep) for d in self.forbidden):
            self.seen.append(f"{event} {real}")


WATCH = _OutsideWatch()
sys.addaudithook(WATCH.hook)


def run_watched(project: Project, tools: Toolset, name: str, tool_input: dict[str, Any]) -> str:
    """Run one tool call; fail if it touched anything outside the root; return its output."""
    WATCH.forbidden = (
        os.path.realpath(project.outside),
        os.path.realpath(project.sibling),
    )
    WATCH.seen = []
    try:
        outcome = asyncio.run(tools.run(name, tool_input))
    finally:
        WATCH.forbidden = ()
    assert WATCH.seen == [], (name, tool_input, WATCH.seen)
    assert OUTSIDE_MARK not in outcome.output
    return outcome.output if not outcome.is_error else "ERROR " + outcome.output


def _escapes(project: Project) -> list[str]:
    root, outside = project.root, project.outside
    return [
        str(outside / "secret.txt"),  # absolute outside
        "../outside/secret.txt",  # .. escape
        "lib/../../outside/secret.txt",  # .. escape through a real directory
        f"{root}/../outside/code.ex",  # absolute with ..
        "lib/out_link.ex",  # file symlink pointing out
        "lib/outdir/secret.txt",  # through a directory symlink pointing out
        "lib/outdir",  # the directory symlink itself
        "lib/outdir/../outside/code.ex",  # .. applied after following the link
        str(project.sibling / "loot.ex"),  # shares the root's path as a string prefix
        "/etc/passwd",
        "..",
    ]


def _calls(path: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("Read", {"file_path": path}),
        ("Write", {"file_path": path, "content": "x\n"}),
        ("Edit", {"file_path": path, "old_string": "", "new_string": "x\n"}),
        ("Edit", {"file_path": path, "old_string": "defmodule", "new_string": "x"}),
        ("Grep", {"pattern": "OUTSIDE|defmodule|root", "path": path}),
        ("Glob", {"pattern": "**/*", "path": path}),
    ]


def test_every_escape_is_refused_by_every_tool(project: Project) -> None:
    tools = toolset_factory(project)(ALL_CLIENT_TOOLS)
    for path in _escapes(project):
        for name, tool_input in _calls(path):
            output = run_watched(project, tools, name, tool_input)
            assert output.startswith("ERROR "), (name, path, output)
            assert "outside the project root" in output, (name, path, output)
    assert tools.ctx.changeset.proposals == {}
    assert tools.ctx.read_state == {}


def test_whole_tree_searches_do_not_follow_links_out(project: Project) -> None:
    tools = toolset_factory(project)(ALL_CLIENT_TOOLS)
    grep = run_watched(project, tools, "Grep", {"pattern": "OUTSIDE", "output_mode": "content"})
    assert grep.startswith("No matches found")
    listed = run_watched(project, tools, "Glob", {"pattern": "**/*"})
    assert "outdir" not in listed and "out_link" not in listed
    assert "lib/sample.ex" in listed


def test_links_inside_the_root_still_work(project: Project) -> None:
    tools = toolset_factory(project)(ALL_CLIENT_TOOLS)
    assert "defmodule Sample do" in run_watched(
        project, tools, "Read", {"file_path": "lib_link/sample.ex"}
    )
    assert "lib/sample.ex" in run_watched(
        project, tools, "Grep", {"pattern": "def hello", "path": "lib_link"}
    )


async def test_relative_paths_are_resolved_against_the_root_not_the_cwd(
    make_toolset: MakeToolset, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.outside)
    out = await make_toolset().run("Read", {"file_path": "secret.txt"})
    assert out.is_error and "File does not exist: secret.txt" in out.output


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_project(tmp_path_factory.mktemp("confine"))


SEGMENTS = [
    "..",
    ".",
    "",
    "lib",
    "sample",
    "sample.ex",
    "worker.ex",
    "out_link.ex",
    "in_link.ex",
    "outdir",
    "lib_link",
    "secret.txt",
    "code.ex",
    "outside",
    "project",
    "project-evil",
    "loot.ex",
    "deps",
    "mix.exs",
]


@settings(max_examples=250, deadline=None)
@given(
    prefix=st.sampled_from(["", "root", "base", "outside", "slash"]),
    segments=st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=7),
    call=st.integers(min_value=0, max_value=5),
)
def test_generated_paths_never_leave_the_root(
    shared: Project, prefix: str, segments: list[str], call: int
) -> None:
    base = shared.root.parent
    heads = {
        "": "",
        "root": f"{shared.root}/",
        "base": f"{base}/",
        "outside": f"{shared.outside}/",
        "slash": "/",
    }
    path = heads[prefix] + "/".join(segments)
    if not path.strip():
        path = "."
    candidate = Path(path) if os.path.isabs(path) else shared.root / path
    real = Path(os.path.realpath(candidate))
    root = Path(os.path.realpath(shared.root))
    escapes = real != root and not real.is_relative_to(root)
    tools = toolset_factory(shared)(ALL_CLIENT_TOOLS)
    name, tool_input = _calls(path)[call]
    output = run_watched(shared, tools, name, tool_input)
    if escapes:
        assert output.startswith("ERROR ") and "outside the project root" in output, (
            name,
            path,
            output,
        )
        assert tools.ctx.changeset.proposals == {}
    for rel in tools.ctx.changeset.proposals:
        staged = Path(os.path.realpath(root / rel))
        assert staged.is_relative_to(root), rel


def test_the_watch_sees_reads_outside_the_root(project: Project) -> None:
    """The audit hook is what the tests above rely on: prove it records an outside read,
    including one made through a symlink inside the root."""
    WATCH.forbidden = (os.path.realpath(project.outside),)
    WATCH.seen = []
    try:
        (project.root / "lib" / "out_link.ex").read_text()
        os.listdir(project.root / "lib" / "outdir")
    finally:
        WATCH.forbidden = ()
    assert len(WATCH.seen) == 2
    assert WATCH.seen[0].startswith("open ") and WATCH.seen[0].endswith("secret.txt")


@pytest.mark.parametrize("path", ["~/x.ex", "~", "~/", "~root/x.ex", "~nobody-such-user/x.ex"])
def test_a_home_path_is_outside_the_project_not_a_folder_named_tilde(
    project: Project, path: str
) -> None:
    tools = toolset_factory(project)()
    for name, tool_input in _calls(path):
        out = run_watched(project, tools, name, tool_input)
        assert out.startswith("ERROR") and "outside the project root" in out, (name, out)
    assert tools.ctx.changeset.proposals == {}
    assert not (project.root / "~").exists()


def test_a_project_folder_named_tilde_is_reached_as_dot_slash(project: Project) -> None:
    tools = toolset_factory(project)()
    out = run_watched(project, tools, "Write", {"file_path": "./~/notes.ex", "content": "x\n"})
    assert not out.startswith("ERROR") and "~/notes.ex" in tools.ctx.changeset.proposals
