"""A cognitive-mode pane: the scrolling conversation of one mode (generative, critical,
evaluative or informative), a stack of :class:`TurnView` widgets, kept scrolled to the end
while an answer streams unless the user scrolls away.

Used by the main screen, one per tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from elixir_pro.agent.modes import CognitiveMode

if TYPE_CHECKING:
    from elixir_pro.tui.widgets.turn_view import TurnView

_INTRO = {
    CognitiveMode.GENERATIVE: "Design and write Elixir: GenServers, supervision trees, Phoenix.",
    CognitiveMode.CRITICAL: "Review code for OTP correctness, fault tolerance and purity.",
    CognitiveMode.EVALUATIVE: "Weigh OTP patterns, Phoenix features and distributed trade-offs.",
    CognitiveMode.INFORMATIVE: "Explain Elixir idioms, OTP behaviours and the BEAM.",
}


class ModePane(VerticalScroll):
    """The conversation of one cognitive mode."""

    can_focus = True
    # shown in the footer while a pane has the focus (single letters act then)
    BINDINGS: ClassVar[list[BindingType]] = [Binding("i", "screen.focus_prompt", "type")]

    def __init__(self, mode: CognitiveMode, *, intro: str | None = None) -> None:
        super().__init__(id=f"pane-{mode.value}", classes="mode-pane")
        self.mode = mode
        self.intro = intro if intro is not None else _INTRO[mode]
        self.turns: list[TurnView] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.mode.value}: {self.intro}"), classes="pane-intro")

    async def start_turn(self, prompt: str, *, turn_id: str, label: str = "") -> TurnView:
        from elixir_pro.tui.widgets.turn_view import TurnView  # markdown loads on first use

        turn = TurnView(prompt, turn_id=turn_id, label=label)
        self.turns.append(turn)
        await self.mount(turn)
        self.anchor()
        return turn

    @property
    def last_turn(self) -> TurnView | None:
        return self.turns[-1] if self.turns else None

    async def clear_turns(self) -> None:
        for turn in self.turns:
            await turn.remove()
        self.turns.clear()
