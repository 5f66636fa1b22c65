"""The apply-anyway modal: the change about to be applied does not compile (the check before
apply found errors on hunks that would land). It names the errors; only ``y`` (or the "Apply
anyway" button) applies. ``n``, escape and enter do not: the default is not to apply.

Dismisses with True to apply anyway. Pushed by the review screen (``review_precheck``).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

MAX_LISTED = 8


class ApplyAnywayScreen(ModalScreen[bool]):
    CSS_PATH = "apply_anyway.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "apply anyway"),
        Binding("n,escape,enter", "answer(False)", "do not apply", priority=True),
    ]

    def __init__(self, errors: list[str]) -> None:
        super().__init__()
        self.errors = errors

    def compose(self) -> ComposeResult:
        listed = [f"• {e}" for e in self.errors[:MAX_LISTED]]
        if len(self.errors) > MAX_LISTED:
            listed.append(f"• … and {len(self.errors) - MAX_LISTED} more")
        count = len(self.errors)
        with Vertical(id="dialog"):
            yield Static(
                f"This change does not compile ({count} error{'s' * (count != 1)})",
                classes="dialog-title",
                markup=False,
            )
            yield Static(Text("\n".join(listed)), id="errors")
            yield Static(
                "Apply it anyway? Nothing is written unless you press y.", classes="dialog-text"
            )
            with Horizontal(classes="buttons"):
                yield Button("Do not apply (n, esc, enter)", id="keep", variant="primary")
                yield Button("Apply anyway (y)", id="apply", variant="error")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "apply")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
