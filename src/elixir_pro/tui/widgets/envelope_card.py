"""The output envelope of an answer as a card: a confidence badge coloured against the agent's
threshold, the uncertainty factors, the verification and the human-gate flag.

Used by :class:`~elixir_pro.tui.widgets.turn_view.TurnView` when a turn finishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class EnvelopeSummary:
    """What the card shows, read from the agent package's parsed Envelope."""

    confidence_label: str | None
    confidence_value: float | None
    uncertainty: str | None
    verification: str | None
    human_gate: bool | None
    human_gate_reason: str | None = None


def badge_class(value: float | None, threshold: float) -> str:
    """``-low`` below the threshold, ``-near`` within 0.15 above it, ``-ok`` otherwise."""
    if value is None:
        return "-unknown"
    if value < threshold:
        return "-low"
    if value < threshold + 0.15:
        return "-near"
    return "-ok"


class EnvelopeCard(Vertical):
    def __init__(self, summary: EnvelopeSummary, threshold: float) -> None:
        super().__init__(classes="envelope-card")
        self.summary = summary
        self.threshold = threshold

    def compose(self) -> ComposeResult:
        s = self.summary
        label = s.confidence_label or "unknown"
        value = f" {s.confidence_value:.2f}" if s.confidence_value is not None else ""
        badge = Static(
            f" confidence: {label}{value} ",
            classes=f"badge {badge_class(s.confidence_value, self.threshold)}",
        )
        gate_text = "human gate: no"
        if s.human_gate:
            gate_text = "human gate: YES" + (
                f" — {s.human_gate_reason}" if s.human_gate_reason else ""
            )
        gate = Static(f" {gate_text} ", classes="gate" + (" -gate" if s.human_gate else ""))
        with Horizontal(classes="envelope-head"):
            yield badge
            yield Static(f" threshold {self.threshold:.2f} ", classes="threshold")
            yield gate
        if s.uncertainty:
            yield Static(Text.assemble(("Uncertainty: ", "bold"), s.uncertainty), classes="line")
        if s.verification:
            yield Static(Text.assemble(("Verification: ", "bold"), s.verification), classes="line")
