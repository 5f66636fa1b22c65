"""The MCP hub on its own: the ``mcp_servers`` settings with their one-line errors, a stdio server
(our own ``elixir-pro mcp``) whose read-only tool runs, and a server that accepts the connection
but never answers: one notice within its timeout, not retried on every turn."""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from elixir_pro.config import McpServerConfig, load_config
from elixir_pro.errors import UserError
from elixir_pro.tools.mcp_connection import qualified_name
from elixir_pro.tools.mcp_hub import McpHub

ELIXIR_PRO = str(Path(sys.executable).with_name("elixir-pro"))


def _load(tmp_path: Path, text: str) -> tuple[McpServerConfig, ...]:
    (tmp_path / ".elixir-pro.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path).mcp_servers


def test_settings_read_stdio_and_http_servers(tmp_path: Path) -> None:
    servers = _load(
        tmp_path,
        "mcp_servers:\n"
        "  tidewave: {url: 'http://localhost:4000/tidewave/mcp', allow: [get_docs]}\n"
        "  notes:\n"
        "    command: notes-mcp\n"
        "    args: [--stdio]\n"
        "    env: {NOTES_DIR: notes}\n"
        "    timeout: 3\n",
    )
    tidewave, notes = servers
    assert tidewave == McpServerConfig(
        "tidewave", url="http://localhost:4000/tidewave/mcp", allow=("get_docs",)
    )
    assert (notes.command, notes.args, notes.env, notes.timeout) == (
        "notes-mcp", ("--stdio",), {"NOTES_DIR": "notes"}, 3.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  x: {command: a, url: 'http://a'}", "give either command (stdio) or url (HTTP)"),
        ("  x: {}", "give either command (stdio) or url (HTTP)"),
        ("  x: {url: 'ftp://a'}", "mcp_servers.x.url: expected an http:// or https:// URL"),
        ("  x: {url: 'http://a', timeout: 0}", "mcp_servers.x.timeout: expected a positive"),
        ("  x: {url: 'http://a', colour: red}", "mcp_servers.x.colour: unknown setting"),
        ("  x: {command: a, env: [A]}", "mcp_servers.x.env: expected a mapping"),
        ("  'a b': {url: 'http://a'}", "a server name holds only letters, digits, - and _"),
    ],
)
def test_bad_settings_are_one_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        _load(tmp_path, "mcp_servers:\n" + body + "\n")
    line = caught.value.one_line()
    assert message in line and "\n" not in line and ".elixir-pro.yaml:2" in line


def test_tool_names_are_prefixed_and_fit_the_api() -> None:
    assert qualified_name("tidewave", "project_eval") == "mcp__tidewave__project_eval"
    assert qualified_name("my server", "a.b") == "mcp__my_server__a_b"
    long = qualified_name("s" * 40, "t" * 40)
    assert len(long) == 64 and long.startswith("mcp__sss")
    assert long != qualified_name("s" * 40, "t" * 39 + "u")


async def test_a_stdio_server_read_only_tool_runs(courier: Path) -> None:
    config = McpServerConfig("engine", command=ELIXIR_PRO, args=("mcp", str(courier)), timeout=30)
    hub = McpHub([config], courier, courier.parent / "logs")
    try:
        assert await hub.ensure() == []
        names = {d["name"] for d in hub.definitions()}
        assert "mcp__engine__supervision" in names and "mcp__engine__audit" in names
        outcome = await hub.run(
            "mcp__engine__findings_for_file",
            {"path": "lib/courier/dispatch.ex"},
            approve=None,
            allowed=set(),
        )
        assert not outcome.is_error, outcome.output
        answer = json.loads(outcome.output)
        assert answer["path"] == "lib/courier/dispatch.ex"
        assert answer["findings"]  # the planted mistakes of the example's dispatch module
        assert {f["path"] for f in answer["findings"]} == {"lib/courier/dispatch.ex"}
    finally:
        await hub.aclose()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


async def test_a_server_that_never_answers_is_one_notice_within_its_timeout(
    tmp_path: Path, silent_port: int
) -> None:
    slow = McpServerConfig("slow", url=f"http://127.0.0.1:{silent_port}/mcp", timeout=1)
    hub = McpHub([slow], tmp_path)
    started = time.monotonic()
    (notice,) = await hub.ensure()
    assert time.monotonic() - started < 5
    assert "MCP server slow" in notice and "no answer within 1 s" in notice
    again = time.monotonic()
    assert await hub.ensure() == []  # not retried at once, and no second notice
    assert time.monotonic() - again < 0.5
    assert hub.definitions() == []
    await hub.aclose()
