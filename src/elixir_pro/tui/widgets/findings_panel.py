"""The findings side panel: the project's findings from the engine (and the watcher's updates),
newest marked, enter opens a code view at the finding's line.

Used by the main screen; posts :class:`FindingsPanel.Chosen`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from elixir_pro.engine.findings import Finding

_SEVERITY_STYLE = {
    "critical": "bold $error",
    "high": "bold $warning",
    "medium": "$accent",
    "low": "$text-muted",
}


def finding_key(finding: Finding) -> tuple[str, str, int, str]:
    return (finding.path, finding.rule, finding.line, finding.message)


def _label(finding: Finding, new: bool) -> Content:
    """A finding's list entry (built once per finding and new-mark, then reused)."""
    return Content.assemble(
        ("● new " if new else "", "bold $accent"),
        (finding.severity.value.upper(), _SEVERITY_STYLE.get(finding.severity.value, "")),
        " ",
        (finding.rule, "bold"),
        "\n",
        (finding.location, "underline"),
        "\n",
        (finding.message, "$text-muted"),
    )


class FindingsPanel(Vertical):
    """A titled OptionList of findings."""

    class Chosen(Message):
        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self) -> None:
        super().__init__(id="findings-panel", classes="side-panel")
        self.findings: list[Finding] = []
        self.new_keys: set[tuple[str, str, int, str]] = set()
        self.state = "loading"
        self._labels: dict[tuple[Finding, bool], Content] = {}

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="findings-title", classes="panel-title")
        yield OptionList(id="findings-list")

    def _title(self) -> str:
        if self.state != "ready":
            return f"Findings · {self.state}"
        new = f", {len(self.new_keys)} new" if self.new_keys else ""
        return f"Findings · {len(self.findings)}{new}"

    def on_mount(self) -> None:
        self.call_after_refresh(self._refresh)  # once the list itself is mounted

    def set_unavailable(self, reason: str) -> None:
        self.state = reason
        if self.is_mounted:
            self.query_one("#findings-title", Static).update(self._title())

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
        """Show the findings (the data is kept while the panel is not mounted)."""
        if not self.is_mounted:
            return
        self.query_one("#findings-title", Static).update(self._title())
        options = self.query_one("#findings-list", OptionList)
        options.clear_options()
        items: list[Option] = []
        labels: dict[tuple[Finding, bool], Content] = {}
        for index, f in enumerate(self.findings):
            key = (f, finding_key(f) in self.new_keys)
            label = self._labels.get(key) or _label(*key)
            labels[key] = label
            items.append(Option(label, id=str(index)))
        self._labels = labels  # only the labels on screen are kept
        if not items:
            empty = "No findings." if self.state == "ready" else "…"
            items.append(Option(Text(empty, style="dim"), disabled=True))
        options.add_options(items)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(self.findings[int(event.option.id)]))
