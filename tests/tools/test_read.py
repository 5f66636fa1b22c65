"""Read: numbered lines, paging, caps with notes, and the files it refuses."""

from __future__ import annotations

import os

from tools_support import MakeToolset, Project


async def test_read_returns_cat_n_numbered_lines(make_toolset: MakeToolset) -> None:
    out = await make_toolset().run("Read", {"file_path": "lib/sample/application.ex"})
    assert not out.is_error
    lines = out.output.split("\n")
    assert lines[0] == "     1\tdefmodule Sample.Application do"
    assert lines[1] == "     2\t  use Application"
    assert lines[-1] == "     9\tend"
    assert len(lines) == 9


async def test_absolute_path_inside_the_root_is_accepted(
    make_toolset: MakeToolset, project: Project
) -> None:
    out = await make_toolset().run("Read", {"file_path": str(project.root / "mix.exs")})
    assert not out.is_error
    assert "defmodule Sample.MixProject do" in out.output


async def test_offset_and_limit_page_with_a_note_to_continue(
    make_toolset: MakeToolset, project: Project
) -> None:
    (project.root / "lib" / "long.ex").write_text("".join(f"line {i}\n" for i in range(1, 51)))
    out = await make_toolset().run("Read", {"file_path": "lib/long.ex", "offset": 10, "limit": 5})
    rows = out.output.split("\n")
    assert rows[:5] == [f"{n:>6}\tline {n}" for n in range(10, 15)]
    assert "showing lines 10-14 of 50" in rows[5]
    assert "offset=15" in rows[5]


async def test_default_cap_is_2000_lines(make_toolset: MakeToolset, project: Project) -> None:
    (project.root / "big.txt").write_text("".join(f"{i}\n" for i in range(1, 2501)))
    out = await make_toolset().run("Read", {"file_path": "big.txt"})
    rows = out.output.split("\n")
    assert rows[1999] == "  2000\t2000"
    assert "showing lines 1-2000 of 2500" in rows[2000] and "offset=2001" in rows[2000]


async def test_long_lines_are_cut(make_toolset: MakeToolset, project: Project) -> None:
    (project.root / "wide.txt").write_text("x" * 5000 + "\nshort\n")
    out = await make_toolset().run("Read", {"file_path": "wide.txt"})
    first = out.output.split("\n")[0]
    assert first.endswith("[line truncated]")
    assert len(first) < 2100
    assert "1 line(s) longer than 2000 characters cut" in out.output


async def test_output_is_capped_at_256_kb(make_toolset: MakeToolset, project: Project) -> None:
    (project.root / "fat.txt").write_text(("y" * 1500 + "\n") * 1000)
    out = await make_toolset().run("Read", {"file_path": "fat.txt"})
    assert len(out.output.encode()) <= 256 * 1024 + 300
    assert "256 KB output cap" in out.output


async def test_missing_file_directory_and_empty_file(
    make_toolset: MakeToolset, project: Project
) -> None:
    tools = make_toolset()
    missing = await tools.run("Read", {"file_path": "lib/nope.ex"})
    assert missing.is_error and "File does not exist: lib/nope.ex" in missing.output
    directory = await tools.run("Read", {"file_path": "lib"})
    assert directory.is_error and "is a directory" in directory.output
    (project.root / "empty.ex").write_text("")
    empty = await tools.run("Read", {"file_path": "empty.ex"})
    assert not empty.is_error and "exists but is empty" in empty.output
    past = await tools.run("Read", {"file_path": "mix.exs", "offset": 500})
    assert not past.is_error and "past the end" in past.output


async def test_binary_files_are_refused(make_toolset: MakeToolset) -> None:
    out = await make_toolset().run("Read", {"file_path": "priv/logo.png"})
    assert out.is_error and "binary file" in out.output


async def test_secrets_are_refused_unless_allowed(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    for path in (".env", "config/prod.secret.exs", "priv/server.key"):
        out = await tools.run("Read", {"file_path": path})
        assert out.is_error, path
        assert "looks like a secret" in out.output and "allow_secrets" in out.output
        assert "secret-" not in out.output and "password" not in out.output
    example = await tools.run("Read", {"file_path": ".env.example"})
    assert not example.is_error
    allowed = make_toolset(allow_secrets=("config/*.secret.exs",))
    out = await allowed.run("Read", {"file_path": "config/prod.secret.exs"})
    assert not out.is_error and "prod-secret-api-key" in out.output
    still = await allowed.run("Read", {"file_path": ".env"})
    assert still.is_error


async def test_symlink_inside_the_root_is_followed(make_toolset: MakeToolset) -> None:
    out = await make_toolset().run("Read", {"file_path": "lib/in_link.ex"})
    assert not out.is_error and "defmodule Sample do" in out.output


async def test_crlf_lines_are_shown_without_carriage_returns(
    make_toolset: MakeToolset, project: Project
) -> None:
    (project.root / "win.ex").write_bytes(b"defmodule Win do\r\nend\r\n")
    out = await make_toolset().run("Read", {"file_path": "win.ex"})
    assert out.output == "     1\tdefmodule Win do\n     2\tend"


async def test_a_named_pipe_is_refused_without_blocking(
    make_toolset: MakeToolset, project: Project
) -> None:
    os.mkfifo(project.root / "pipe")
    tools = make_toolset()
    out = await tools.run("Read", {"file_path": "pipe"})
    assert out.is_error and "not a regular file" in out.output
    grep = await tools.run("Grep", {"pattern": "x", "output_mode": "count"})
    assert not grep.is_error


async def test_oversized_files_are_refused(make_toolset: MakeToolset, project: Project) -> None:
    with open(project.root / "huge.log", "wb") as fh:
        fh.truncate(17 * 1024 * 1024)  # sparse: no real disk use
    out = await make_toolset().run("Read", {"file_path": "huge.log"})
    assert out.is_error and "17 MB, too large to read (limit 16 MB)" in out.output
    assert "sed -n" in out.output
