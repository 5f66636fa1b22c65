"""Web entry modules nothing in the project reaches: a LiveView, LiveComponent, controller or
channel whose name appears in no other file of the application (no route, no template, no
``live_render``, no other module). Code nobody can call is not a risk today, so findings in it
are graded low and say why; the pattern is still there for ``--min-confidence low``.

The entry modules are kept per file (:func:`entries`); the files naming a module are only
searched for once a finding worth showing sits in it (:class:`ReachIndex`), so a project
without one pays nothing, and an incremental re-analysis re-reads the changed file only.

A name counts as a reference when it appears as a word on a line of application code that is
not a comment or an ``alias``, in another ``.ex``/``.exs`` file or in a template (``.heex``,
``.eex``, ``.leex``, ``.sface``), and not as the module of a remote call:
``StatsLive.chart_data(...)`` uses a LiveView's functions without serving it; nor inside a
development-only block (``if Mix.env() == :dev do``, ``if Application.compile_env(:app,
:dev_routes) do``), whose routes a release does not serve. Matching the
module's last segment alone makes the check generous (``Index`` is named almost everywhere): a
module is only called unreached when no file outside it even names it. Test and script files
do not count: a LiveView only a test mounts is not served.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Confidence, Finding
from elixir_pro.engine.rules._sources import module_kind
from elixir_pro.engine.scope import SCRIPT, TEST, category
from elixir_pro.engine.sources import SKIP_DIRS

TEMPLATES = (".heex", ".eex", ".leex", ".sface")
_KINDS = {"controller": "controller", "live": "LiveView", "channel": "channel"}
#: Comment lines, and ``alias``/``import``/``require`` lines (naming a module is not using it).
_SKIPPED_LINE = re.compile(rb"[ \t]*(?:#|alias\b|import\b|require\b)")
_TEMPLATE_COMMENT = re.compile(rb"<%!--.*?--%>|<%#.*?%>|<!--.*?-->", re.DOTALL)


#: Bytes one of which a web entry module's source holds (``use Phoenix.LiveView``,
#: ``use MyAppWeb, :controller``, ``use MyAppWeb, :api_controller``).
_MARKERS = (b"Phoenix.", b":controller", b"_controller", b":live_", b":channel")


@dataclass(frozen=True, slots=True)
class Entry:
    """A web entry module of a file: its name, kind and lines (1-based, inclusive)."""

    module: str
    kind: str
    first: int
    last: int

    @property
    def tail(self) -> str:
        return self.module.rsplit(".", 1)[-1]


def entries(ctx: FileContext) -> tuple[Entry, ...]:
    """The file's LiveViews, LiveComponents, controllers and channels (application code)."""
    if category(ctx.path) in (TEST, SCRIPT) or not any(m in ctx.source for m in _MARKERS):
        return ()
    out: list[Entry] = []
    for module in ctx.modules:
        kind = _KINDS.get(module_kind(module))
        if kind is None or ctx.uses(module, "Phoenix.LiveDashboard.PageBuilder") is not None:
            continue  # dashboard pages are listed in the router's live_dashboard options
        node = module.node
        out.append(Entry(module.name, kind, node.start_point[0] + 1, node.end_point[0] + 1))
    return tuple(out)


def mentions(path: str, source: bytes, tails: Iterable[str]) -> set[str]:
    """Which of ``tails`` the file names as a module it uses: as a word on a line that is not
    a comment or an ``alias``/``import``/``require``, and not as the module of a remote call
    (``StatsLive.chart(...)`` uses a LiveView's functions without serving it). Nothing for
    test and script files."""
    wanted = tuple(sorted(t for t in set(tails) if t.encode() in source))
    if not wanted or category(path) in (TEST, SCRIPT):
        return set()
    if path.endswith(TEMPLATES):
        source = _TEMPLATE_COMMENT.sub(b"", source)
    pattern = _names_pattern(wanted)
    found: set[str] = set()
    dev: list[tuple[int, int]] | None = None
    for match in pattern.finditer(source):
        line_start = source.rfind(b"\n", 0, match.start()) + 1
        if not path.endswith(TEMPLATES) and _SKIPPED_LINE.match(source, line_start):
            continue
        if dev is None:
            dev = _dev_blocks(source) if b"dev" in source else []
        if any(start <= match.start() < end for start, end in dev):
            continue
        found.add(match.group(1).decode())
    return found


@functools.lru_cache(maxsize=64)
def _names_pattern(tails: tuple[str, ...]) -> re.Pattern[bytes]:
    """Any of ``tails`` as a whole word, not followed by ``.function``."""
    return re.compile(
        rb"\b(" + b"|".join(re.escape(t.encode()) for t in tails) + rb")\b(?!\.[a-z_])"
    )


#: ``if Mix.env() == :dev do`` / ``if Mix.env() in [:dev, :test] do`` / ``if
#: Application.compile_env(:app, :dev_routes) do``: code only a development build compiles.
_DEV_IF = re.compile(
    rb"^([ \t]*)if\s+(?:Mix\.env\(?\)?\s*(?:==\s*:dev|in\s*\[\s*:dev\b[^\]]*\])"
    rb"|Application\.compile_env\([^)]*:dev_routes\b[^)]*\))\s+do\s*$",
    re.MULTILINE,
)


def _dev_blocks(source: bytes) -> list[tuple[int, int]]:
    """Byte ranges of development-only blocks: from the ``if`` line to the ``end`` at its
    indentation (routes there are not served by a release)."""
    out: list[tuple[int, int]] = []
    for match in _DEV_IF.finditer(source):
        indent = re.escape(match.group(1))
        end = re.compile(rb"^" + indent + rb"end\b", re.MULTILINE).search(source, match.end())
        if end is not None:
            out.append((match.start(), end.end()))
    return out


def _templates(root: Path) -> Iterator[tuple[str, Path]]:
    base = str(root)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        rel_dir = os.path.relpath(dirpath, base)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        for name in filenames:
            if name.endswith(TEMPLATES):
                yield prefix + name, Path(dirpath, name)


Reader = Callable[[str], "bytes | None"]


@dataclass(slots=True)
class ReachIndex:
    """Entry modules per file, and for the entry modules that hold findings, which files name
    them. Names are only searched for when an entry module has a finding worth showing, so
    a project without one pays nothing; one file's change re-reads that file only."""

    root: Path
    _entries: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    #: {tail: paths of the .ex/.exs files and templates that name it}, for tracked tails
    _named_by: dict[str, set[str]] = field(default_factory=dict)

    def update_file(self, path: str, found: tuple[Entry, ...], source: bytes | None) -> None:
        """Record ``path``'s entry modules, and whether it names the tracked modules
        (``source`` None: the file is gone)."""
        if found:
            self._entries[path] = found
        else:
            self._entries.pop(path, None)
        if not self._named_by:
            return
        hits = mentions(path, source, self._named_by) if source is not None else set()
        for tail, paths in self._named_by.items():
            if tail in hits:
                paths.add(path)
            else:
                paths.discard(path)

    def unreached(
        self, candidates: Iterable[tuple[str, int]], files: Iterable[str], read: Reader
    ) -> dict[str, list[Entry]]:
        """``{path: [entry]}`` for the entry modules holding one of ``candidates`` (path,
        line) that no other file names. ``files`` and ``read`` give the project's sources
        when a module's names must be searched for the first time."""
        wanted: dict[str, list[Entry]] = {}
        for path, line in candidates:
            for entry in self._entries.get(path, ()):
                if entry.first <= line <= entry.last and entry not in wanted.get(path, []):
                    wanted.setdefault(path, []).append(entry)
        new = {e.tail for found in wanted.values() for e in found} - set(self._named_by)
        if new:
            self._search(new, files, read)
        out: dict[str, list[Entry]] = {}
        for path, found in wanted.items():
            for entry in found:
                if not self._named_by.get(entry.tail, set()) - {path}:
                    out.setdefault(path, []).append(entry)
        return out

    def _search(self, tails: set[str], files: Iterable[str], read: Reader) -> None:
        for tail in tails:
            self._named_by[tail] = set()
        for path in files:
            source = read(path)
            if source is not None:
                for tail in mentions(path, source, tails):
                    self._named_by[tail].add(path)
        for path, file in _templates(self.root):
            try:
                source = file.read_bytes()
            except OSError:
                continue
            for tail in mentions(path, source, tails):
                self._named_by[tail].add(path)


def grade(findings: Iterable[Finding], missing: Iterable[Entry]) -> list[Finding]:
    """``findings`` with those inside an unreached entry module graded low, saying why."""
    spans = list(missing)
    out: list[Finding] = []
    for finding in findings:
        entry = next((e for e in spans if e.first <= finding.line <= e.last), None)
        if entry is None or finding.confidence == Confidence.LOW:
            out.append(finding)
            continue
        out.append(
            replace(
                finding,
                confidence=Confidence.LOW,
                message=(
                    f"{finding.message} (the {entry.kind} {entry.module} is not routed, "
                    "rendered or named anywhere else in the application's production code)"
                ),
            )
        )
    return out
