"""The Bash approval modal: the command and where it runs; approve once (``y``), always for this
session (``s``) or deny (``n`` / escape). Dismisses with a ``BashDecision``.

:func:`modal_approver` turns it into the tools' ``ApproveBash`` callback: the callback awaits
the modal's result. Used by the App when it builds the conversation.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

if TYPE_CHECKING:
    from elixir_pro.tools.approval import ApproveBash, BashDecision, BashRequest


class BashApprovalScreen(ModalScreen["BashDecision"]):
    CSS_PATH = "bash_approval.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "decide('allow_once')", "approve once"),
        Binding("s", "decide('allow_session')", "always this session"),
        Binding("n,escape", "decide('deny')", "deny"),
    ]

    def __init__(self, request: BashRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Run this command?", classes="dialog-title")
            yield Static(Text(self.request.command), id="command")
            yield Static(Text(f"in {self.request.cwd}"), id="cwd")
            if self.request.description:
                yield Static(Text(self.request.description), id="why")
            with Horizontal(classes="buttons"):
                yield Button("Once (y)", id="allow_once", variant="primary")
                yield Button("This session (s)", id="allow_session")
                yield Button("Deny (n)", id="deny", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_decide(event.button.id or "deny")

    def action_decide(self, decision: str) -> None:
        from elixir_pro.tools.approval import BashDecision

        self.dismiss(BashDecision(decision))


def modal_approver(app: App[Any]) -> ApproveBash:
    """An ``ApproveBash`` callback that shows :class:`BashApprovalScreen` and awaits the choice."""

    async def approve(request: BashRequest) -> BashDecision:
        from elixir_pro.tools.approval import BashDecision

        future: asyncio.Future[BashDecision] = asyncio.get_running_loop().create_future()

        def done(decision: BashDecision | None) -> None:
            if not future.done():
                future.set_result(decision if decision is not None else BashDecision.DENY)

        app.push_screen(BashApprovalScreen(request), done)
        return await future

    return approve
