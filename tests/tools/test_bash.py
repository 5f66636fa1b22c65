"""Bash: approval (allow once, allow for the session, deny), the headless policy, the
timeout killing the process group (and the sandbox's PID namespace with it), the output cap,
and where commands run. The sandbox itself is tested in test_bash_sandbox.py."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time

import pytest
from tools_support import MakeToolset, Project

from elixir_pro.tools import BashDecision, BashRequest, HeadlessBashPolicy
from elixir_pro.tools.sandbox import Sandbox


class Approver:
    """An approval callback that answers with a fixed decision and records the requests."""

    def __init__(self, decision: BashDecision) -> None:
        self.decision = decision
        self.requests: list[BashRequest] = []

    async def __call__(self, request: BashRequest) -> BashDecision:
        self.requests.append(request)
        return self.decision


async def test_allow_once_runs_and_asks_every_time(
    make_toolset: MakeToolset, project: Project
) -> None:
    approver = Approver(BashDecision.ALLOW_ONCE)
    tools = make_toolset(approve=approver)
    cmd = {"command": "pwd; echo oops >&2", "description": "Where am I"}
    first = await tools.run("Bash", cmd)
    assert not first.is_error
    assert first.output == f"Exit code: 0\n\nstdout:\n{project.root}\n\nstderr:\noops"
    await tools.run("Bash", cmd)
    assert len(approver.requests) == 2
    asked = approver.requests[0]
    assert (asked.command, asked.cwd, asked.description) == (
        "pwd; echo oops >&2",
        project.root,
        "Where am I",
    )
    assert [c.display for c in asked.script.commands] == ["pwd", "echo oops"]
    assert asked.sandboxed and asked.sandbox.startswith("sandboxed (bwrap): project writable")


async def test_allow_for_the_session_is_remembered_per_exact_command(
    make_toolset: MakeToolset,
) -> None:
    approver = Approver(BashDecision.ALLOW_SESSION)
    tools = make_toolset(approve=approver)
    for _ in range(3):
        out = await tools.run("Bash", {"command": "echo same"})
        assert out.output.endswith("stdout:\nsame")
    assert len(approver.requests) == 1
    await tools.run("Bash", {"command": "echo other"})
    assert [r.command for r in approver.requests] == ["echo same", "echo other"]


async def test_denied_command_does_not_run(make_toolset: MakeToolset, project: Project) -> None:
    approver = Approver(BashDecision.DENY)
    tools = make_toolset(approve=approver)
    out = await tools.run("Bash", {"command": "touch denied.txt"})
    assert out.is_error and "denied" in out.output and "Do not retry" in out.output
    assert not (project.root / "denied.txt").exists()
    no_approver = make_toolset(approve=None)
    refused = await no_approver.run("Bash", {"command": "touch denied.txt"})
    assert refused.is_error and "no way to ask the user" in refused.output
    assert not (project.root / "denied.txt").exists()


async def test_headless_policy_allows_only_matching_commands(
    make_toolset: MakeToolset, project: Project
) -> None:
    policy = HeadlessBashPolicy(["mix test*", "echo *"])
    tools = make_toolset(approve=policy)
    ok = await tools.run("Bash", {"command": "echo allowed"})
    assert not ok.is_error and ok.output.endswith("allowed")
    refused = await tools.run("Bash", {"command": "touch made.txt"})
    assert refused.is_error
    assert "--allow-bash" in refused.output and "'mix test*'" in refused.output
    assert "'touch made.txt' matches no allow rule" in refused.output
    chained = await tools.run("Bash", {"command": "echo x; touch made.txt"})
    assert chained.is_error and "'touch made.txt' matches no allow rule" in chained.output
    assert not (project.root / "made.txt").exists()
    nothing = make_toolset(approve=HeadlessBashPolicy([]))
    none = await nothing.run("Bash", {"command": "echo hi"})
    assert none.is_error and "no --allow-bash patterns" in none.output


async def test_nonzero_exit_is_an_error_with_its_output(make_toolset: MakeToolset) -> None:
    tools = make_toolset(approve=Approver(BashDecision.ALLOW_ONCE))
    out = await tools.run("Bash", {"command": "echo partial; exit 3"})
    assert out.is_error and out.output.startswith("Exit code: 3") and "partial" in out.output
    quiet = await tools.run("Bash", {"command": "true"})
    assert quiet.output == "Exit code: 0\n\n(no output)"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _pids_running(marker: str) -> list[int]:
    """Host PIDs of processes whose command line holds ``marker`` (the sandbox's own PIDs are
    namespaced, so its children are found by what they run)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if marker.encode() in fh.read().split(b"\0") and _alive(int(entry)):
                        found.append(int(entry))
            except OSError:
                continue
    return found


async def _wait_until_gone(marker: str, within: float) -> bool:
    deadline = time.monotonic() + within
    while _pids_running(marker):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandboxed", "unsandboxed"])
async def test_timeout_kills_the_process_group(
    make_toolset: MakeToolset, project: Project, sandboxed: bool
) -> None:
    sandbox = None if sandboxed else Sandbox(bwrap="/nonexistent/bwrap")
    tools = make_toolset(approve=Approver(BashDecision.ALLOW_ONCE), sandbox=sandbox)
    seconds = f"30.{os.getpid()}{int(sandboxed)}"
    started = time.monotonic()
    out = await tools.run(
        "Bash",
        {"command": f"sleep {seconds} & echo started; wait", "timeout": 500},
    )
    assert time.monotonic() - started < 10
    assert out.is_error and "timed out after 0.5 s" in out.output and "killed" in out.output
    assert "started" in out.output
    assert await _wait_until_gone(seconds, within=5.0)


async def test_default_timeout_comes_from_the_context(make_toolset: MakeToolset) -> None:
    tools = make_toolset(approve=Approver(BashDecision.ALLOW_ONCE), bash_timeout=0.3)
    out = await tools.run("Bash", {"command": "sleep 20"})
    assert out.is_error and "timed out after 0.3 s" in out.output
    too_long = await tools.run("Bash", {"command": "true", "timeout": 600_001})
    assert too_long.is_error and "Bash.timeout must be <= 600000" in too_long.output


async def test_cancelling_the_call_kills_the_process_group(
    make_toolset: MakeToolset, project: Project
) -> None:
    tools = make_toolset(approve=Approver(BashDecision.ALLOW_ONCE))
    seconds = f"30.{os.getpid()}7"
    command = f"sleep {seconds} & touch bg.started; wait"
    task = asyncio.create_task(tools.run("Bash", {"command": command}))
    started = project.root / "bg.started"
    deadline = time.monotonic() + 10
    while not (started.exists() and _pids_running(seconds)):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert await _wait_until_gone(seconds, within=5.0)


async def test_output_is_capped_keeping_head_and_tail(make_toolset: MakeToolset) -> None:
    tools = make_toolset(approve=Approver(BashDecision.ALLOW_ONCE))
    script = "import sys; sys.stdout.write('HEAD' + 'x' * 2_000_000 + 'TAIL')"
    out = await tools.run("Bash", {"command": f'python3 -c "{script}"'})
    assert len(out.output) < 30_200
    assert "HEAD" in out.output and out.output.endswith("TAIL")
    assert "output truncated" in out.output


async def test_bash_absent_from_the_mode_never_asks(make_toolset: MakeToolset) -> None:
    approver = Approver(BashDecision.ALLOW_ONCE)
    tools = make_toolset(("Read", "Grep", "Glob"), approve=approver)
    out = await tools.run("Bash", {"command": "echo hi"})
    assert out.is_error and "Bash is not available in this tool mode" in out.output
    assert approver.requests == []


def test_headless_policy_matches_every_simple_command(project: Project) -> None:
    policy = HeadlessBashPolicy(["mix *", " git status "])
    assert policy.allows("mix test test/a_test.exs", project.root)
    assert policy.allows("git status", project.root)
    assert not policy.allows("git status && rm -rf x", project.root)
    assert not policy.allows("git status --short", project.root)
    assert not policy.allows("echo mix test", project.root)


@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandboxed", "unsandboxed"])
async def test_commands_get_a_minimal_environment(
    make_toolset: MakeToolset, monkeypatch: pytest.MonkeyPatch, sandboxed: bool
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret")
    monkeypatch.setenv("MY_SERVICE_TOKEN", "tok-123")
    monkeypatch.setenv("HEX_API_KEY", "hex-123")
    monkeypatch.setenv("ELIXIR_PRO_INVISIBLE", "no")
    monkeypatch.setenv("MIX_ENV", "test")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    sandbox = None if sandboxed else Sandbox(bwrap="/nonexistent/bwrap")
    tools = make_toolset(approve=Approver(BashDecision.ALLOW_ONCE), sandbox=sandbox)
    out = await tools.run("Bash", {"command": "env; echo pager=$PAGER"})
    for hidden in ("sk-ant-very-secret", "ANTHROPIC_API_KEY", "tok-123", "hex-123", "INVISIBLE"):
        assert hidden not in out.output
    assert "MIX_ENV=test" in out.output and "LC_ALL=C.UTF-8" in out.output
    assert "pager=cat" in out.output and "PATH=" in out.output
