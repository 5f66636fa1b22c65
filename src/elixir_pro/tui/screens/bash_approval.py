"""The approval modal for a shell command or an MCP server's tool: what would run and where (for
an MCP tool, its arguments too); approve once (``y``), always for this session (``s``) or deny
(``n`` / escape). Dismisses with a ``BashDecision``.

For a shell command it shows the simple commands the parser found in it (so ``mix test; rm -rf
..`` cannot pass for ``mix test``), what needs a careful look (substitutions, background jobs,
redirections out of the project, syntax that is not checked) and where it will run: the
sandbox's limits, or a warning that there is none (then "this session" is not offered, and
every command asks). ``w`` approves it and gives commands the network for the session.

:func:`modal_approver` and :func:`mcp_modal_approver` turn it into the tools' ``ApproveBash``
and ``ApproveMcp`` callbacks: the callback awaits the modal's result. Used by the App when it
builds the conversation.
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
    from elixir_pro.tools.mcp_hub import ApproveMcp, McpToolRequest


class BashApprovalScreen(ModalScreen["BashDecision"]):
    CSS_PATH = "bash_approval.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "decide('allow_once')", "approve once"),
        Binding("s", "decide('allow_session')", "always this session"),
        Binding("w", "decide('allow_network')", "approve, with network"),
        Binding("n,escape", "decide('deny')", "deny"),
    ]

    def __init__(self, request: BashRequest | McpToolRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        from elixir_pro.tools.mcp_hub import McpToolRequest

        request = self.request
        with Vertical(id="dialog"):
            if isinstance(request, McpToolRequest):
                danger = " It may change data." if request.destructive else ""
                yield Static(f"Run this MCP tool?{danger}", classes="dialog-title")
                yield Static(Text(request.title), id="command")
                yield Static(Text(f"on {request.location}"), id="cwd")
                yield Static(Text(request.arguments_text()), id="arguments")
            else:
                yield Static("Run this command?", classes="dialog-title")
                yield Static(Text(request.command), id="command")
                yield Static(Text(f"in {request.cwd}"), id="cwd")
                if request.description:
                    yield Static(Text(request.description), id="why")
                yield from self._parsed(request)
            with Horizontal(classes="buttons"):
                yield Button("Once (y)", id="allow_once", variant="primary")
                if self._offers("allow_session"):
                    yield Button("This session (s)", id="allow_session")
                if self._offers("allow_network"):
                    yield Button("With network (w)", id="allow_network")
                yield Button("Deny (n)", id="deny", variant="error")

    def _parsed(self, request: BashRequest) -> ComposeResult:
        from elixir_pro.tools.bash_rules import redirect_concern

        commands = request.script.commands
        if len(commands) > 1 or (commands and commands[0].display != request.command.strip()):
            listing = "\n".join(f"• {c.display}" for c in commands) or "(none)"
            yield Static(Text(f"It runs {len(commands)} command(s):\n{listing}"), id="commands")
        concerns = list(request.script.concerns)
        for redirect in request.script.redirects:
            concern = redirect_concern(redirect, request.cwd, request.cwd)
            if concern is not None:
                concerns.append(concern)
        if concerns:
            listing = "\n".join(f"• {c}" for c in concerns)
            yield Static(Text(f"Look closely:\n{listing}"), id="concerns")
        if request.sandbox:
            classes = "" if request.sandboxed else "-unsafe"
            yield Static(Text(request.sandbox), id="sandbox", classes=classes)

    def _offers(self, decision: str) -> bool:
        """Which choices make sense: nothing is remembered without a sandbox, and network is
        only offered for a sandboxed command that does not have it yet."""
        from elixir_pro.tools.mcp_hub import McpToolRequest

        request = self.request
        if isinstance(request, McpToolRequest):
            return decision != "allow_network"
        if decision == "allow_session":
            return request.sandboxed
        if decision == "allow_network":
            return request.sandboxed and not request.network
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_decide(event.button.id or "deny")

    def action_decide(self, decision: str) -> None:
        from elixir_pro.tools.approval import BashDecision

        if not self._offers(decision):
            return
        self.dismiss(BashDecision(decision))


async def _ask(app: App[Any], request: BashRequest | McpToolRequest) -> BashDecision:
    from elixir_pro.tools.approval import BashDecision

    future: asyncio.Future[BashDecision] = asyncio.get_running_loop().create_future()

    def done(decision: BashDecision | None) -> None:
        if not future.done():
            future.set_result(decision if decision is not None else BashDecision.DENY)

    app.push_screen(BashApprovalScreen(request), done)
    return await future


def modal_approver(app: App[Any]) -> ApproveBash:
    """An ``ApproveBash`` callback that shows :class:`BashApprovalScreen` and awaits the choice."""

    async def approve(request: BashRequest) -> BashDecision:
        return await _ask(app, request)

    return approve


def mcp_modal_approver(app: App[Any]) -> ApproveMcp:
    """The same modal for an MCP server's tool that is not read-only, arguments shown."""

    async def approve(request: McpToolRequest) -> BashDecision:
        return await _ask(app, request)

    return approve
