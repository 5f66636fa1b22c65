"""The Read tool: a project file as numbered lines (``cat -n`` style), paged with
offset/limit, capped in lines, line length and bytes, staged edits included.

Registered in the tool registry; run through ``Toolset``.
"""

from __future__ import annotations

from elixir_pro.tools.base import Tool, ToolOutcome, register
from elixir_pro.tools.files import current_text
from elixir_pro.tools.params import Args, Param, ToolError

MAX_LINES = 2000
MAX_LINE_CHARS = 2000
MAX_OUTPUT_BYTES = 256 * 1024


def _display(text: str) -> str:
    """Undecodable bytes (kept as surrogates so edits round-trip) shown as U+FFFD."""
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def split_lines(text: str) -> list[str]:
    """Lines as an editor counts them: split on \\n only, a final newline ends the last line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@register
class ReadTool(Tool):
    name = "Read"
    params = (
        Param("file_path", "string", required=True),
        Param("offset", "integer", minimum=0),
        Param("limit", "integer", minimum=1),
    )

    async def run(self, args: Args) -> ToolOutcome:
        ws = self.ctx.workspace
        res = ws.resolve(args.string("file_path"), field="Read.file_path")
        ws.refuse_secret(res.rel)
        text = current_text(self.ctx, res)
        if text is None:
            raise ToolError(f"File does not exist: {res.rel}.")
        if self.ctx.read_through is not None and res.rel not in self.ctx.changeset.proposals:
            buffer = await self.ctx.read_through(res.rel)  # the editor's, unsaved edits included
            text = text if buffer is None else buffer
        self.ctx.remember_read(res.rel, text)
        lines = split_lines(text)
        if not lines:
            return ToolOutcome(f"(The file {res.rel} exists but is empty.)")
        start = max(args.opt_int("offset") or 1, 1)
        limit = args.opt_int("limit") or MAX_LINES
        if start > len(lines):
            return ToolOutcome(
                f"(The file {res.rel} has {len(lines)} lines; offset {start} is past the end.)"
            )
        end = min(len(lines), start - 1 + limit)
        out: list[str] = []
        size = 0
        cut_lines = 0
        last = start - 1
        for number in range(start, end + 1):
            line = _display(lines[number - 1].removesuffix("\r"))
            if len(line) > MAX_LINE_CHARS:
                line = line[:MAX_LINE_CHARS] + " [line truncated]"
                cut_lines += 1
            row = f"{number:>6}\t{line}"
            size += len(row.encode()) + 1
            if size > MAX_OUTPUT_BYTES:
                break
            out.append(row)
            last = number
        notes: list[str] = []
        if last < len(lines):
            reason = "the 256 KB output cap" if last < end else f"the {limit}-line limit"
            notes.append(
                f"[Truncated at {reason}: showing lines {start}-{last} of {len(lines)}. "
                f"Read again with offset={last + 1} to continue.]"
            )
        if cut_lines:
            notes.append(f"[{cut_lines} line(s) longer than {MAX_LINE_CHARS} characters cut.]")
        return ToolOutcome("\n".join(out + notes))
