"""The two protocol commands as a user meets them outside a client: malformed input, a missing
project, stdout not being a pipe. Each is one line on stderr, never a traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

from acp_support import ELIXIR_PRO, agent_env


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ELIXIR_PRO, *args], input=stdin, capture_output=True, text=True, env=agent_env(),
        timeout=60,
    )  # fmt: skip


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_malformed_acp_input_is_one_line_and_the_agent_answers_on() -> None:
    initialize = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1}}'
    result = _run("acp", "--offline", stdin="this is not json\n" + initialize + "\n")
    assert result.returncode == 0
    line = _one_line(result.stderr)
    assert line.startswith("elixir-pro acp: error:") and "JSONDecodeError" in line
    assert '"protocolVersion":1' in result.stdout  # the next message was answered


def test_acp_refuses_a_stdout_that_is_not_a_pipe(tmp_path: Path) -> None:
    with open(tmp_path / "out.txt", "w") as out:
        result = subprocess.run(
            [ELIXIR_PRO, "acp"], stdin=subprocess.PIPE, stdout=out, stderr=subprocess.PIPE,
            text=True, env=agent_env(), timeout=60,
        )  # fmt: skip
    assert result.returncode == 2
    assert "stdin and stdout must be pipes" in _one_line(result.stderr)


def test_mcp_on_a_missing_project_is_one_line(tmp_path: Path) -> None:
    result = _run("mcp", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "not a directory" in _one_line(result.stderr)


def test_mcp_with_a_broken_settings_file_is_one_line(courier: Path) -> None:
    (courier / ".elixir-pro.yaml").write_text("mcp_servers:\n  x: {url: ftp://a}\n")
    result = _run("mcp", str(courier))
    assert result.returncode == 2
    assert "mcp_servers.x.url" in _one_line(result.stderr)
