"""The tools Claude uses on the project: Read, Grep, Glob and Bash run; Write and Edit only
stage changes into the changeset for the user's review; WebSearch and WebFetch are declared as
Anthropic server tools. Everything is confined to the project root.

Public API (used by the LLM backends, the headless CLI and the TUI's approval modal)::

    ctx = ToolContext(root, changeset, approve_bash, allow_secrets=(), bash_timeout=120.0)
    toolset = build_toolset(tool_names, ctx)
    toolset.definitions(); toolset.server_tools(); await toolset.run(name, tool_input)
"""

from __future__ import annotations

from elixir_pro.tools.approval import ApproveBash, BashDecision, BashRequest, HeadlessBashPolicy
from elixir_pro.tools.base import ToolContext, ToolOutcome
from elixir_pro.tools.toolset import KNOWN_TOOLS, Toolset, build_toolset

__all__ = [
    "KNOWN_TOOLS",
    "ApproveBash",
    "BashDecision",
    "BashRequest",
    "HeadlessBashPolicy",
    "ToolContext",
    "ToolOutcome",
    "Toolset",
    "build_toolset",
]
