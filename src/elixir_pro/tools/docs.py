"""The Docs tool: the documentation of an Elixir module or function as the project builds it,
a dependency's at the exact version compiled in ``_build`` (the answer names the version), the
standard library's from the installed Elixir. Offered to Claude in every tool mode (it reads
nothing but docs); its description asks Claude to use it before naming an API.

Registered in the tool registry; run through ``Toolset``; the lookup is
:func:`elixir_pro.engine.dep_docs.project_docs`.
"""

from __future__ import annotations

import asyncio

from elixir_pro.tools.base import Tool, ToolOutcome, register
from elixir_pro.tools.params import Args, Param, ToolError

ANSWERS_NOT_ERRORS = frozenset({"not-found", "no-docs", "erlang"})
"""Outcomes that are an answer ("there is no such function"), not a failed tool."""


@register
class DocsTool(Tool):
    name = "Docs"
    params = (Param("symbol", "string", required=True),)

    async def run(self, args: Args) -> ToolOutcome:
        from elixir_pro.engine.dep_docs import project_docs
        from elixir_pro.engine.docs import DocResult

        symbol = args.string("symbol").strip()
        if not symbol:
            raise ToolError("Invalid input: Docs.symbol must not be empty.")
        answer = await asyncio.to_thread(project_docs, self.ctx.root, symbol)
        if isinstance(answer, DocResult):
            return ToolOutcome(answer.markdown)
        return ToolOutcome(answer.message, is_error=answer.reason not in ANSWERS_NOT_ERRORS)
