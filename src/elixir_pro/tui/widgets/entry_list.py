"""A scrolling list of multi-line entries with a cursor, drawn line by line from caches that
outlive updates: replacing the entries re-measures and re-draws only the entries it has not
drawn before, so a list of hundreds of findings repaints in the time of the few on screen.

Used by the findings panel (``FindingsPanel``); posts :class:`EntryList.Selected`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Sequence
from typing import ClassVar, cast

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Padding, Visual

Entry = tuple[Hashable, Content]
"""An entry's identity (its cache key) and its label."""

_PADDING = Spacing(0, 1, 0, 1)


class EntryList(ScrollView, can_focus=True):
    """Entries of any height; up/down/home/end/page keys move the cursor, enter or a click
    selects."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entry-list--entry",
        "entry-list--cursor",
        "entry-list--empty",
    }

    DEFAULT_CSS = """
    EntryList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus {
            background-tint: $foreground 5%;
            & > .entry-list--cursor {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        & > .entry-list--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .entry-list--empty {
            color: $text-muted;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None)
    """The index of the entry under the cursor."""

    class Selected(Message):
        """Enter or a click on an entry."""

        def __init__(self, entry_list: EntryList, index: int) -> None:
            super().__init__()
            self.entry_list = entry_list
            self.index = index

        @property
        def control(self) -> EntryList:
            return self.entry_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._entries: list[Entry] = []
        self._empty = Content("")
        self._starts: list[int] = []  # each entry's first line
        self._laid_width = -1  # the width ``_starts`` was measured at
        self._heights: dict[tuple[Hashable, int], int] = {}
        self._strips: LRUCache[tuple[Hashable, int, bool], list[Strip]] = LRUCache(1024)

    @property
    def entry_count(self) -> int:
        return len(self._entries)

    def set_entries(self, entries: Sequence[Entry], empty: Content | str = "") -> None:
        """Replace the entries. The scroll position is kept; the cursor keeps its index
        (callers that track an entry set ``highlighted`` afterwards)."""
        self._entries = list(entries)
        self._empty = Content(empty) if isinstance(empty, str) else empty
        keys = {key for key, _ in self._entries}
        self._heights = {k: h for k, h in self._heights.items() if k[0] in keys}
        self._laid_width = -1
        self._lay_out()
        # Kept in range without scrolling to it: an update never moves the view. A focused
        # list always shows its cursor.
        cursor = self.highlighted
        if cursor is None and self.has_focus:
            cursor = 0
        self.set_reactive(EntryList.highlighted, self.validate_highlighted(cursor))
        self.refresh()

    def entry_region(self, index: int) -> Region:
        """The lines of entry ``index`` in the list's virtual space."""
        self._lay_out()
        start = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else self.virtual_size.height
        return Region(0, start, self.scrollable_content_region.width, end - start)

    # -- layout and drawing ----------------------------------------------------------------
    def _entry_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _lay_out(self) -> None:
        """Measure the entries at the current width (only the ones not measured before)."""
        width = self._entry_width()
        if width == self._laid_width or not self.is_mounted:
            return
        inner = max(1, width - _PADDING.width)
        rules = cast(RulesMap, self.styles)
        starts: list[int] = []
        line = 0
        for key, label in self._entries:
            starts.append(line)
            height = self._heights.get((key, width))
            if height is None:
                height = self._heights[key, width] = label.get_height(rules, inner)
            line += max(1, height)
        self._starts = starts
        self._laid_width = width
        self.virtual_size = Size(width, max(1, line))

    def _render_entry(self, index: int, width: int) -> list[Strip]:
        key, label = self._entries[index]
        cursor = index == self.highlighted
        cache_key = (key, width, cursor)
        strips = self._strips.get(cache_key)
        if strips is None:
            component = "entry-list--cursor" if cursor else "entry-list--entry"
            style = self.get_visual_style(component)
            visual: Visual = Padding(label, _PADDING)
            rendered = Visual.to_strips(self, visual, width, None, style)
            strips = [strip.extend_cell_length(width, style.rich_style) for strip in rendered]
            self._strips[cache_key] = strips
        return strips

    def render_lines(self, crop: Region) -> list[Strip]:
        self._lay_out()  # the width changes when the scrollbar comes or goes
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self._entry_width()
        line = self.scroll_offset.y + y
        if not self._entries:
            if line == 0 and self._empty:
                style = self.get_visual_style("entry-list--empty")
                visual: Visual = Padding(self._empty, _PADDING)
                (strip, *_) = Visual.to_strips(self, visual, width, 1, style)
                return strip.extend_cell_length(width, style.rich_style)
            return Strip.blank(width, self.rich_style)
        index = bisect_right(self._starts, line) - 1
        if index < 0 or index >= len(self._entries):
            return Strip.blank(width, self.rich_style)
        strips = self._render_entry(index, width)
        offset = line - self._starts[index]
        return strips[offset] if offset < len(strips) else Strip.blank(width, self.rich_style)

    def notify_style_update(self) -> None:
        self._strips.clear()  # colours are resolved into the strips (theme, focus)
        super().notify_style_update()

    def on_focus(self, event: events.Focus) -> None:
        self._strips.clear()
        if self.highlighted is None and self._entries:
            self.highlighted = 0

    def on_blur(self, event: events.Blur) -> None:
        self._strips.clear()

    # -- the cursor ------------------------------------------------------------------------
    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not self._entries:
            return None
        return min(max(highlighted, 0), len(self._entries) - 1)

    def watch_highlighted(self, new: int | None) -> None:
        self.refresh()
        if new is not None and self.is_mounted:
            self.scroll_to_region(self.entry_region(new), animate=False, force=True, immediate=True)

    def _move(self, delta: int) -> None:
        if not self._entries:
            return
        current = self.highlighted
        self.highlighted = 0 if current is None else current + delta

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_first(self) -> None:
        self._move(-len(self._entries))

    def action_last(self) -> None:
        self._move(len(self._entries))

    def _page(self, direction: int) -> None:
        if not self._entries:
            return
        current = self.highlighted or 0
        self._lay_out()
        target = self._starts[current] + direction * max(1, self.scrollable_content_region.height)
        self.highlighted = bisect_right(self._starts, max(0, target)) - 1

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._entries:
            return
        self._lay_out()
        line = self.scroll_offset.y + offset.y
        index = bisect_right(self._starts, line) - 1
        if 0 <= index < len(self._entries) and line < self.virtual_size.height:
            self.highlighted = index
            self.action_select()
