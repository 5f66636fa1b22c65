"""No tool call in any tool mode writes to disk: every tool of the mode (and every tool the
mode lacks) runs over a temp project, and the bytes and mtimes of every file in and around
the root are the same afterwards. Write/Edit only stage; a denied Bash never runs (its
command would create a file). An approved Bash may of course write: it is left out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tools_support import ALL_CLIENT_TOOLS, Project, build_project, mode_tools, toolset_factory

from elixir_pro.agent.modes import ToolMode
from elixir_pro.tools import BashDecision, BashRequest, HeadlessBashPolicy

Snapshot = dict[str, tuple[str, bytes | str, int]]


def snapshot(base: Path) -> Snapshot:
    """Every entry under ``base``: kind, content (bytes, or a link's target) and mtime_ns."""
    found: Snapshot = {}
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(base).as_posix()
            st = path.lstat()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path), st.st_mtime_ns)
            elif path.is_dir():
                found[rel] = ("dir", b"", st.st_mtime_ns)
            else:
                found[rel] = ("file", path.read_bytes(), st.st_mtime_ns)
    return found


async def _deny(request: BashRequest) -> BashDecision:
    return BashDecision.DENY


CALLS: list[tuple[str, dict[str, Any]]] = [
    ("Read", {"file_path": "lib/sample.ex"}),
    ("Read", {"file_path": "mix.exs"}),
    ("Grep", {"pattern": "def", "output_mode": "content", "-C": 2}),
    ("Grep", {"pattern": "GenServer", "output_mode": "count"}),
    ("Glob", {"pattern": "**/*.{ex,exs}"}),
    ("Edit", {"file_path": "lib/sample.ex", "old_string": ":world", "new_string": ":disk"}),
    ("Edit", {"file_path": "lib/sample.ex", "old_string": "", "new_string": "x"}),
    ("Edit", {"file_path": "lib/created_by_edit.ex", "old_string": "", "new_string": "x\n"}),
    ("Write", {"file_path": "mix.exs", "content": "overwritten\n"}),
    ("Write", {"file_path": "lib/created_by_write.ex", "content": "defmodule X do\nend\n"}),
    ("Write", {"file_path": "new_dir/deep/file.ex", "content": "x\n"}),
    ("Write", {"file_path": ".env", "content": "LEAK=1\n"}),
    ("Bash", {"command": "touch created_by_bash.txt && echo x > mix.exs"}),
    ("Read", {"file_path": "lib/sample.ex"}),
    ("Grep", {"pattern": ":disk|created"}),
]


@pytest.mark.parametrize("mode", list(ToolMode))
@pytest.mark.parametrize("denial", ["user", "headless", "no approver"])
async def test_no_tool_call_in_any_mode_writes_to_disk(
    tmp_path: Path, mode: ToolMode, denial: str
) -> None:
    project: Project = build_project(tmp_path)
    approver = {"user": _deny, "headless": HeadlessBashPolicy(["mix test"]), "no approver": None}
    tools = toolset_factory(project)(mode_tools(mode), approve=approver[denial])
    before = snapshot(tmp_path)
    outcomes = []
    for name, tool_input in CALLS:
        outcomes.append((name, await tools.run(name, tool_input)))
    assert snapshot(tmp_path) == before
    assert not (project.root / "created_by_bash.txt").exists()
    bash = [o for name, o in outcomes if name == "Bash"]
    assert all(o.is_error and "refused" in o.output for o in bash)
    staged = set(tools.ctx.changeset.proposals)
    if "Write" in tools.names:
        assert staged == {
            "lib/sample.ex",
            "lib/created_by_edit.ex",
            "mix.exs",
            "lib/created_by_write.ex",
            "new_dir/deep/file.ex",
        }
        final_grep = outcomes[-1][1].output
        assert "lib/sample.ex" in final_grep and "lib/created_by_edit.ex" not in final_grep
    else:
        assert staged == set()
        unavailable = [o for name, o in outcomes if name in ("Write", "Edit")]
        assert all("not available in this tool mode" in o.output for o in unavailable)


def test_every_client_tool_is_exercised() -> None:
    """Guards the test above: its calls cover every client tool."""
    assert {name for name, _ in CALLS} == set(ALL_CLIENT_TOOLS)
