"""Grep: output modes, context, filters, ignored directories, caps, staged content."""

from __future__ import annotations

import os

from tools_support import MakeToolset, Project


def _age(project: Project, rel: str, mtime: float) -> None:
    os.utime(project.root / rel, (mtime, mtime))


async def test_files_with_matches_is_the_default_newest_first(
    make_toolset: MakeToolset, project: Project
) -> None:
    _age(project, "lib/sample.ex", 1_000_000)
    _age(project, "lib/sample/worker.ex", 3_000_000)
    _age(project, "lib/sample/application.ex", 2_000_000)
    out = await make_toolset().run("Grep", {"pattern": "^defmodule Sample", "path": "lib"})
    assert out.output.split("\n") == [
        "Found 3 files",
        "lib/sample/worker.ex",
        "lib/sample/application.ex",
        "lib/sample.ex",
    ]


async def test_content_mode_with_line_numbers(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    out = await tools.run("Grep", {"pattern": "def greet", "output_mode": "content"})
    assert out.output.split("\n") == [
        "lib/sample.ex:8:  def greet(name) do",
        "lib/sample.ex:12:  def greet_all(names) do",
    ]
    plain = await tools.run(
        "Grep", {"pattern": "def greet\\(", "output_mode": "content", "-n": False}
    )
    assert plain.output == "lib/sample.ex:  def greet(name) do"


async def test_context_lines_and_group_separators(make_toolset: MakeToolset) -> None:
    out = await make_toolset().run(
        "Grep",
        {
            "pattern": "def (hello|greet_all)",
            "path": "lib/sample.ex",
            "output_mode": "content",
            "-A": 1,
        },
    )
    assert out.output.split("\n") == [
        "lib/sample.ex:4:  def hello do",
        "lib/sample.ex-5-    :world",
        "--",
        "lib/sample.ex:12:  def greet_all(names) do",
        "lib/sample.ex-13-    Enum.map(names, &greet/1)",
    ]
    around = await make_toolset().run(
        "Grep", {"pattern": ":world", "path": "lib/sample.ex", "output_mode": "content", "-C": 1}
    )
    assert around.output.split("\n") == [
        "lib/sample.ex-4-  def hello do",
        "lib/sample.ex:5:    :world",
        "lib/sample.ex-6-  end",
    ]
    before = await make_toolset().run(
        "Grep", {"pattern": ":world", "path": "lib/sample.ex", "output_mode": "content", "-B": 2}
    )
    assert before.output.split("\n")[0] == "lib/sample.ex-3-"


async def test_count_mode(make_toolset: MakeToolset) -> None:
    out = await make_toolset().run("Grep", {"pattern": "@impl", "output_mode": "count"})
    assert out.output.split("\n") == [
        "lib/sample/application.ex:1",
        "lib/sample/worker.ex:2",
        "Found 3 matching lines across 2 files.",
    ]


async def test_case_insensitive_and_multiline(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    sensitive = await tools.run("Grep", {"pattern": "GENSERVER.START_LINK"})
    assert sensitive.output.startswith("No matches found")
    insensitive = await tools.run("Grep", {"pattern": "GENSERVER.START_LINK", "-i": True})
    assert insensitive.output.split("\n")[1:] == ["lib/sample/worker.ex"]
    spanning = await tools.run(
        "Grep",
        {"pattern": "def init\\(opts\\) do\\s+\\{:ok", "multiline": True, "output_mode": "content"},
    )
    assert spanning.output.split("\n") == [
        "lib/sample/worker.ex:9:  def init(opts) do",
        "lib/sample/worker.ex:10:    {:ok, Map.new(opts)}",
    ]
    single_line = await tools.run("Grep", {"pattern": "def init\\(opts\\) do\\s+\\{:ok"})
    assert single_line.output.startswith("No matches found")


async def test_glob_and_type_filters(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    exs = await tools.run("Grep", {"pattern": "defmodule", "glob": "*.exs"})
    assert sorted(exs.output.split("\n")[1:]) == ["mix.exs", "test/sample_test.exs"]
    braces = await tools.run("Grep", {"pattern": "defmodule", "glob": "lib/**/*.{ex,exs}"})
    assert "mix.exs" not in braces.output and "lib/sample.ex" in braces.output
    typed = await tools.run("Grep", {"pattern": "Sample", "type": "md"})
    assert typed.output.split("\n")[1:] == ["README.md"]
    elixir = await tools.run("Grep", {"pattern": "Hello", "type": "elixir", "output_mode": "count"})
    assert "config/config.exs:1" in elixir.output and "README" not in elixir.output


async def test_ignored_dirs_binaries_and_secrets_are_skipped(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    out = await tools.run("Grep", {"pattern": "defmodule", "output_mode": "files_with_matches"})
    for hidden in ("deps/", "_build/", "node_modules/", ".git/", "priv/logo.png"):
        assert hidden not in out.output, hidden
    secrets = await tools.run("Grep", {"pattern": "api_key|env-secret|key-secret"})
    assert secrets.output == "No matches found (3 secret file(s) not searched)"
    inside_deps = await tools.run("Grep", {"pattern": "defmodule", "path": "deps"})
    assert inside_deps.output.split("\n")[1:] == ["deps/jason/lib/jason.ex"]
    binary = await tools.run("Grep", {"pattern": "defmodule", "path": "priv/logo.png"})
    assert binary.is_error and "binary" in binary.output
    secret_file = await tools.run("Grep", {"pattern": "api_key", "path": "config/prod.secret.exs"})
    assert secret_file.is_error and "prod-secret" not in secret_file.output


async def test_allowed_secrets_are_searched(make_toolset: MakeToolset) -> None:
    tools = make_toolset(allow_secrets=("*.secret.exs",))
    out = await tools.run("Grep", {"pattern": "api_key", "output_mode": "content"})
    assert "config/prod.secret.exs:3:" in out.output


async def test_staged_edits_are_searched(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    await tools.run("Read", {"file_path": "lib/sample.ex"})
    await tools.run(
        "Edit", {"file_path": "lib/sample.ex", "old_string": ":world", "new_string": ":staged_atom"}
    )
    await tools.run("Write", {"file_path": "lib/brand_new.ex", "content": "# :staged_atom\n"})
    out = await tools.run("Grep", {"pattern": ":staged_atom", "output_mode": "content"})
    assert sorted(out.output.split("\n")) == [
        "lib/brand_new.ex:1:# :staged_atom",
        "lib/sample.ex:5:    :staged_atom",
    ]
    old = await tools.run("Grep", {"pattern": ":world"})
    assert "lib/sample.ex" not in old.output


async def test_head_limit_and_output_cap(make_toolset: MakeToolset, project: Project) -> None:
    (project.root / "many.txt").write_text("".join(f"match {i}\n" for i in range(5000)))
    tools = make_toolset()
    limited = await tools.run(
        "Grep", {"pattern": "match", "output_mode": "content", "head_limit": 3}
    )
    rows = limited.output.split("\n")
    assert rows[:3] == ["many.txt:1:match 0", "many.txt:2:match 1", "many.txt:3:match 2"]
    assert rows[3].startswith("[Truncated by head_limit=3: showing 3 lines;")
    assert "5000 matching lines in 1 file(s) in all" in rows[3]
    capped = await tools.run("Grep", {"pattern": "match", "output_mode": "content"})
    assert len(capped.output) < 31_000 and "the output cap" in capped.output
    for i in range(300):
        (project.root / f"f{i}.txt").write_text("needle\n")
    files = await tools.run("Grep", {"pattern": "needle"})
    assert files.output.startswith("Found 300 files") and "showing 250 of 300 files" in files.output


async def test_bad_pattern_and_missing_path(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    bad = await tools.run("Grep", {"pattern": "(unclosed"})
    assert bad.is_error and "Invalid regular expression" in bad.output
    missing = await tools.run("Grep", {"pattern": "x", "path": "nowhere"})
    assert missing.is_error and "Path does not exist: nowhere" in missing.output
    mode = await tools.run("Grep", {"pattern": "x", "output_mode": "lines"})
    assert mode.is_error and "Grep.output_mode must be one of" in mode.output


async def test_root_gitignore_is_respected(make_toolset: MakeToolset, project: Project) -> None:
    root = project.root
    (root / ".gitignore").write_text("/cover/\n*.log\n!keep.log\n/priv/static/assets/\n")
    for rel in ("cover/x.ex", "app.log", "keep.log", "priv/static/assets/app.js"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("defmodule Hidden do\nend\n")
    tools = make_toolset()
    out = await tools.run("Grep", {"pattern": "defmodule Hidden"})
    assert out.output.split("\n") == ["Found 1 file", "keep.log"]
    listed = await tools.run("Glob", {"pattern": "**/*"})
    assert "keep.log" in listed.output
    for hidden in ("cover/", "app.log", "assets/app.js"):
        assert hidden not in listed.output
    on_purpose = await tools.run("Grep", {"pattern": "defmodule Hidden", "path": "cover"})
    assert on_purpose.output.split("\n") == ["Found 1 file", "cover/x.ex"]
    await tools.run("Write", {"file_path": "cover/staged.ex", "content": "defmodule Hidden\n"})
    staged = await tools.run("Grep", {"pattern": "defmodule Hidden", "output_mode": "count"})
    assert "cover/staged.ex:1" in staged.output and "cover/x.ex" not in staged.output
    (root / ".gitignore").write_text("")
    refreshed = await tools.run("Grep", {"pattern": "defmodule Hidden", "output_mode": "count"})
    assert "app.log:1" in refreshed.output and "cover/x.ex:1" in refreshed.output
