"""The toolset per tool mode: definitions in Claude Code's shapes, server tools only in
research mode, unknown names, and input validation that never raises."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools_support import MakeToolset, Project, build_project, mode_tools, toolset_factory

from elixir_pro.agent.modes import ToolMode
from elixir_pro.errors import UserError


def _names(defs: list[dict[str, Any]]) -> list[str]:
    return [d["name"] for d in defs]


def test_each_mode_gets_the_agent_files_tools(make_toolset: MakeToolset) -> None:
    audit = make_toolset(mode_tools(ToolMode.AUDIT))
    assert _names(audit.definitions()) == ["Read", "Grep", "Glob", "Bash"]
    assert audit.server_tools() == []
    solution = make_toolset(mode_tools(ToolMode.SOLUTION))
    assert _names(solution.definitions()) == ["Read", "Write", "Edit", "Grep", "Glob", "Bash"]
    assert solution.server_tools() == []
    research = make_toolset(mode_tools(ToolMode.RESEARCH))
    assert _names(research.definitions()) == ["Read", "Grep", "Glob", "Bash"]
    assert research.server_tools() == [
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 5},
        {"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 5},
    ]
    assert research.names == ("Read", "Grep", "Glob", "Bash", "WebSearch", "WebFetch")


def test_definitions_keep_claude_codes_input_shapes(make_toolset: MakeToolset) -> None:
    defs = {d["name"]: d for d in make_toolset().definitions()}
    shapes = {
        "Read": (["file_path"], ["file_path", "offset", "limit"]),
        "Write": (["file_path", "content"], ["file_path", "content"]),
        "Edit": (
            ["file_path", "old_string", "new_string"],
            ["file_path", "old_string", "new_string", "replace_all"],
        ),
        "Grep": (
            ["pattern"],
            [
                "pattern", "path", "glob", "output_mode", "-i", "-n", "-A", "-B", "-C",
                "head_limit", "type", "multiline",
            ],
        ),
        "Glob": (["pattern"], ["pattern", "path"]),
        "Bash": (["command"], ["command", "timeout", "description"]),
    }  # fmt: skip
    for name, (required, props) in shapes.items():
        schema = defs[name]["input_schema"]
        assert schema["type"] == "object"
        assert schema["required"] == required, name
        assert list(schema["properties"]) == props, name
        assert all(p.get("description") for p in schema["properties"].values()), name
        assert len(defs[name]["description"]) > 80
    assert defs["Grep"]["input_schema"]["properties"]["output_mode"]["enum"] == [
        "content",
        "files_with_matches",
        "count",
    ]


def test_unknown_tool_name_is_a_user_error(make_toolset: MakeToolset) -> None:
    with pytest.raises(UserError) as info:
        make_toolset(("Read", "Rm"))
    assert "unknown tool 'Rm'" in str(info.value) and "\n" not in str(info.value)
    assert make_toolset(("Read", " Read", "Glob")).names == ("Read", "Glob")


async def test_unavailable_and_unknown_tools_are_error_outcomes(
    make_toolset: MakeToolset,
) -> None:
    tools = make_toolset(mode_tools(ToolMode.RESEARCH))
    write = await tools.run("Write", {"file_path": "a.ex", "content": "x"})
    assert write.is_error and "not available in this tool mode" in write.output
    assert "Available tools: Read, Grep, Glob, Bash" in write.output
    search = await tools.run("web_search", {"query": "x"})
    assert search.is_error and "server tool run by Anthropic" in search.output
    bogus = await tools.run("Rm", {})
    assert bogus.is_error and "no tool named 'Rm'" in bogus.output


@pytest.mark.parametrize(
    ("name", "tool_input", "message"),
    [
        ("Read", {}, "Read.file_path is required"),
        ("Read", {"file_path": 3}, "Read.file_path must be a string, got integer"),
        ("Read", {"file_path": "a", "offset": "ten"}, "Read.offset must be an integer"),
        ("Read", {"file_path": "a", "limit": 0}, "Read.limit must be >= 1"),
        ("Read", {"file_path": "a", "bogus": 1}, "Read has no parameter 'bogus'"),
        ("Edit", {"file_path": "a", "old_string": "x"}, "Edit.new_string is required"),
        (
            "Edit",
            {"file_path": "a", "old_string": "x", "new_string": "y", "replace_all": "yes"},
            "Edit.replace_all must be a boolean",
        ),
        ("Grep", {"pattern": "x", "-A": -1}, "Grep.-A must be >= 0"),
        ("Glob", {"pattern": ""}, "Glob.pattern must not be empty"),
        ("Bash", {"command": "  "}, "Bash.command must not be empty"),
        ("Write", {"file_path": "", "content": ""}, "Write.file_path must not be empty"),
        ("Read", [], "Read expects an object, got array"),
    ],
)
async def test_bad_inputs_name_the_field(
    make_toolset: MakeToolset, name: str, tool_input: Any, message: str
) -> None:
    out = await make_toolset().run(name, tool_input)
    assert out.is_error
    assert message in out.output


async def test_integral_floats_and_nulls_are_accepted(make_toolset: MakeToolset) -> None:
    out = await make_toolset().run(
        "Read", {"file_path": "mix.exs", "offset": 2.0, "limit": 1, "bogus": None}
    )
    assert out.is_error  # unknown fields are refused even when null
    ok = await make_toolset().run("Read", {"file_path": "mix.exs", "offset": 2.0, "limit": None})
    assert not ok.is_error and ok.output.startswith("     2\t")


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One project for every example (the tools only stage; the tree never changes)."""
    return build_project(tmp_path_factory.mktemp("fuzz"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(["Read", "Write", "Edit", "Grep", "Glob"]),
    tool_input=st.dictionaries(
        st.sampled_from(["file_path", "pattern", "path", "offset", "limit", "content", "glob",
                         "old_string", "new_string", "output_mode", "-C", "x"]),
        json_values,
        max_size=4,
    ),
)  # fmt: skip
def test_run_never_raises_on_arbitrary_input(
    name: str, tool_input: dict[str, Any], shared_project: Project
) -> None:
    outcome = asyncio.run(toolset_factory(shared_project)().run(name, tool_input))
    assert isinstance(outcome.output, str) and outcome.output
