"""The product wiring: the agent's proactive_triggers and the project's watch settings decide
what the service watches and how reviews are rate-limited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from watch_support import Collector, write

from elixir_pro.errors import UserError
from elixir_pro.events import FindingsUpdated
from elixir_pro.watch import (
    Baseline,
    ReviewMode,
    create_review_policy,
    create_watch_service,
)


def _agent_with_triggers(repo_root: Path, project: Path, triggers: list[str]) -> None:
    text = (repo_root / "agents" / "elixir-pro.md").read_text(encoding="utf-8")
    block = "proactive_triggers:\n" + "".join(f'  - "{t}"\n' for t in triggers)
    text, count = re.subn(r"proactive_triggers:\n(?:  - .*\n)+", block, text)
    assert count == 1
    write(project / ".claude" / "agents" / "elixir-pro.md", text)


def test_the_project_agents_triggers_decide_what_counts(
    repo_root: Path, project: Path, collector: Collector
) -> None:
    _agent_with_triggers(repo_root, project, ["config/*.exs"])
    write(project / "config" / "config.exs", "import Config\n")
    write(project / ".elixir-pro.yaml", "watch: {debounce_ms: 60}\n")
    service = create_watch_service(project, on_event=collector)
    assert service.triggers.patterns == ("config/*.exs",)
    assert service.debounce_s == 0.06
    service.start()
    try:
        assert collector.next(Baseline).files == 1
        write(
            project / "lib" / "proj.ex", "defmodule Proj do\n  def x, do: String.to_atom(x)\nend\n"
        )
        write(project / "config" / "config.exs", "import Config\nconfig :proj, a: 1\n")
        batches = collector.batches_until("config/config.exs")
        assert [b.all_paths for b in batches] == [("config/config.exs",)]
        update = collector.next(FindingsUpdated)  # the engine runs on what the batch holds
        assert update.paths == ("config/config.exs",)
    finally:
        service.stop()


def test_a_broken_agent_file_is_one_user_error(project: Path) -> None:
    write(project / ".claude" / "agents" / "elixir-pro.md", "---\nname: elixir-pro\n")
    with pytest.raises(UserError):
        create_watch_service(project)


def test_review_policy_from_settings(project: Path) -> None:
    assert create_review_policy(project).mode is ReviewMode.MANUAL
    write(project / ".elixir-pro.yaml", "watch: {review: on-save, min_review_interval_s: 5}\n")
    policy = create_review_policy(project)
    assert policy.mode is ReviewMode.ON_SAVE and policy.min_interval_s == 5.0
