"""ApplyResult: the review screen's after-apply view, a scrollable list of titled sections (what
was written, each file's diff, the verification steps and failures, an undo), plus a progress
line with a spinner and the elapsed time while slow work (``mix``) runs.

Its API is small and meant to be shared: anyone may add a section under a key
(:meth:`ApplyResult.add_section`: at the end or before another section; a section with the
same key is replaced in place), start and stop a progress line (:meth:`start_progress` /
:meth:`stop_progress`), and read the whole text back (:meth:`plain`, for tests and the
conversation). Used by :class:`~elixir_pro.tui.screens.review.ReviewScreen`.
"""

from __future__ import annotations

import time
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

Status = Literal["ok", "fail", "info", "warn"]
Body = str | Text | Content

MARKS: dict[Status, str] = {"ok": "✓", "fail": "✗", "info": "•", "warn": "!"}
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
PROGRESS_DELAY_S = 0.5  # work quicker than this shows no progress line at all


def diff_content(lines: tuple[str, ...] | list[str]) -> Content:
    """Unified diff lines coloured with theme variables (added, removed, hunk headers)."""
    parts: list[tuple[str, str] | str] = []
    for line in lines:
        if line.startswith("@@"):
            parts.append((line + "\n", "$accent"))
        elif line.startswith("+"):
            parts.append((line + "\n", "$success"))
        elif line.startswith("-"):
            parts.append((line + "\n", "$error"))
        else:
            parts.append(line + "\n")
    return Content.assemble(*parts).rstrip()


class Section(Vertical):
    """One titled block of the result."""

    def __init__(self, key: str, title: str, body: Body, status: Status) -> None:
        super().__init__(classes=f"result-section -{status}")
        self.key = key
        self.title_text = title
        self.body = body
        self.status: Status = status

    def compose(self) -> ComposeResult:
        mark = MARKS[self.status]
        yield Static(f"{mark} {self.title_text}", classes="result-title", markup=False)
        if self.body:
            yield Static(self.body, classes="result-body", markup=False)

    @property
    def plain(self) -> str:
        body = self.body
        text = body.plain if isinstance(body, Text | Content) else body
        return f"{self.title_text}\n{text}".rstrip()


class ProgressLine(Static):
    """``⠙ Verifying with mix… 1.4 s``: a spinner and the elapsed time, redrawn ten times a
    second; shown only once the work has taken :data:`PROGRESS_DELAY_S`."""

    def __init__(self, label: str) -> None:
        super().__init__("", classes="result-progress", markup=False)
        self.label = label
        self.started = time.monotonic()
        self._timer: Timer | None = None
        self.display = False

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self._tick)

    def _tick(self) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < PROGRESS_DELAY_S:
            return
        self.display = True
        frame = SPINNER[int(elapsed * 10) % len(SPINNER)]
        self.update(f"{frame} {self.label} {elapsed:.1f} s")


class ApplyResult(VerticalScroll, can_focus=True):
    """Scrollable sections; ``j``/``k``, arrows and page keys scroll it when focused."""

    DEFAULT_CSS = """
    ApplyResult { height: 1fr; padding: 0 1; background: $surface; }
    ApplyResult .result-section { height: auto; margin-bottom: 1; }
    ApplyResult .result-title { text-style: bold; }
    ApplyResult .-ok > .result-title { color: $success; }
    ApplyResult .-fail > .result-title { color: $error; }
    ApplyResult .-warn > .result-title { color: $warning; }
    ApplyResult .result-body { padding-left: 2; }
    ApplyResult .result-progress { color: $accent; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "down", show=False),
        Binding("k", "scroll_up", "up", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.progress: ProgressLine | None = None
        self._sections: dict[str, Section] = {}

    @property
    def sections(self) -> list[Section]:
        """The sections in the order they show."""
        return [child for child in self.children if isinstance(child, Section)]

    def section(self, key: str) -> Section | None:
        return self._sections.get(key)

    def add_section(
        self,
        key: str,
        title: str,
        body: Body = "",
        status: Status = "info",
        *,
        before: str | None = None,
    ) -> None:
        """Add a section (at the end, or before the section ``before`` when it exists), or
        replace the one with the same ``key`` where it is."""
        new = Section(key, title, body, status)
        old = self._sections.get(key)
        anchor = self._sections.get(before) if before is not None else None
        if old is not None:
            self._sections[key] = new
            self.mount(new, after=old)
            old.remove()
            return
        if anchor is not None:  # keep the dict in the order the sections show
            order = list(self._sections.items())
            at = next(i for i, (k, _) in enumerate(order) if k == before)
            order.insert(at, (key, new))
            self._sections = dict(order)
            self.mount(new, before=anchor)
            return
        self._sections[key] = new
        self.mount(new)

    def remove_section(self, key: str) -> None:
        old = self._sections.pop(key, None)
        if old is not None:
            old.remove()

    def clear(self) -> None:
        self.stop_progress()
        self._sections.clear()
        self.remove_children()

    def start_progress(self, label: str, *, after: str | None = None) -> None:
        """Show a progress line (after the section ``after`` when it exists, else at the end)."""
        self.stop_progress()
        self.progress = ProgressLine(label)
        anchor = self._sections.get(after) if after is not None else None
        if anchor is not None:
            self.mount(self.progress, after=anchor)
        else:
            self.mount(self.progress)

    def stop_progress(self) -> None:
        if self.progress is not None:
            self.progress.remove()
            self.progress = None

    def plain(self) -> str:
        """Every section's title and body as text, in order."""
        return "\n\n".join(section.plain for section in self._sections.values())
