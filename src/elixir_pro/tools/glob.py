"""The Glob tool: project files whose path matches a glob, most recently modified first,
capped at 100. Staged creations are listed, staged deletions are not.

Registered in the tool registry; run through ``Toolset``.
"""

from __future__ import annotations

import asyncio
from pathlib import PurePosixPath

from elixir_pro.tools.base import Tool, ToolOutcome, register
from elixir_pro.tools.globs import compile_glob
from elixir_pro.tools.params import Args, Param, ToolError
from elixir_pro.tools.search import candidates, resolve_base, staged_snapshot, under
from elixir_pro.tools.workspace import IGNORED_DIRS

MAX_RESULTS = 100


@register
class GlobTool(Tool):
    name = "Glob"
    params = (Param("pattern", "string", required=True), Param("path", "string"))

    async def run(self, args: Args) -> ToolOutcome:
        ws = self.ctx.workspace
        staged = staged_snapshot(self.ctx)
        pattern = args.string("pattern").strip()
        if not pattern:
            raise ToolError("Invalid input: Glob.pattern must not be empty.")
        raw_path = args.opt_string("path")
        if PurePosixPath(pattern).is_absolute():
            root = ws.root.as_posix() + "/"
            if not pattern.startswith(root):
                raise ToolError(
                    f"Access denied: the pattern {pattern!r} is outside the project root "
                    f"{ws.root}. Use a pattern relative to the project."
                )
            pattern = pattern[len(root) :]
            raw_path = None
        if ".." in PurePosixPath(pattern).parts:
            raise ToolError("Invalid input: Glob.pattern may not contain '..'; use path instead.")
        base = resolve_base(ws, raw_path, staged, "Glob")
        if base.path.is_file() or staged.get(base.rel) is not None:
            raise ToolError(f"Glob.path must be a directory: {base.rel} is a file.")
        matcher = compile_glob(pattern)
        wants_ignored = PurePosixPath(pattern).parts[0] in IGNORED_DIRS

        def find() -> list[tuple[float, str]]:
            found: list[tuple[float, str]] = []
            for cand in candidates(ws, base, staged, include_ignored=wants_ignored):
                rel = under(base.rel, cand.rel)
                if rel is not None and matcher.match(rel):
                    found.append((cand.mtime(), cand.rel))
            return found

        found = await asyncio.to_thread(find)
        if not found:
            return ToolOutcome("No files found")
        found.sort(key=lambda item: (-item[0], item[1]))
        lines = [rel for _, rel in found[:MAX_RESULTS]]
        if len(found) > MAX_RESULTS:
            lines.append(
                f"(Results are truncated: showing {MAX_RESULTS} of {len(found)} files, most "
                "recently modified first. Use a more specific pattern or path.)"
            )
        return ToolOutcome("\n".join(lines))
