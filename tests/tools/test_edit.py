"""Write and Edit: they stage into the changeset, never write, and follow Claude Code's
rules (Read first, old_string present and unique, different from new_string)."""

from __future__ import annotations

import os

from tools_support import MakeToolset, Project

from elixir_pro.changes.changeset import ProposalKind

SAMPLE_EX = "lib/sample.ex"


async def test_edit_requires_a_read_first(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    edit = {"file_path": SAMPLE_EX, "old_string": ":world", "new_string": ":elixir"}
    refused = await tools.run("Edit", edit)
    assert refused.is_error and "has not been read yet" in refused.output
    await tools.run("Read", {"file_path": SAMPLE_EX})
    staged = await tools.run("Edit", edit)
    assert not staged.is_error, staged.output


async def test_edit_stages_and_never_writes(make_toolset: MakeToolset, project: Project) -> None:
    tools = make_toolset()
    disk = (project.root / SAMPLE_EX).read_bytes()
    await tools.run("Read", {"file_path": SAMPLE_EX})
    out = await tools.run(
        "Edit", {"file_path": SAMPLE_EX, "old_string": ":world", "new_string": ":elixir"}
    )
    assert "staged" in out.output and "review" in out.output and "+1 -1" in out.output
    assert (project.root / SAMPLE_EX).read_bytes() == disk
    assert out.edit is not None
    assert (out.edit.path, out.edit.kind, out.edit.added, out.edit.removed) == (
        SAMPLE_EX,
        "modify",
        1,
        1,
    )
    assert out.edit.changeset_id == tools.ctx.changeset.id
    proposal = tools.ctx.changeset.proposals[SAMPLE_EX]
    assert proposal.new_text is not None and ":elixir" in proposal.new_text
    reread = await tools.run("Read", {"file_path": SAMPLE_EX})
    assert "     5\t    :elixir" in reread.output


async def test_edit_errors_like_claude_code(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    await tools.run("Read", {"file_path": SAMPLE_EX})
    missing = await tools.run(
        "Edit", {"file_path": SAMPLE_EX, "old_string": "nope", "new_string": "x"}
    )
    assert missing.is_error and "String to replace not found" in missing.output
    ambiguous = await tools.run(
        "Edit", {"file_path": SAMPLE_EX, "old_string": "def ", "new_string": "defp "}
    )
    assert ambiguous.is_error and "Found 3 matches" in ambiguous.output
    assert "replace_all" in ambiguous.output
    same = await tools.run("Edit", {"file_path": SAMPLE_EX, "old_string": "do", "new_string": "do"})
    assert same.is_error and "exactly the same" in same.output
    absent = await tools.run(
        "Edit", {"file_path": "lib/none.ex", "old_string": "a", "new_string": "b"}
    )
    assert absent.is_error and "File does not exist" in absent.output
    assert len(tools.ctx.changeset) == 0


async def test_replace_all(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    await tools.run("Read", {"file_path": SAMPLE_EX})
    out = await tools.run(
        "Edit",
        {
            "file_path": SAMPLE_EX,
            "old_string": "greet",
            "new_string": "welcome",
            "replace_all": True,
        },
    )
    assert not out.is_error and out.output.startswith("Replaced 3 occurrences.")
    text = tools.ctx.changeset.view(SAMPLE_EX)
    assert text is not None and "greet" not in text and text.count("welcome") == 3


async def test_edits_accumulate_against_the_original_base(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    await tools.run("Read", {"file_path": SAMPLE_EX})
    await tools.run("Edit", {"file_path": SAMPLE_EX, "old_string": ":world", "new_string": ":a"})
    second = await tools.run(
        "Edit", {"file_path": SAMPLE_EX, "old_string": "def hello do", "new_string": "def hi do"}
    )
    assert not second.is_error, second.output
    assert second.edit is not None and (second.edit.added, second.edit.removed) == (2, 2)
    assert len(tools.ctx.changeset) == 1


async def test_edit_after_the_file_changed_on_disk_requires_a_new_read(
    make_toolset: MakeToolset, project: Project
) -> None:
    tools = make_toolset()
    await tools.run("Read", {"file_path": SAMPLE_EX})
    path = project.root / SAMPLE_EX
    path.write_text(path.read_text().replace(":world", ":changed"))
    out = await tools.run(
        "Edit", {"file_path": SAMPLE_EX, "old_string": ":changed", "new_string": ":x"}
    )
    assert out.is_error and "changed since you last read it" in out.output
    await tools.run("Read", {"file_path": SAMPLE_EX})
    ok = await tools.run(
        "Edit", {"file_path": SAMPLE_EX, "old_string": ":changed", "new_string": ":x"}
    )
    assert not ok.is_error


async def test_empty_old_string_creates_a_new_file(
    make_toolset: MakeToolset, project: Project
) -> None:
    tools = make_toolset()
    out = await tools.run(
        "Edit",
        {"file_path": "lib/new.ex", "old_string": "", "new_string": "defmodule New do\nend\n"},
    )
    assert not out.is_error and out.edit is not None and out.edit.kind == "create"
    assert not (project.root / "lib" / "new.ex").exists()
    refused = await tools.run("Edit", {"file_path": "mix.exs", "old_string": "", "new_string": "x"})
    assert refused.is_error and "already exists" in refused.output


async def test_edit_on_a_crlf_file_keeps_crlf(make_toolset: MakeToolset, project: Project) -> None:
    (project.root / "win.ex").write_bytes(b"defmodule Win do\r\n  def a, do: 1\r\nend\r\n")
    tools = make_toolset()
    await tools.run("Read", {"file_path": "win.ex"})
    out = await tools.run(
        "Edit",
        {
            "file_path": "win.ex",
            "old_string": "do\n  def a, do: 1",
            "new_string": "do\n  def a, do: 2",
        },
    )
    assert not out.is_error, out.output
    assert tools.ctx.changeset.view("win.ex") == "defmodule Win do\r\n  def a, do: 2\r\nend\r\n"


async def test_write_new_file_needs_no_read_and_is_visible_to_read(
    make_toolset: MakeToolset, project: Project
) -> None:
    tools = make_toolset()
    out = await tools.run(
        "Write", {"file_path": "lib/fresh.ex", "content": "defmodule Fresh do\nend\n"}
    )
    assert not out.is_error and out.edit is not None
    assert (out.edit.kind, out.edit.added, out.edit.removed) == ("create", 2, 0)
    assert "new file" in out.output
    assert not (project.root / "lib" / "fresh.ex").exists()
    assert tools.ctx.changeset.proposals["lib/fresh.ex"].kind is ProposalKind.CREATE
    read = await tools.run("Read", {"file_path": "lib/fresh.ex"})
    assert read.output == "     1\tdefmodule Fresh do\n     2\tend"


async def test_write_over_an_existing_file_needs_a_read(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    refused = await tools.run("Write", {"file_path": "mix.exs", "content": "x\n"})
    assert refused.is_error and "has not been read yet" in refused.output
    await tools.run("Read", {"file_path": "mix.exs", "limit": 1})
    ok = await tools.run("Write", {"file_path": "mix.exs", "content": "x\n"})
    assert not ok.is_error and ok.edit is not None and ok.edit.kind == "modify"


async def test_write_identical_content_stages_nothing(
    make_toolset: MakeToolset, project: Project
) -> None:
    tools = make_toolset()
    await tools.run("Read", {"file_path": "mix.exs"})
    same = (project.root / "mix.exs").read_text()
    out = await tools.run("Write", {"file_path": "mix.exs", "content": same})
    assert not out.is_error and "nothing is staged" in out.output
    assert len(tools.ctx.changeset) == 0


async def test_write_refusals(make_toolset: MakeToolset, project: Project) -> None:
    tools = make_toolset()
    directory = await tools.run("Write", {"file_path": "lib", "content": "x"})
    assert directory.is_error and "is a directory" in directory.output
    secret = await tools.run("Write", {"file_path": ".env", "content": "A=1\n"})
    assert secret.is_error and "secret" in secret.output
    outside = await tools.run("Write", {"file_path": str(project.outside / "x.ex"), "content": "x"})
    assert outside.is_error and "outside the project root" in outside.output
    binary = await tools.run("Write", {"file_path": "priv/logo.png", "content": "x"})
    assert binary.is_error and "binary" in binary.output
    assert len(tools.ctx.changeset) == 0
    assert not os.path.exists(project.outside / "x.ex")


async def test_git_internals_are_never_staged(make_toolset: MakeToolset) -> None:
    tools = make_toolset()
    await tools.run("Read", {"file_path": ".git/HEAD"})
    for call in (
        ("Write", {"file_path": ".git/HEAD", "content": "x"}),
        ("Write", {"file_path": ".git/hooks/pre-commit", "content": "x"}),
        ("Edit", {"file_path": ".git/HEAD", "old_string": "main", "new_string": "evil"}),
    ):
        out = await tools.run(*call)
        assert out.is_error and "inside .git" in out.output
    assert len(tools.ctx.changeset) == 0
