"""``elixir-pro mcp`` end to end: the official MCP client starts it as a subprocess over stdio,
lists its tools with their schemas, runs each one on a copy of the example project and checks
the results against the CLI (``audit --format json``, ``supervision --json``, ``docs --json``,
``gates --json``); ``propose_fix`` returns a diff and changes no file."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

ELIXIR_PRO = str(Path(sys.executable).with_name("elixir-pro"))
TOOLS = {"audit", "findings_for_file", "supervision", "docs", "gates", "propose_fix"}


def _env() -> dict[str, str]:
    keep = ("ELIXIR_PRO_CONFIG_DIR", "ELIXIR_PRO_STATE_DIR", "HOME", "PATH")
    return {k: os.environ[k] for k in keep if k in os.environ}


def cli_json(*args: str) -> Any:
    result = subprocess.run(
        [ELIXIR_PRO, *args], capture_output=True, text=True, env=_env(), check=False
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@asynccontextmanager
async def connect(courier: Path) -> AsyncIterator[Client]:
    """The official client driving ``elixir-pro mcp`` over stdio (entered and left in one task,
    as the SDK's anyio scopes require)."""
    params = StdioServerParameters(command=ELIXIR_PRO, args=["mcp", str(courier)], env=_env())
    with open(os.devnull, "w") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as connected:
            yield connected


async def _call(client: Client, name: str, arguments: dict[str, Any] | None = None) -> Any:
    result = await client.call_tool(name, arguments or {})
    assert not result.is_error, result.content
    return result.structured_content


async def test_tools_are_listed_with_schemas_and_bad_input_is_one_clear_error(
    courier: Path,
) -> None:
    async with connect(courier) as client:
        listing = await client.list_tools()
        outside = await client.call_tool("findings_for_file", {"path": "../../etc/passwd"})
        wrong = await client.call_tool("audit", {"min_severity": "urgent"})
    tools = {t.name: t for t in listing.tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert tool.description and "\n" not in tool.description
    audit_args = tools["audit"].input_schema["properties"]
    assert audit_args["min_severity"]["enum"] == ["critical", "high", "medium", "low"]
    assert {"paths", "min_confidence", "include_tests"} <= set(audit_args)
    assert tools["findings_for_file"].input_schema["required"] == ["path"]
    assert tools["docs"].input_schema["required"] == ["symbol"]
    assert "findings" in tools["audit"].output_schema["properties"]

    assert outside.is_error
    (block,) = outside.content
    assert "not inside the project" in block.text and "Traceback" not in block.text  # type: ignore[union-attr]
    assert wrong.is_error and "Traceback" not in str(wrong.content)


async def test_each_tool_matches_the_cli(courier: Path) -> None:
    async with connect(courier) as client:
        await _check_each_tool(client, courier)


async def _check_each_tool(client: Client, courier: Path) -> None:
    before = _tree_hashes(courier)
    expected = cli_json("audit", str(courier), "--format", "json")
    assert expected["findings"], "the example project has planted findings"

    assert await _call(client, "audit") == expected
    high = await _call(client, "audit", {"min_severity": "high"})
    assert high["findings"] == [
        f for f in expected["findings"] if f["severity"] in ("critical", "high")
    ]
    dispatch = "lib/courier/dispatch.ex"
    only = await _call(client, "audit", {"paths": [dispatch]})
    mine = [f for f in expected["findings"] if f["path"] == dispatch]
    assert only["findings"] == mine and len(mine) >= 2
    assert await _call(client, "findings_for_file", {"path": dispatch}) == {
        "path": dispatch,
        "findings": mine,
    }
    low = await _call(client, "audit", {"min_confidence": "low"})
    assert low == cli_json("audit", str(courier), "--format", "json", "--min-confidence", "low")

    assert await _call(client, "supervision") == cli_json("supervision", str(courier), "--json")
    gates = await _call(client, "gates")
    assert gates == cli_json("gates", str(courier), "--json", "--no-mix")

    docs = await _call(client, "docs", {"symbol": "Enum.map/2"})
    docs_cli = cli_json("docs", "Enum.map/2", "--json")
    assert {k: docs[k] for k in docs_cli} == docs_cli

    fix = await _call(client, "propose_fix")
    assert fix["files"] == ["lib/courier/locator.ex", "lib/courier/metrics.ex"]
    assert (
        "--- a/lib/courier/metrics.ex" in fix["diff"]
        and "+++ b/lib/courier/metrics.ex" in fix["diff"]
    )
    assert fix["fixes"] >= 2
    one = await _call(client, "propose_fix", {"path": "lib/courier/locator.ex"})
    assert one["files"] == ["lib/courier/locator.ex"]
    assert _tree_hashes(courier) == before  # nothing was written
