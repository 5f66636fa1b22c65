"""The Write and Edit tools: they stage changes into the session's changeset for the user's
review and never write a file. Claude Code's rules apply: an existing file must be Read
first; Edit's old_string must be present, unique unless replace_all, and differ from
new_string.

Registered in the tool registry; run through ``Toolset``.
"""

from __future__ import annotations

from elixir_pro.tools.base import Tool, ToolOutcome, register
from elixir_pro.tools.files import current_text, require_fresh_read, stage
from elixir_pro.tools.params import Args, Param, ToolError


@register
class WriteTool(Tool):
    name = "Write"
    params = (
        Param("file_path", "string", required=True),
        Param("content", "string", required=True),
    )

    async def run(self, args: Args) -> ToolOutcome:
        ws = self.ctx.workspace
        res = ws.resolve(args.string("file_path"), field="Write.file_path")
        ws.refuse_secret(res.rel)
        ws.refuse_git_internals(res.rel)
        current = current_text(self.ctx, res)
        if current is not None:
            require_fresh_read(self.ctx, res.rel, current)
        return stage(self.ctx, res.rel, args.string("content"), "Write")


@register
class EditTool(Tool):
    name = "Edit"
    params = (
        Param("file_path", "string", required=True),
        Param("old_string", "string", required=True),
        Param("new_string", "string", required=True),
        Param("replace_all", "boolean"),
    )

    async def run(self, args: Args) -> ToolOutcome:
        ws = self.ctx.workspace
        res = ws.resolve(args.string("file_path"), field="Edit.file_path")
        ws.refuse_secret(res.rel)
        ws.refuse_git_internals(res.rel)
        old, new = args.string("old_string"), args.string("new_string")
        if old == new:
            raise ToolError("No changes to make: old_string and new_string are exactly the same.")
        current = current_text(self.ctx, res)
        if current is None:
            if old == "":
                return stage(self.ctx, res.rel, new, "Edit")
            raise ToolError(f"File does not exist: {res.rel}.")
        if old == "":
            if current.strip():
                raise ToolError(
                    f"Cannot create {res.rel}: the file already exists and is not empty. "
                    "Give old_string to edit it."
                )
            require_fresh_read(self.ctx, res.rel, current)
            return stage(self.ctx, res.rel, new, "Edit")
        require_fresh_read(self.ctx, res.rel, current)
        count = current.count(old)
        if count == 0 and "\r\n" in current and "\r" not in old:
            # The file uses CRLF; Read shows lines without the \r.
            old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
            count = current.count(old)
        if count == 0:
            raise ToolError(
                f"String to replace not found in {res.rel}. old_string must match the file "
                "exactly, including whitespace and indentation (Read it again if unsure)."
            )
        replace_all = args.flag("replace_all")
        if count > 1 and not replace_all:
            raise ToolError(
                f"Found {count} matches of old_string in {res.rel}, but replace_all is false. "
                "To replace every occurrence set replace_all to true; to replace one, include "
                "more surrounding context so that old_string is unique."
            )
        updated = current.replace(old, new) if replace_all else current.replace(old, new, 1)
        outcome = stage(self.ctx, res.rel, updated, "Edit")
        if count > 1:
            return ToolOutcome(f"Replaced {count} occurrences. {outcome.output}", edit=outcome.edit)
        return outcome
