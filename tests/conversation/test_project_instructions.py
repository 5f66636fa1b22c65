"""Project instructions in the system prompt: AGENTS.md, CLAUDE.md (root and the directory of
a file in context) and the dependencies' usage rules, in the documented order, within the
token budget, with what did not fit listed. Read from the request the fake Messages server
received from the real SDK; the ``prompt`` command and the TUI's context panel show the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import anthropic
from fakeclaude.server import FakeClaude, text_reply

from elixir_pro.agent import AgentDefinition, compose_system_prompt
from elixir_pro.agent.modes import CognitiveMode, EnsembleRole
from elixir_pro.config import Config, LlmConfig
from elixir_pro.conversation.instructions import discover, project_instructions
from elixir_pro.conversation.workspace import Workspace
from elixir_pro.events import TurnFinished
from elixir_pro.llm.anthropic_backend import AnthropicBackend

SCRIPT = Path(sys.executable).parent / "elixir-pro"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def instructed(root: Path) -> None:
    write(root, "AGENTS.md", "# Rules\nNever use String.to_atom on user input.\n")
    write(root, "CLAUDE.md", "Run mix format before answering.\n")
    write(root, "lib/demo/AGENTS.md", "Counters here are GenServers; keep them small.\n")
    write(root, "deps/phoenix/usage-rules.md", "Use ~p sigils for routes.\n")
    write(root, "deps/phoenix/usage-rules/liveview.md", "Use streams for collections.\n")
    write(root, "deps/ecto/usage-rules.md", "Preload associations explicitly.\n")
    write(root, "deps/jason/README.md", "no usage rules here\n")


def workspace(fake: FakeClaude, root: Path, agent: AgentDefinition, budget: int) -> Workspace:
    client = anthropic.AsyncAnthropic(base_url=fake.base_url, api_key="test-key", max_retries=0)
    llm = LlmConfig(instructions_budget_tokens=budget)
    backend = AnthropicBackend(client, "claude-sonnet-5-5", llm)
    return Workspace(root, agent, backend, Config(llm=llm))


async def sent_system_prompt(
    fake: FakeClaude, ws: Workspace, context: list[str] | None = None
) -> str:
    fake.enqueue(text_reply("ok"))
    session = ws.session(CognitiveMode.CRITICAL)
    events = [e async for e in session.send("review", context_files=context or [])]
    await ws.aclose()
    assert isinstance(events[-1], TurnFinished) and not events[-1].interrupted
    system = fake.message_requests()[-1].body["system"]
    assert len(system) == 1
    return str(system[0]["text"])


def headings(prompt: str) -> list[str]:
    tail = prompt.split("# Project instructions\n", 1)[1]
    return [line[3:] for line in tail.splitlines() if line.startswith("## ")]


async def test_instructions_follow_the_agent_text_in_the_documented_order(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    instructed(project)
    ws = workspace(fake_claude, project, agent, budget=8000)
    prompt = await sent_system_prompt(fake_claude, ws, ["lib/demo/counter.ex"])
    own = compose_system_prompt(
        agent, CognitiveMode.CRITICAL, agent.tools.default_mode, EnsembleRole.SOLO
    )
    assert prompt.startswith(own.rstrip() + "\n\n# Project instructions\n")
    assert headings(prompt) == [
        "lib/demo/AGENTS.md",
        "AGENTS.md",
        "CLAUDE.md",
        "deps/ecto/usage-rules.md",
        "deps/phoenix/usage-rules.md",
        "deps/phoenix/usage-rules/liveview.md",
    ]
    assert "## AGENTS.md\n\n# Rules\nNever use String.to_atom on user input.\n" in prompt
    assert "Preload associations explicitly." in prompt and "Use ~p sigils" in prompt
    assert "no usage rules here" not in prompt and "Not included" not in prompt


async def test_without_a_context_file_only_the_root_files_and_deps(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    instructed(project)
    prompt = await sent_system_prompt(fake_claude, workspace(fake_claude, project, agent, 8000))
    assert headings(prompt)[:2] == ["AGENTS.md", "CLAUDE.md"]
    assert "lib/demo/AGENTS.md" not in prompt


async def test_a_file_over_the_budget_is_listed_not_dropped(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    instructed(project)
    write(project, "deps/ash/usage-rules.md", "Ash resources are declarative. " * 400)
    ws = workspace(fake_claude, project, agent, budget=250)
    prompt = await sent_system_prompt(fake_claude, ws)
    assert "Ash resources are declarative." not in prompt
    assert "over the 250-token budget" in prompt
    left_out = prompt.rsplit("budget for project instructions", 1)[1]
    assert "- deps/ash/usage-rules.md (~" in left_out
    # the smaller files after it still fit and come in
    assert "deps/ecto/usage-rules.md" in headings(prompt)
    found = project_instructions(project, budget=250)
    assert [s.path for s in found.left_out] == ["deps/ash/usage-rules.md"]
    assert found.used <= 250
    assert "not included (over budget): deps/ash/usage-rules.md (~" in found.summary()


async def test_a_zero_budget_sends_the_agent_text_alone(
    fake_claude: FakeClaude, project: Path, agent: AgentDefinition
) -> None:
    instructed(project)
    prompt = await sent_system_prompt(fake_claude, workspace(fake_claude, project, agent, 0))
    assert prompt == compose_system_prompt(
        agent, CognitiveMode.CRITICAL, agent.tools.default_mode, EnsembleRole.SOLO
    )


def test_a_second_link_and_links_out_of_the_project_are_skipped(
    tmp_path: Path, project: Path
) -> None:
    write(project, "AGENTS.md", "The rules.\n")
    (project / "CLAUDE.md").symlink_to(project / "AGENTS.md")
    write(tmp_path, "outside.md", "secret\n")
    (project / "deps" / "evil").mkdir(parents=True)
    (project / "deps" / "evil" / "usage-rules.md").symlink_to(tmp_path / "outside.md")
    write(project, "deps/empty/usage-rules.md", "  \n")
    assert [p.name for p in discover(project)] == ["AGENTS.md", "usage-rules.md"]
    found = project_instructions(project, budget=8000)
    assert [s.path for s in found.sources] == ["AGENTS.md"]
    assert "secret" not in found.text


def test_the_prompt_command_shows_the_result_and_the_budget(project: Path) -> None:
    instructed(project)
    write(project, ".elixir-pro.yaml", "llm: {instructions_budget_tokens: 300}\n")
    write(project, "deps/zz_big/usage-rules.md", "x" * 3000)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    result = subprocess.run(
        [str(SCRIPT), "prompt", "--mode", "critical", "--context", "lib/demo/counter.ex"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "# Project instructions" in result.stdout
    assert "## lib/demo/AGENTS.md" in result.stdout
    assert "- deps/zz_big/usage-rules.md (~1,0" in result.stdout
    summary = result.stderr.strip().splitlines()
    assert len(summary) == 1
    assert summary[0].startswith("elixir-pro: Project instructions: ")
    assert "of 300 tokens; not included (over budget): " in summary[0]
    assert "deps/zz_big/usage-rules.md" in summary[0]
