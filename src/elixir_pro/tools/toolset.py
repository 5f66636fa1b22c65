"""The toolset of one tool mode: which tools the model gets (client tool definitions and
Anthropic server tool declarations) and the single entry point that runs a tool call.

``Toolset.run`` never raises for anything the model sent: an unknown tool, a tool this mode
lacks, a bad input or a refusal all come back as an ``is_error`` outcome the model sees. No
outcome carries the user's Anthropic key (:mod:`.redact`).

Used by the Anthropic backend's tool loop, the offline backend and the headless CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from elixir_pro.errors import UserError
from elixir_pro.tools import bash, docs, edit, glob, grep, read  # noqa: F401  (built-ins)
from elixir_pro.tools.base import REGISTRY, SERVER_TOOLS, Tool, ToolContext, ToolOutcome
from elixir_pro.tools.params import ToolError, validate
from elixir_pro.tools.redact import redact

log = logging.getLogger(__name__)

KNOWN_TOOLS: tuple[str, ...] = (
    "Read",
    "Write",
    "Edit",
    "Grep",
    "Glob",
    "Bash",
    "Docs",
    *SERVER_TOOLS,
)
ALWAYS_OFFERED: tuple[str, ...] = ("Docs",)
"""Tools the conversation sessions add in every tool mode (they only read docs)."""


class Toolset:
    """The tools one request may use, bound to one session's :class:`ToolContext`."""

    def __init__(
        self, names: tuple[str, ...], ctx: ToolContext, *, project_writable: bool = False
    ) -> None:
        self.ctx = ctx
        self._names = names
        self.project_writable = project_writable
        self._tools: dict[str, Tool] = {
            n: REGISTRY[n](ctx, project_writable=project_writable) for n in names if n in REGISTRY
        }
        self._server = [n for n in names if n in SERVER_TOOLS]

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def definitions(self) -> list[dict[str, Any]]:
        """Client tool params for the Messages API: name, description, input_schema (the
        connected MCP servers' tools after ours)."""
        own = [tool.definition() for tool in self._tools.values()]
        return own + (self.ctx.mcp.definitions() if self.ctx.mcp is not None else [])

    def server_tools(self) -> list[dict[str, Any]]:
        """web_search / web_fetch declarations (only when the mode lists WebSearch/WebFetch)."""
        return [SERVER_TOOLS[n](self.ctx.web_max_uses) for n in self._server]

    async def run(self, name: str, tool_input: dict[str, Any]) -> ToolOutcome:
        """Run one call; the result never holds the user's Anthropic credentials."""
        outcome = await self._run(name, tool_input)
        clean = redact(outcome.output)
        return outcome if clean == outcome.output else replace(outcome, output=clean)

    async def _run(self, name: str, tool_input: dict[str, Any]) -> ToolOutcome:
        tool = self._tools.get(name)
        mcp = self.ctx.mcp
        if tool is None and mcp is not None and mcp.owns(name):
            approve, allowed = self.ctx.approve_mcp, self.ctx.mcp_allowed
            try:
                return await mcp.run(name, tool_input, approve=approve, allowed=allowed)
            except Exception as exc:  # a failing approver or server must not end the turn
                log.exception("MCP tool %s failed", name)
                return ToolOutcome(f"{name} failed: {type(exc).__name__}: {exc}", is_error=True)
        if tool is None:
            return ToolOutcome(self._unavailable(name), is_error=True)
        try:
            args = validate(name, tool.params, tool_input)
            return await tool.run(args)
        except ToolError as exc:
            return ToolOutcome(f"<tool_use_error>{exc}</tool_use_error>", is_error=True)
        except OSError as exc:
            return ToolOutcome(f"<tool_use_error>{name} failed: {exc}</tool_use_error>", True)
        except Exception as exc:  # a bug in a tool must not end the conversation
            log.exception("tool %s failed", name)
            return ToolOutcome(
                f"<tool_use_error>{name} failed unexpectedly: {type(exc).__name__}: {exc}"
                "</tool_use_error>",
                is_error=True,
            )

    def _unavailable(self, name: str) -> str:
        available = ", ".join(self._tools) or "none"
        if name in SERVER_TOOLS or name in ("web_search", "web_fetch"):
            why = f"{name} is a server tool run by Anthropic, not locally"
        elif name in KNOWN_TOOLS:
            why = f"{name} is not available in this tool mode"
        else:
            why = f"there is no tool named {name!r}"
        return f"<tool_use_error>Error: {why}. Available tools: {available}.</tool_use_error>"


def build_toolset(
    tool_names: Sequence[str], ctx: ToolContext, *, project_writable: bool = False
) -> Toolset:
    """The toolset for a mode's tool list (e.g. ``agent.tools.for_mode(ToolMode.AUDIT)``).
    ``project_writable``: the mode may change files (solution), so Bash may write the project.

    Raises UserError naming the tool for a name that is not a known tool.
    """
    names: list[str] = []
    for raw in tool_names:
        name = raw.strip()
        if name not in KNOWN_TOOLS:
            raise UserError(
                f"unknown tool {name!r} (known tools: {', '.join(KNOWN_TOOLS)})", field="tools"
            )
        if name not in names:
            names.append(name)
    return Toolset(tuple(names), ctx, project_writable=project_writable)
