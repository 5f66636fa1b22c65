"""The Grep tool: a regular-expression search over project files with Claude Code's
parameters: output modes content / files_with_matches / count, context lines,
case-insensitive and multiline search, glob and type filters, head_limit. Results and output
are capped with notes; binary, oversized and secret files are skipped.

Patterns run on RE2 (linear time: no pattern can hang the search, :mod:`.grep_match`); the
few RE2 cannot run (backreferences, look-around) run on Python's ``re`` in a killable worker
process under a hard time limit (:mod:`.grep_worker`). Cancelling the call (ctrl-c) stops
either at once.

Registered in the tool registry; run through ``Toolset``.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from elixir_pro.tools import grep_worker
from elixir_pro.tools.base import Tool, ToolOutcome, register
from elixir_pro.tools.globs import glob_matches
from elixir_pro.tools.grep_match import compile_pattern, matched_lines, split_lines
from elixir_pro.tools.params import Args, Param, ToolError
from elixir_pro.tools.search import (
    Candidate,
    candidates,
    read_bytes,
    resolve_base,
    staged_snapshot,
)

__all__ = ["GrepTool", "matched_lines", "split_lines"]

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


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


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
        pattern = compile_pattern(
            args.string("pattern"), ignore_case=args.flag("-i"), multiline=multiline
        )
        base = resolve_base(ws, args.opt_string("path"), staged, "Grep")
        single_file = base.path.is_file() or staged.get(base.rel) is not None
        if single_file:
            ws.refuse_secret(base.rel)
        glob, file_type = args.opt_string("glob"), args.opt_string("type")
        mode = args.opt_string("output_mode") or "files_with_matches"
        first_only = mode == "files_with_matches"

        def select() -> tuple[list[Candidate], int]:
            chosen: list[Candidate] = []
            secrets = 0
            for cand in candidates(ws, base, staged):
                if not single_file:
                    if glob and not glob_matches(glob, cand.rel):
                        continue
                    if not _type_matches(file_type, cand.rel):
                        continue
                    if ws.is_secret(cand.rel):
                        secrets += 1
                        continue
                chosen.append(cand)
            return chosen, secrets

        files, secrets = await asyncio.to_thread(select)
        if pattern.re2 is not None:
            rx = pattern.re2
            stop = threading.Event()

            def match(cand: Candidate) -> tuple[list[int], bytes] | None:
                data = read_bytes(cand, staged)
                if data is None or stop.is_set():
                    return None
                return matched_lines(rx, data, multiline=multiline, first_only=first_only), data

            try:
                found = await asyncio.to_thread(lambda: [(c, match(c)) for c in files])
            except BaseException:  # cancelled: the thread stops at the next file
                stop.set()
                raise
            hits = {c.rel: m[0] for c, m in found if m is not None and m[0]}
            texts = {c.rel: m[1] for c, m in found if m is not None and m[0] and mode == "content"}
            unreadable = [c.rel for c, m in found if m is None]
        else:
            hits, unreadable = await grep_worker.search(
                pattern,
                files,
                staged,
                multiline=multiline,
                first_only=first_only,
                limit=self.ctx.grep_time_limit,
            )
            texts = {}
            if mode == "content":
                wanted = [c for c in files if c.rel in hits]
                texts = await asyncio.to_thread(
                    lambda: {c.rel: read_bytes(c, staged) or b"" for c in wanted}
                )
        if single_file and unreadable:
            raise ToolError(f"{base.rel} is a binary or oversized file; it cannot be searched.")
        results = [
            _FileHits(c.rel, c.mtime(), _decode(texts.get(c.rel, b"")), hits[c.rel])
            for c in files
            if c.rel in hits
        ]
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
