"""Glob: matching with ** and braces, mtime order, the cap, ignored dirs, staged files, and
glob pattern unit cases."""

from __future__ import annotations

import os

import pytest
from tools_support import MakeToolset, Project

from elixir_pro.tools.globs import compile_glob, glob_matches


async def test_glob_lists_matches_newest_first(make_toolset: MakeToolset, project: Project) -> None:
    for rel, mtime in (
        ("lib/sample.ex", 3_000_000),
        ("lib/sample/worker.ex", 1_000_000),
        ("lib/sample/application.ex", 2_000_000),
    ):
        os.utime(project.root / rel, (mtime, mtime))
    out = await make_toolset().run("Glob", {"pattern": "**/*.ex", "path": "lib/sample"})
    assert out.output.split("\n") == ["lib/sample/application.ex", "lib/sample/worker.ex"]
    everything = await make_toolset().run("Glob", {"pattern": "lib/**/*.ex"})
    names = everything.output.split("\n")
    assert names[-2:] == ["lib/sample/application.ex", "lib/sample/worker.ex"]
    assert "lib/sample.ex" in names
    assert not any("link" in n or "outdir" in n for n in names)  # symlinks are not walked


async def test_ignored_dirs_unless_asked_for(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    out = await tools.run("Glob", {"pattern": "**/*.ex"})
    assert "deps/" not in out.output and "_build/" not in out.output
    deps = await tools.run("Glob", {"pattern": "deps/**/*.ex"})
    assert deps.output == "deps/jason/lib/jason.ex"
    by_path = await tools.run("Glob", {"pattern": "**/*.ex", "path": "_build"})
    assert by_path.output == "_build/dev/built.ex"


async def test_braces_and_no_match(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    out = await tools.run("Glob", {"pattern": "*.{exs,md}"})
    assert sorted(out.output.split("\n")) == ["README.md", "mix.exs"]
    none = await tools.run("Glob", {"pattern": "**/*.heex"})
    assert none.output == "No files found" and not none.is_error


async def test_cap_of_100_with_a_note(make_toolset: MakeToolset, project: Project) -> None:
    (project.root / "gen").mkdir()
    for i in range(130):
        (project.root / "gen" / f"m{i:03}.ex").write_text("x")
    out = await make_toolset().run("Glob", {"pattern": "gen/*.ex"})
    rows = out.output.split("\n")
    assert len(rows) == 101
    assert "showing 100 of 130 files" in rows[-1]


async def test_absolute_patterns(make_toolset: MakeToolset, project: Project) -> None:
    tools = make_toolset()
    inside = await tools.run("Glob", {"pattern": f"{project.root}/lib/*.ex"})
    assert "lib/sample.ex" in inside.output.split("\n")
    outside = await tools.run("Glob", {"pattern": f"{project.outside}/*"})
    assert outside.is_error and "outside the project root" in outside.output
    dotdot = await tools.run("Glob", {"pattern": "../outside/*"})
    assert dotdot.is_error and "'..'" in dotdot.output


async def test_staged_creations_and_deletions(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    await tools.run("Write", {"file_path": "lib/new_dir/created.ex", "content": "x\n"})
    tools.ctx.changeset.propose_delete("lib/sample.ex")
    out = await tools.run("Glob", {"pattern": "lib/**/*.ex"})
    rows = out.output.split("\n")
    assert rows[0] == "lib/new_dir/created.ex"
    assert "lib/sample.ex" not in rows
    in_new_dir = await tools.run("Glob", {"pattern": "*.ex", "path": "lib/new_dir"})
    assert in_new_dir.output == "lib/new_dir/created.ex"


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/*.ex", "a.ex", True),
        ("**/*.ex", "lib/a/b.ex", True),
        ("*.ex", "lib/a.ex", False),
        ("lib/*.ex", "lib/a/b.ex", False),
        ("lib/**/*.ex", "lib/a.ex", True),
        ("lib/**", "lib/a/b/c.txt", True),
        ("lib/**/test_*.exs", "lib/x/test_a.exs", True),
        ("*.{ex,exs}", "mix.exs", True),
        ("*.{ex,exs}", "mix.eex", False),
        ("a?.ex", "ab.ex", True),
        ("a?.ex", "a/.ex", False),
        ("[ab].ex", "b.ex", True),
        ("[!ab].ex", "b.ex", False),
        ("file.(1).ex", "file.(1).ex", True),
    ],
)
def test_compile_glob(pattern: str, path: str, expected: bool) -> None:
    assert (compile_glob(pattern).match(path) is not None) is expected


def test_glob_without_slash_matches_the_name_at_any_depth() -> None:
    assert glob_matches("*.ex", "lib/deep/a.ex")
    assert not glob_matches("lib/*.ex", "lib/deep/a.ex")
