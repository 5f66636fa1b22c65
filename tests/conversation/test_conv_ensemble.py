"""Panel runs: members answer concurrently in their own panes and roles, then the decision
maker receives their answers; every event is tagged with its mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakeclaude.server import FakeClaude, Reply, text_reply

from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.conversation.ensemble import PanelEvent, run_panel
from elixir_pro.conversation.workspace import Workspace
from elixir_pro.events import TextDelta, TurnFinished

Make = Callable[..., Workspace]


def by_mode(body: dict[str, Any]) -> Reply:
    system = body["system"][0]["text"]
    for mode in ("generative", "critical", "informative"):
        if f"Cognitive mode: {mode}." in system:
            return text_reply(f"The {mode} view: use a DynamicSupervisor.", chunk=2, delay=0.05)
    return text_reply("Decision: DynamicSupervisor with max_restarts 5.")


async def test_panel_members_run_concurrently_then_the_decider_decides(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    fake_claude.responder = by_mode
    workspace = make_workspace()
    events: list[PanelEvent] = [e async for e in run_panel(workspace, "How to supervise drivers?")]

    members = {CognitiveMode.GENERATIVE, CognitiveMode.CRITICAL, CognitiveMode.INFORMATIVE}
    finished = [e for e in events if isinstance(e.event, TurnFinished)]
    assert [e.mode for e in finished][-1] is CognitiveMode.EVALUATIVE
    assert {e.mode for e in finished[:-1]} == members
    first_done = next(i for i, e in enumerate(events) if isinstance(e.event, TurnFinished))
    started = {e.mode for e in events[:first_done] if isinstance(e.event, TextDelta)}
    assert started == members  # every member was streaming before any finished
    roles = {e.mode: e.role for e in events}
    assert roles[CognitiveMode.CRITICAL] is EnsembleRole.AUDITOR
    assert roles[CognitiveMode.GENERATIVE] is EnsembleRole.PANEL_MEMBER
    assert roles[CognitiveMode.EVALUATIVE] is EnsembleRole.DECISION_MAKER

    requests = [r.body for r in fake_claude.message_requests()]
    assert len(requests) == 4
    decider = requests[-1]
    assert "Ensemble role: decision_maker" in decider["system"][0]["text"]
    handover = decider["messages"][0]["content"][0]["text"]
    for mode in members:
        assert f'<panel_answer mode="{mode.value}"' in handover
        assert f"The {mode.value} view" in handover
    for body in requests[:-1]:
        assert [t["name"] for t in body["tools"]] == ["Read", "Grep", "Glob", "Bash", "Docs"]
    assert "Write" in [t["name"] for t in decider["tools"]]
    decision = finished[-1].event
    assert isinstance(decision, TurnFinished) and decision.text.startswith("Decision:")
    assert workspace.session(CognitiveMode.CRITICAL).turns[0].role is EnsembleRole.AUDITOR
    assert workspace.session(CognitiveMode.EVALUATIVE).turns[0].tool_mode is ToolMode.SOLUTION


async def test_a_member_that_breaks_off_is_marked_for_the_decider(
    fake_claude: FakeClaude, make_workspace: Make
) -> None:
    def replies(body: dict[str, Any]) -> Reply:
        system = body["system"][0]["text"]
        if "Cognitive mode: critical." in system:
            return text_reply("The restart intensity is too", error_after=5)
        if "Cognitive mode: informative." in system:
            return text_reply("", stop_reason="end_turn")
        return by_mode(body)

    fake_claude.responder = replies
    workspace = make_workspace()
    members = (
        (CognitiveMode.CRITICAL, EnsembleRole.AUDITOR),
        (CognitiveMode.INFORMATIVE, EnsembleRole.PANEL_MEMBER),
        (CognitiveMode.GENERATIVE, EnsembleRole.PANEL_MEMBER),
    )
    events = [e async for e in run_panel(workspace, "Restart limits?", members=members)]
    final = events[-1].event
    assert isinstance(final, TurnFinished) and final.text.startswith("Decision:")
    handover = fake_claude.message_requests()[-1].body["messages"][0]["content"][0]["text"]
    assert '<panel_answer mode="critical" role="auditor" interrupted="true">' in handover
    assert '<panel_answer mode="informative" role="panel_member" missing="empty"/>' in handover
    assert '<panel_answer mode="generative" role="panel_member">' in handover
