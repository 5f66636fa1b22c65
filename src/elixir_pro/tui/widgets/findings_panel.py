"""The findings side panel: the project's findings from the engine (and the watcher's updates),
newest marked, enter opens a code view at the finding's line.

Used by the main screen; posts :class:`FindingsPanel.Chosen`.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from elixir_pro.engine.findings import Finding
from elixir_pro.tui.short_paths import shorten_location
from elixir_pro.tui.widgets.busy import TICK_S, BusySince
from elixir_pro.tui.widgets.entry_list import Entry, EntryList

WIDE = 1000  # the path width before the panel has a size (nothing is shortened)

_SEVERITY_STYLE = {
    "critical": "bold $error",
    "high": "bold $warning",
    "medium": "$accent",
    "low": "$text-muted",
}


def finding_key(finding: Finding) -> tuple[str, ...]:
    """A finding's identity, its path first: it survives lines moving above it."""
    return (finding.path, *finding.identity)


def _label(finding: Finding, new: bool, width: int) -> Content:
    """A finding's list entry (built once per finding, new-mark and width, then reused); its
    place is shortened in the middle to one line of ``width`` cells."""
    return Content.assemble(
        ("● new " if new else "", "bold $accent"),
        (finding.severity.value.upper(), _SEVERITY_STYLE.get(finding.severity.value, "")),
        " ",
        (finding.rule, "bold"),
        (f" · {finding.confidence.value}", "$text-muted"),
        "\n",
        (shorten_location(finding.location, width), "underline"),
        "\n",
        (finding.message, "$text-muted"),
    )


class FindingsPanel(Vertical):
    """A titled list of findings."""

    class Chosen(Message):
        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self) -> None:
        super().__init__(id="findings-panel", classes="side-panel")
        self.findings: list[Finding] = []
        self.new_keys: set[tuple[str, ...]] = set()
        self.state = "loading"
        self._labels: dict[tuple[Finding, bool, int], Content] = {}
        self._path_width = WIDE
        self._shown: list[Finding] = []  # the findings on the list, in its order
        self._drawn_state = ""  # the state the title shows
        self.busy = BusySince()  # the first analysis, shown in the title after half a second
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="findings-title", classes="panel-title")
        yield EntryList(id="findings-list")

    def _title(self) -> str:
        if self.state == "loading":
            return f"Findings · {self.busy.text('analysing the project') or 'loading'}"
        if self.state != "ready":
            return f"Findings · {self.state}"
        new = f", {len(self.new_keys)} new" if self.new_keys else ""
        return f"Findings · {len(self.findings)}{new}"

    def on_mount(self) -> None:
        self.call_after_refresh(self._refresh)  # once the list itself is mounted
        if self.state == "loading":
            self._ticker = self.set_interval(TICK_S, self._tick)

    def _tick(self) -> None:
        if self.state == "loading":
            self.query_one("#findings-title", Static).update(self._title())
        elif self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def on_resize(self) -> None:
        width = max(8, self.size.width - 4)  # the list's padding and scroll bar
        if width != self._path_width:
            self._path_width = width
            self._refresh()

    def set_unavailable(self, reason: str) -> None:
        self.state = reason
        if self.is_mounted:
            self.query_one("#findings-title", Static).update(self._title())
            self._drawn_state = reason

    def set_findings(self, findings: Iterable[Finding], new: Iterable[Finding] = ()) -> None:
        self.findings = sorted(findings, key=lambda f: (-f.severity.rank, *f.sort_key()))
        self.new_keys = {finding_key(f) for f in new}
        self.state = "ready"
        self._refresh()

    def apply_update(
        self, paths: Iterable[str], findings: Iterable[Finding], new: Iterable[Finding]
    ) -> None:
        """Replace the findings of ``paths`` with ``findings``; mark ``new`` ones."""
        changed = set(paths)
        kept = [f for f in self.findings if f.path not in changed]
        still = {finding_key(f) for f in kept}
        self.new_keys = {k for k in self.new_keys if k in still or k[0] in changed}
        self.new_keys |= {finding_key(f) for f in new}
        self.findings = sorted([*kept, *findings], key=lambda f: (-f.severity.rank, *f.sort_key()))
        current = {finding_key(f) for f in self.findings}
        self.new_keys &= current
        self.state = "ready"
        self._refresh()

    def _refresh(self) -> None:
        """Show the findings (the data is kept while the panel is not mounted).

        The list keeps its cursor on the same finding and its scroll position, and draws only
        the entries it has not drawn before, so an update costs the new findings, not all.
        """
        if not self.is_mounted:
            return
        # A ready title is one short line (the side bar is at least 30 cells wide), so
        # replacing one with another needs no layout; a longer reason may wrap.
        one_line = self._drawn_state == "ready" == self.state
        self.query_one("#findings-title", Static).update(self._title(), layout=not one_line)
        self._drawn_state = self.state
        entries = self.query_one("#findings-list", EntryList)
        at = entries.highlighted
        cursor = self._shown[at] if at is not None and at < len(self._shown) else None
        items: list[Entry] = []
        labels: dict[tuple[Finding, bool, int], Content] = {}
        for f in self.findings:
            key = (f, finding_key(f) in self.new_keys, self._path_width)
            label = self._labels.get(key) or _label(*key)
            labels[key] = label
            items.append((key, label))
        self._labels = labels  # only the labels on the list are kept
        empty = "No findings." if self.state == "ready" else "…"
        entries.set_entries(items, empty=empty)
        self._shown = list(self.findings)
        if cursor is not None:
            index = _index_of(self._shown, finding_key(cursor))
            if index is not None:
                entries.highlighted = index

    def on_entry_list_selected(self, event: EntryList.Selected) -> None:
        event.stop()
        if event.index < len(self._shown):
            self.post_message(self.Chosen(self._shown[event.index]))


def _index_of(findings: list[Finding], key: tuple[str, ...]) -> int | None:
    return next((n for n, f in enumerate(findings) if finding_key(f) == key), None)
