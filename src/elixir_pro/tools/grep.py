"""The Grep tool: a regular-expression search over project files in pure Python (``re``),
with Claude Code's parameters: output modes content / files_with_matches / count, context
lines, case-insensitive and multiline search, glob and type filters, head_limit. Results and
output are capped with notes; binary, oversized and secret files are skipped.

Registered in the tool registry; run through ``Toolset``.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from elixir_pro.tools.base import Tool, ToolOutcome, register
from elixir_pro.tools.globs import glob_matches
from elixir_pro.tools.params import Args, Param, ToolError
from elixir_pro.tools.search import candidates, read_text, resolve_base, staged_snapshot

MAX_OUTPUT_CHARS = 30_000
MAX_ENTRIES = 250  # files or count rows when no head_limit is given
MAX_LINE_CHARS = 500
MAX_CONTEXT = 50

FILE_TYPES: dict[str, tuple[str, ...]] = {
    "elixir": ("ex", "exs"),
    "ex": ("ex", "exs"),
    "erlang": ("erl", "hrl", "escript", "app.src"),
    "eex": ("eex", "leex", "heex"),
    "heex": ("heex",),
    "js": ("js", "mjs", "cjs", "jsx"),
    "ts": ("ts", "tsx", "mts", "cts"),
    "css": ("css", "scss", "sass"),
    "html": ("html", "htm"),
    "md": ("md", "markdown"),
    "markdown": ("md", "markdown"),
    "json": ("json",),
    "yaml": ("yaml", "yml"),
    "toml": ("toml",),
    "py": ("py", "pyi"),
    "python": ("py", "pyi"),
    "sh": ("sh", "bash", "zsh"),
    "rust": ("rs",),
    "go": ("go",),
    "sql": ("sql",),
    "txt": ("txt",),
}


@dataclass(slots=True)
class _FileHits:
    rel: str
    mtime: float
    text: str
    matched: list[int] = field(default_factory=list)  # 0-based line indexes


def split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _per_line(rx: re.Pattern[str], text: str, first_only: bool) -> list[int]:
    hits = []
    for i, line in enumerate(split_lines(text)):
        if rx.search(line.removesuffix("\r")):
            hits.append(i)
            if first_only:
                break
    return hits


def matched_lines(
    rx: re.Pattern[str], text: str, *, multiline: bool, first_only: bool = False
) -> list[int]:
    """0-based indexes of the lines holding a match. Without ``multiline`` a line matches as
    if searched alone (as ripgrep does); with it, every line a match spans counts.

    Searches the whole text once and counts newlines between matches, rather than running the
    pattern on every line; a match that crosses a newline (possible only through ``\\s`` and
    the like) sends the file through the per-line search instead.
    """
    if not multiline and "\r" in text:
        return _per_line(rx, text, first_only)
    hits: list[int] = []
    line = pos = 0
    for m in rx.finditer(text):
        start, end = m.span()
        line += text.count("\n", pos, start)
        pos = start
        if multiline:
            last = line + text.count("\n", start, max(start, end - 1))
            hits.extend(range(hits[-1] + 1 if hits and hits[-1] >= line else line, last + 1))
        elif "\n" in text[start:end]:
            return _per_line(rx, text, first_only)
        elif not hits or hits[-1] != line:
            hits.append(line)
        if first_only and hits:
            break
    if hits and pos == len(text) and (not text or text.endswith("\n")):
        hits.pop()  # an empty match after the final newline is not on a line
    return hits


def _type_matches(file_type: str | None, rel: str) -> bool:
    if file_type is None:
        return True
    exts = FILE_TYPES.get(file_type.lower(), (file_type.lower().lstrip("."),))
    name = rel.rsplit("/", 1)[-1].lower()
    return any(name.endswith("." + ext) for ext in exts)


def _clip(line: str) -> str:
    line = line.removesuffix("\r")
    return line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + " [...]"


def _content_rows(hits: _FileHits, before: int, after: int, numbers: bool) -> Iterable[str]:
    matched = set(hits.matched)
    lines = split_lines(hits.text)
    shown: list[int] = []
    for i in hits.matched:
        shown.extend(range(max(0, i - before), min(len(lines), i + after + 1)))
    previous = None
    for i in sorted(set(shown)):
        if previous is not None and i != previous + 1 and (before or after):
            yield "--"
        sep = ":" if i in matched else "-"
        prefix = f"{hits.rel}{sep}{i + 1}{sep}" if numbers else f"{hits.rel}{sep}"
        yield prefix + _clip(lines[i])
        previous = i


@register
class GrepTool(Tool):
    name = "Grep"
    params = (
        Param("pattern", "string", required=True),
        Param("path", "string"),
        Param("glob", "string"),
        Param("output_mode", "string", enum=("content", "files_with_matches", "count")),
        Param("-i", "boolean"),
        Param("-n", "boolean"),
        Param("-A", "integer", minimum=0, maximum=MAX_CONTEXT),
        Param("-B", "integer", minimum=0, maximum=MAX_CONTEXT),
        Param("-C", "integer", minimum=0, maximum=MAX_CONTEXT),
        Param("head_limit", "integer", minimum=1),
        Param("type", "string"),
        Param("multiline", "boolean"),
    )

    async def run(self, args: Args) -> ToolOutcome:
        ws = self.ctx.workspace
        staged = staged_snapshot(self.ctx)
        multiline = args.flag("multiline")
        flags = re.MULTILINE | (re.IGNORECASE if args.flag("-i") else 0)
        flags |= re.DOTALL if multiline else 0
        try:
            rx = re.compile(args.string("pattern"), flags)
        except re.error as exc:
            raise ToolError(f"Invalid regular expression in Grep.pattern: {exc}.") from None
        base = resolve_base(ws, args.opt_string("path"), staged, "Grep")
        single_file = base.path.is_file() or staged.get(base.rel) is not None
        if single_file:
            ws.refuse_secret(base.rel)
        glob, file_type = args.opt_string("glob"), args.opt_string("type")
        mode = args.opt_string("output_mode") or "files_with_matches"
        first_only = mode == "files_with_matches"

        def search() -> tuple[list[_FileHits], int]:
            results: list[_FileHits] = []
            secrets = 0
            unreadable = False
            for cand in candidates(ws, base, staged):
                if not single_file:
                    if glob and not glob_matches(glob, cand.rel):
                        continue
                    if not _type_matches(file_type, cand.rel):
                        continue
                    if ws.is_secret(cand.rel):
                        secrets += 1
                        continue
                text = read_text(cand, staged)
                if text is None:
                    unreadable = True
                    continue
                matched = matched_lines(rx, text, multiline=multiline, first_only=first_only)
                if matched:
                    kept = text if mode == "content" else ""  # only content mode shows lines
                    results.append(_FileHits(cand.rel, cand.mtime(), kept, matched))
            if single_file and unreadable:
                raise ToolError(f"{base.rel} is a binary or oversized file; it cannot be searched.")
            return results, secrets

        results, secrets = await asyncio.to_thread(search)
        if not results:
            # Said only when nothing matched, so it cannot reveal what a secret file holds.
            note = f" ({secrets} secret file(s) not searched)" if secrets else ""
            return ToolOutcome("No matches found" + note)
        limit = args.opt_int("head_limit")
        if mode == "files_with_matches":
            results.sort(key=lambda h: (-h.mtime, h.rel))
            rows = [h.rel for h in results]
            header = f"Found {len(rows)} file{'s' if len(rows) != 1 else ''}"
            return ToolOutcome(self._cap([header], rows, limit))
        results.sort(key=lambda h: h.rel)
        if mode == "count":
            rows = [f"{h.rel}:{len(h.matched)}" for h in results]
            total = sum(len(h.matched) for h in results)
            footer = f"\nFound {total} matching lines across {len(results)} files."
            return ToolOutcome(self._cap([], rows, limit) + footer)
        context = args.opt_int("-C")
        before = args.opt_int("-B") if args.opt_int("-B") is not None else context
        after = args.opt_int("-A") if args.opt_int("-A") is not None else context
        numbers = args.flag("-n", default=True)
        return ToolOutcome(self._content(results, before or 0, after or 0, numbers, limit))

    @staticmethod
    def _content(
        results: list[_FileHits], before: int, after: int, numbers: bool, limit: int | None
    ) -> str:
        """Content rows, formatted only up to head_limit / the output cap."""
        out: list[str] = []
        size = 0
        why = ""
        for hits in results:
            rows = _content_rows(hits, before, after, numbers)
            if out and (before or after):
                rows = itertools.chain(["--"], rows)
            for row in rows:
                if limit is not None and len(out) >= limit:
                    why = f"head_limit={limit}"
                elif size + len(row) + 1 > MAX_OUTPUT_CHARS:
                    why = "the output cap"
                if why:
                    break
                out.append(row)
                size += len(row) + 1
            if why:
                break
        if why:
            total = sum(len(h.matched) for h in results)
            out.append(
                f"[Truncated by {why}: showing {len(out)} lines; {total} matching lines in "
                f"{len(results)} file(s) in all. Narrow the search with path, glob or type.]"
            )
        return "\n".join(out)

    @staticmethod
    def _cap(header: list[str], rows: list[str], limit: int | None) -> str:
        """File rows (paths or counts) up to head_limit, MAX_ENTRIES and the output cap."""
        cap = limit if limit is not None else MAX_ENTRIES
        out = list(header)
        size = sum(len(h) + 1 for h in header)
        shown = 0
        for row in rows[:cap]:
            size += len(row) + 1
            if size > MAX_OUTPUT_CHARS:
                break
            out.append(row)
            shown += 1
        if shown < len(rows):
            why = f"head_limit={limit}" if limit is not None and shown == cap else "the output cap"
            out.append(
                f"[Truncated by {why}: showing {shown} of {len(rows)} files. Narrow the search "
                "with path, glob or type.]"
            )
        return "\n".join(out)
