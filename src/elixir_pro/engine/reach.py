"""Web entry modules nothing in the project reaches: a LiveView, LiveComponent, controller or
channel whose name appears in no other file of the application (no route, no template, no
``live_render``, no other module). Code nobody can call is not a risk today, so findings in it
are graded low and say why; the pattern is still there for ``--min-confidence low``.

The facts are kept per file (:func:`entries`, :func:`names`) so an incremental re-analysis
updates them with the file. A name counts as a reference when it appears as a word on a line of
application code that is not a comment or an ``alias``, in another ``.ex``/``.exs`` file or in a
template (``.heex``, ``.eex``, ``.leex``, ``.sface``), and not as the module of a remote call:
``StatsLive.chart_data(...)`` uses a LiveView's functions without serving it. Matching the
module's last segment alone makes the check generous (``Index`` is referenced almost
everywhere): a module is only called unreached when no file outside it even names it. Test and
script files do not count: a LiveView only a test mounts is not served.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Confidence, Finding
from elixir_pro.engine.rules._sources import module_kind
from elixir_pro.engine.scope import SCRIPT, TEST, category
from elixir_pro.engine.sources import SKIP_DIRS

TEMPLATES = (".heex", ".eex", ".leex", ".sface")
_KINDS = {"controller": "controller", "live": "LiveView", "channel": "channel"}
#: A capitalised word that is not the module of a remote call (``StatsLive.chart(...)`` uses
#: the module as a library; it does not mount or route it).
_WORD = re.compile(rb"\b[A-Z][A-Za-z0-9_]*(?![A-Za-z0-9_])(?!\.[a-z_])")
#: Comment lines, and ``alias``/``import``/``require`` lines (naming a module is not using it).
_COMMENT_LINE = re.compile(rb"^[ \t]*(?:#|alias\b|import\b|require\b).*$", re.MULTILINE)
_TEMPLATE_COMMENT = re.compile(rb"<%!--.*?--%>|<%#.*?%>|<!--.*?-->", re.DOTALL)


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
    if category(ctx.path) in (TEST, SCRIPT):
        return ()
    out: list[Entry] = []
    for module in ctx.modules:
        kind = _KINDS.get(module_kind(module))
        if kind is None or ctx.uses(module, "Phoenix.LiveDashboard.PageBuilder") is not None:
            continue  # dashboard pages are listed in the router's live_dashboard options
        node = module.node
        out.append(Entry(module.name, kind, node.start_point[0] + 1, node.end_point[0] + 1))
    return tuple(out)


def names(path: str, source: bytes) -> frozenset[str]:
    """Capitalised words on the file's non-comment lines (a superset of the module names it
    refers to); nothing for test and script files."""
    if category(path) in (TEST, SCRIPT):
        return frozenset()
    if path.endswith(TEMPLATES):
        source = _TEMPLATE_COMMENT.sub(b"", source)
    else:
        source = _COMMENT_LINE.sub(b"", source)
    return frozenset(w.decode() for w in set(_WORD.findall(source)))


def template_names(root: Path) -> Counter[str]:
    """How many template files name each word, over the project's application templates."""
    counts: Counter[str] = Counter()
    base = str(root)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        rel_dir = os.path.relpath(dirpath, base)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        for name in filenames:
            if not name.endswith(TEMPLATES):
                continue
            try:
                data = Path(dirpath, name).read_bytes()
            except OSError:
                continue
            counts.update(names(prefix + name, data))
    return counts


@dataclass(slots=True)
class ReachIndex:
    """Per-file entry modules and names, with the project's word counts kept current as
    files change (one file's update costs its own words, not the project's)."""

    root: Path
    _entries: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    _names: dict[str, frozenset[str]] = field(default_factory=dict)
    _counts: Counter[str] = field(default_factory=Counter)
    _templates: Counter[str] | None = None

    def update_file(self, path: str, found: tuple[Entry, ...], words: frozenset[str]) -> None:
        old = self._names.pop(path, None)
        if old:
            self._counts.subtract(old)
        if words:
            self._names[path] = words
            self._counts.update(words)
        if found:
            self._entries[path] = found
        else:
            self._entries.pop(path, None)

    def forget_templates(self) -> None:
        """Read the templates again at the next question (after a full analysis)."""
        self._templates = None

    def unreached(self) -> dict[str, list[Entry]]:
        """``{path: [entry]}`` for the entry modules no other file names."""
        out: dict[str, list[Entry]] = {}
        for path, found in self._entries.items():
            own = self._names.get(path, frozenset())
            for entry in found:
                tail = entry.tail
                if self._counts[tail] - (1 if tail in own else 0) > 0:
                    continue
                if self._templates is None:
                    self._templates = template_names(self.root)
                if self._templates[tail] <= 0:
                    out.setdefault(path, []).append(entry)
        return out


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
                    "rendered or named anywhere else in the application's code)"
                ),
            )
        )
    return out
