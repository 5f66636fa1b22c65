"""The main screen's end-of-turn handling: the envelope card, escalation and the human gate, the
review of staged changes and "review my last change".

A mixin of :class:`~elixir_pro.tui.screens.main.MainScreen`.
"""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.errors import UserError
from elixir_pro.events import TurnFinished
from elixir_pro.tui import texts
from elixir_pro.tui.screens.main_changes import ChangesMixin

if TYPE_CHECKING:
    from elixir_pro.tui.services import TuiContext
    from elixir_pro.tui.widgets.envelope_card import EnvelopeSummary
    from elixir_pro.tui.widgets.turn_view import TurnView


def envelope_summary(text: str) -> EnvelopeSummary | None:
    """The answer's output envelope, parsed by the agent package (None when absent)."""
    try:
        from elixir_pro.agent.envelope import parse_envelope
    except ImportError:
        return None
    from elixir_pro.tui.widgets.envelope_card import EnvelopeSummary

    envelope: Any = parse_envelope(text)
    label = getattr(envelope, "confidence_label", None)
    value = getattr(envelope, "confidence_value", None)
    gate = getattr(envelope, "human_gate", None)
    if label is None and value is None and gate is None:
        return None
    uncertainty = getattr(envelope, "uncertainty", None)
    if isinstance(uncertainty, list | tuple):
        uncertainty = "; ".join(str(u) for u in uncertainty) or None
    return EnvelopeSummary(
        confidence_label=label,
        confidence_value=value,
        uncertainty=uncertainty,
        verification=getattr(envelope, "verification", None),
        human_gate=gate,
        human_gate_reason=getattr(envelope, "human_gate_reason", None),
    )


def with_escalation(summary: EnvelopeSummary, escalation: tuple[str, ...]) -> EnvelopeSummary:
    """The card's human-gate flag says what the banner says: yes when the turn escalated (for
    low confidence or a trigger too, not only when the answer asked for the gate)."""
    if not escalation or summary.human_gate:
        return summary
    reason = escalation[0] + (f" (+{len(escalation) - 1} more)" if len(escalation) > 1 else "")
    return dataclasses.replace(summary, human_gate=True, human_gate_reason=reason)


def changed_paths(root: Path) -> list[str]:
    """Files changed against HEAD plus untracked, not ignored ones (paths relative to ``root``,
    exactly as named: ``-z`` output, so git quotes no non-ASCII name). In a repository without a
    commit yet, every file in the index counts as changed."""

    def git(*args: str) -> tuple[int, list[str]]:
        result = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
        return result.returncode, [p for p in result.stdout.split("\0") if p]

    code, tracked = git("diff", "--name-only", "--relative", "-z", "HEAD")
    if code != 0:  # no HEAD yet
        tracked = git("ls-files", "-z")[1]
    untracked = git("ls-files", "--others", "--exclude-standard", "-z")[1]
    return sorted({*tracked, *untracked})


class TurnFinishingMixin(ChangesMixin):
    context: TuiContext
    root: Path
    last_batch: tuple[str, ...]
    gate_pending: tuple[str, ...]
    gate_acknowledged: bool
    refresh_pending: Callable[[], None]
    send_prompt: Callable[..., None]
    action_show_pane: Callable[[str], None]

    async def finish_turn(self, turn: TurnView, event: TurnFinished, mode: CognitiveMode) -> None:
        summary = envelope_summary(event.text or turn.text)
        if summary is not None:
            summary = with_escalation(summary, event.escalation)
            await turn.show_envelope(summary, self.context.agent.threshold)
        self.refresh_pending()
        if event.escalation:
            where = f"{mode.value} pane" + (f" ({turn.label})" if turn.label else "")
            await turn.show_escalation(event.escalation, where)
            if turn.staged:  # the gate asks only before this turn's changes are applied
                reasons = (f"{where}: {r}" for r in event.escalation)
                self.gate_pending = (*self.gate_pending, *reasons)
                self.gate_acknowledged = False
                self.context.conversation.mark_gate()
        self.review_after_turn(turn)  # staged edits open the review (not past a gate)

    def ask_gate(
        self,
        then: Callable[[], Awaitable[None] | None] | None = None,
        otherwise: Callable[[], None] | None = None,
    ) -> None:
        """The one modal naming every pending reason; ``then`` runs once acknowledged,
        ``otherwise`` when the user leaves it for later."""
        from elixir_pro.tui.screens.human_gate import HumanGateScreen

        def done(acknowledged: bool | None) -> None:
            if acknowledged:
                self.gate_acknowledged = True
                self.gate_pending = ()
                self.context.conversation.acknowledge_gate()
                if then is not None:
                    then()
            elif otherwise is not None:
                otherwise()

        self.app.push_screen(HumanGateScreen(self.gate_pending), done)

    def open_review(self) -> None:
        changeset = self.context.conversation.pending_changeset
        if changeset is None or len(changeset) == 0:
            self.open_last_apply()  # its result, with undo (main_changes)
            return
        if changeset.gate_acknowledged or not changeset.gate_required:
            self.gate_acknowledged, self.gate_pending = True, ()  # acknowledged in the review
        if not self.gate_acknowledged:
            # "not now" still shows the changes; the review refuses to apply them (g there
            # acknowledges)
            self.ask_gate(then=self.open_review, otherwise=lambda: self.show_review(changeset))
            return
        self.show_review(changeset)

    @work(thread=True, exclusive=True, group="review-diff")
    def review_last_change(self) -> None:
        """The watcher's last batch; when its diff is empty (the change was undone since) or
        nothing was saved yet, everything changed since HEAD, untracked files included."""
        paths = list(self.last_batch)
        try:
            from elixir_pro.watch.review import diff_for_paths

            diff = diff_for_paths(self.root, paths) if paths else ""
            if not diff.strip():
                paths = changed_paths(self.root)
                diff = diff_for_paths(self.root, paths) if paths else ""
        except (ImportError, UserError, OSError) as exc:
            self.app.call_from_thread(self.notify, f"No diff: {exc}", severity="warning")
            return
        if not diff.strip():
            self.app.call_from_thread(self.notify, texts.NO_CHANGES)
            return
        self.app.call_from_thread(self._send_review, paths, diff)

    def _send_review(self, paths: list[str], diff: str) -> None:
        from elixir_pro.project.compiler_findings import compiler_context

        self.action_show_pane(CognitiveMode.CRITICAL.value)
        prompt = texts.REVIEW_LAST_CHANGE_PROMPT.format(paths=", ".join(paths))
        watcher = getattr(self, "watcher", None)
        found = watcher.current_findings() if watcher is not None else ()
        compiler = compiler_context(found, paths)
        self.send_prompt(
            CognitiveMode.CRITICAL,
            prompt,
            tool_mode=ToolMode.AUDIT,
            extra_context=texts.REVIEW_DIFF_CONTEXT.format(diff=diff)
            + (f"\n{compiler}" if compiler else ""),
            label="audit",
        )
