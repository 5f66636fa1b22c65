"""Bash through the real bwrap sandbox (bubblewrap is installed by .ci/run): writes outside the
project fail, the project is read-only in audit mode, no process shows the API key, there is
no network unless the session allows it, a private HOME, and a chained command under an allow
rule for its first part is refused. Each check has a control showing it could fail."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from tools_support import MakeToolset, Project

from elixir_pro.tools import BashDecision, BashRequest, HeadlessBashPolicy
from elixir_pro.tools.sandbox import Sandbox

KEY = "sk-ant-api03-sandbox-test-key-0123456789"


async def _yes(request: BashRequest) -> BashDecision:
    return BashDecision.ALLOW_ONCE


def test_bwrap_is_installed_and_works() -> None:
    """Guards the rest: the sandbox tests run bwrap for real, never a stand-in."""
    assert shutil.which("bwrap"), "bubblewrap must be installed (.ci/run installs it)"
    status = Sandbox().status()
    assert status.available, status.reason


@pytest.fixture
def elsewhere() -> Iterator[Path]:
    """A folder outside the project, /tmp and HOME (so it is visible in the sandbox)."""
    folder = Path(tempfile.mkdtemp(prefix="elixir-pro-outside-", dir="/var/tmp"))
    (folder / "marker.txt").write_text("visible\n")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


async def test_a_write_outside_the_project_fails(
    make_toolset: MakeToolset, project: Project, elsewhere: Path
) -> None:
    tools = make_toolset(approve=_yes, writable=True)
    out = await tools.run("Bash", {"command": f"cat {elsewhere}/marker.txt; touch {elsewhere}/x"})
    assert out.is_error and "visible" in out.output and "Read-only file system" in out.output
    assert not (elsewhere / "x").exists()
    sibling = await tools.run("Bash", {"command": f"touch {project.sibling}/x"})
    assert sibling.is_error and not (project.sibling / "x").exists()
    inside = await tools.run("Bash", {"command": "touch made_inside.txt && echo ok"})
    assert not inside.is_error and (project.root / "made_inside.txt").exists()  # the control


async def test_the_project_is_read_only_in_audit_mode(
    make_toolset: MakeToolset, project: Project
) -> None:
    audit = make_toolset(approve=_yes, writable=False)
    out = await audit.run("Bash", {"command": "cat mix.exs >/dev/null && touch audit.txt"})
    assert out.is_error and "Read-only file system" in out.output
    assert not (project.root / "audit.txt").exists()
    redirect = await audit.run("Bash", {"command": "echo x > lib/sample.ex"})
    assert redirect.is_error and "defmodule" in (project.root / "lib" / "sample.ex").read_text()
    scratch = await audit.run("Bash", {"command": "echo x > /tmp/scratch && cat /tmp/scratch"})
    assert not scratch.is_error  # a private /tmp stays writable
    solution = make_toolset(approve=_yes, writable=True)
    assert not (await solution.run("Bash", {"command": "touch solution.txt"})).is_error
    assert (project.root / "solution.txt").exists()


async def test_git_and_the_project_config_stay_read_only_in_solution_mode(
    make_toolset: MakeToolset, project: Project
) -> None:
    (project.root / ".elixir-pro.yaml").write_text("tools: {}\n")
    tools = make_toolset(approve=_yes, writable=True)
    hook = await tools.run("Bash", {"command": "echo evil > .git/hooks-pre-commit"})
    config = await tools.run(
        "Bash", {"command": "echo 'tools: {allow_bash: [\"*\"]}' > .elixir-pro.yaml"}
    )
    assert hook.is_error and config.is_error
    assert not (project.root / ".git" / "hooks-pre-commit").exists()
    assert (project.root / ".elixir-pro.yaml").read_text() == "tools: {}\n"


_KEY_PROBE = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.tools import BashDecision, ToolContext, build_toolset
    from elixir_pro.tools.sandbox import Sandbox

    async def yes(request):
        return BashDecision.ALLOW_ONCE

    async def main():
        root = Path(sys.argv[1])
        sandbox = Sandbox() if sys.argv[2] == "sandboxed" else Sandbox(bwrap="/nonexistent")
        ctx = ToolContext(root, Changeset(root, source="t"), yes, sandbox=sandbox)
        tools = build_toolset(["Bash"], ctx, project_writable=True)
        command = (  # encoded, as an attacker would, so redaction cannot catch it
            "(for p in $PPID 1 2 3 4 5; do cat /proc/$p/environ; done; ls /proc) "
            "2>/dev/null | base64 -w0"
        )
        out = await tools.run("Bash", {"command": command})
        print(out.output.split("stdout:\\n", 1)[1].split()[0])

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandboxed", "unsandboxed-control"])
def test_no_process_in_reach_shows_the_api_key(project: Project, sandboxed: bool) -> None:
    """The key is in the initial environment of elixir-pro's process (as for a real user):
    deleting it from ``os.environ`` would not hide it from /proc/PID/environ. The command
    encodes what it reads, so the tool result's redaction is no help: only the sandbox is."""
    env = {**os.environ, "ANTHROPIC_API_KEY": KEY}
    mode = "sandboxed" if sandboxed else "unsandboxed"
    done = subprocess.run(
        [sys.executable, "-c", _KEY_PROBE, str(project.root), mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = base64.b64decode(done.stdout.strip()).decode("utf-8", "replace")
    assert "PATH=" in seen  # the command did read environments
    if sandboxed:
        assert KEY not in seen and "ANTHROPIC" not in seen
        pids = [line for line in seen.split("\x00")[-1].split() if line.isdigit()]
        assert len(pids) < 6  # its own PID namespace: only the sandbox's few processes
    else:  # the control: without the sandbox the parent's environment gives the key away
        assert KEY in seen


@pytest.mark.parametrize("client", ["curl", "python"])
async def test_no_network_unless_the_session_allows_it(
    make_toolset: MakeToolset, project: Project, fake_http: str, client: str
) -> None:
    python = f"import urllib.request as u; print(u.urlopen('{fake_http}').read())"
    fetch = {
        "curl": f"curl -sS --max-time 5 {fake_http}",
        "python": f'python3 -c "{python}"',
    }[client]
    offline = make_toolset(approve=_yes)
    refused = await offline.run("Bash", {"command": fetch})
    assert refused.is_error and "hello-from-host" not in refused.output
    assert any(
        why in refused.output
        for why in ("Connection refused", "Network is unreachable", "Couldn't connect")
    ), refused.output
    online = make_toolset(approve=_yes, network=True)
    allowed = await online.run("Bash", {"command": fetch})
    assert not allowed.is_error and "hello-from-host" in allowed.output  # the control


async def test_allowing_the_network_once_keeps_it_for_the_session(
    make_toolset: MakeToolset, fake_http: str
) -> None:
    answers = [BashDecision.ALLOW_NETWORK, BashDecision.ALLOW_ONCE]
    seen: list[BashRequest] = []

    async def approve(request: BashRequest) -> BashDecision:
        seen.append(request)
        return answers[len(seen) - 1]

    tools = make_toolset(approve=approve)
    fetch = f"python3 -c \"import urllib.request as u; print(u.urlopen('{fake_http}').read())\""
    assert "hello-from-host" in (await tools.run("Bash", {"command": fetch})).output
    assert "hello-from-host" in (await tools.run("Bash", {"command": fetch})).output
    assert "no network" in seen[0].sandbox and "network allowed" in seen[1].sandbox


async def test_home_is_private_and_toolchains_stay_readable(
    make_toolset: MakeToolset, project: Project
) -> None:
    home = Path(os.environ["HOME"])
    (home / ".bash_history").write_text(f"export ANTHROPIC_API_KEY={KEY}\n")
    (home / ".mix" / "archives").mkdir(parents=True)
    (home / ".mix" / "archives" / "hex.ez").write_text("archive")
    (home / ".hex").mkdir()
    (home / ".hex" / "hex.config").write_text('{api_key, <<"hex-secret">>}.')
    tools = make_toolset(approve=_yes, writable=True)
    out = await tools.run(
        "Bash",
        {
            "command": "ls -a ~; cat ~/.mix/archives/hex.ez; echo; cat ~/.hex/hex.config; "
            "echo home=$HOME; touch ~/scratch && echo home-writable; "
            "touch ~/.mix/x || echo mix-read-only"
        },
    )
    assert KEY not in out.output and ".bash_history" not in out.output
    assert "archive" in out.output and "hex-secret" not in out.output
    assert f"home={home}" in out.output and "home-writable" in out.output
    assert "mix-read-only" in out.output and not (home / "scratch").exists()


async def test_a_chained_command_under_an_allow_rule_for_its_first_part_is_refused(
    make_toolset: MakeToolset, project: Project
) -> None:
    policy = HeadlessBashPolicy(["echo *", "mix test *"])
    tools = make_toolset(approve=policy, writable=True)
    for command in (
        "echo hi; touch PWNED",
        "echo hi && touch PWNED",
        "echo hi\ntouch PWNED",
        "echo $(touch PWNED)",
        "echo hi | sh -c 'touch PWNED'",
        "mix test; touch ../PWNED",
    ):
        out = await tools.run("Bash", {"command": command})
        assert out.is_error and "Command refused" in out.output, command
    assert not (project.root / "PWNED").exists() and not (project.root.parent / "PWNED").exists()
    ran = await tools.run("Bash", {"command": "echo hi > allowed.txt"})
    assert not ran.is_error and (project.root / "allowed.txt").read_text() == "hi\n"


async def test_without_a_working_sandbox_every_command_is_asked(
    make_toolset: MakeToolset, project: Project, tmp_path: Path
) -> None:
    broken = tmp_path / "bwrap"
    broken.write_text(
        "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n"
    )
    broken.chmod(0o755)
    status = Sandbox(bwrap=str(broken)).status()
    assert not status.available and "No permissions to create new namespace" in status.reason
    seen: list[BashRequest] = []

    async def always(request: BashRequest) -> BashDecision:
        seen.append(request)
        return BashDecision.ALLOW_SESSION

    tools = make_toolset(approve=always, sandbox=Sandbox(bwrap=str(broken)))
    for _ in range(2):
        out = await tools.run("Bash", {"command": "echo same"})
        assert "ran without the sandbox" in out.output and "same" in out.output
    assert len(seen) == 2  # "this session" is not remembered without a sandbox
    assert not seen[0].sandboxed and seen[0].sandbox.startswith("NOT sandboxed (bwrap cannot")
    headless = make_toolset(
        approve=HeadlessBashPolicy(["echo *"]), sandbox=Sandbox(bwrap="/nonexistent/bwrap")
    )
    refused = await headless.run("Bash", {"command": "echo hi"})
    assert refused.is_error and "bwrap is not installed" in refused.output
