"""The key bar: every screen's footer. It shows the keys the focused area offers (the screen's
``show=True`` bindings, like Textual's ``Footer``), but wraps onto a second line instead of
cutting the row off, so at 80 columns every key is still on screen. When even two lines are not
enough, the keys that do not fit are replaced by ``f1 all keys`` (the App's key that lists every
key of the focused area), so no key is ever silently hidden.

One widget rendering one text, not a container of one widget per key: cheaper to build at
launch and on every focus change. A click on a key presses it. On a modal it is at least as tall
as the key bar under it, which it covers. Used by every screen and modal (the App gives one to a
screen that does not compose its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import ModalScreen
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.geometry import Size
    from textual.screen import Screen

MORE_KEY = "f1"
MORE_LABEL = "all keys"


@dataclass(frozen=True, slots=True)
class KeyItem:
    key: str  # the key pressed when the item is clicked
    display: str  # "^t", "f2", "esc"
    label: str
    enabled: bool = True

    @property
    def width(self) -> int:
        return len(self.display) + 1 + len(self.label)


def wrap(items: list[KeyItem], width: int, max_lines: int, more: KeyItem) -> list[list[KeyItem]]:
    """Items laid out greedily, one space apart, on at most ``max_lines`` lines of ``width``
    cells; when they do not all fit, the last line ends with ``more`` instead of the rest."""
    lines: list[list[KeyItem]] = [[]]
    used = 0
    for index, item in enumerate(items):
        need = item.width + (1 if lines[-1] else 0)
        if used + need > width and lines[-1]:
            if len(lines) == max_lines:
                return _with_more(lines, items[index:], width, more)
            lines.append([])
            used = 0
            need = item.width
        lines[-1].append(item)
        used += need
    return lines


def _with_more(
    lines: list[list[KeyItem]], rest: list[KeyItem], width: int, more: KeyItem
) -> list[list[KeyItem]]:
    """The last line shortened until ``more`` fits after it."""
    last = lines[-1]

    def size(row: list[KeyItem]) -> int:
        return sum(i.width for i in row) + max(0, len(row) - 1)

    while last and size([*last, more]) > width:
        last.pop()
    if not any(i.key == more.key for row in lines for i in row):
        last.append(more)
    return lines


class KeyBar(Widget, can_focus=False):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 2;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key"}
    MAX_LINES = 2

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[tuple[int, int, int, str]] = []  # line, start, end, key

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self.refresh(layout=True)

    def items(self) -> list[KeyItem]:
        """The keys to show, in the order of the focus chain (focused widget first)."""
        app = self.app
        found: dict[str, KeyItem] = {}
        palette: KeyItem | None = None
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if key == app.COMMAND_PALETTE_BINDING:
                if app.ENABLE_COMMAND_PALETTE:
                    palette = KeyItem(key, app.get_key_display(binding), "palette", active.enabled)
                continue
            if not binding.show or binding.action in found:
                continue
            display = app.get_key_display(binding)
            found[binding.action] = KeyItem(key, display, binding.description, active.enabled)
        items = list(found.values())
        return [*items, palette] if palette is not None else items

    def _more(self) -> KeyItem:
        return KeyItem(MORE_KEY, MORE_KEY, MORE_LABEL)

    def layout_lines(self, width: int) -> list[list[KeyItem]]:
        return wrap(self.items(), max(1, width), self.MAX_LINES, self._more())

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self.layout_lines(width)), self._covered_height())

    def _covered_height(self) -> int:
        """On a modal, the height of the key bar of the screen under it: covered whole, so none
        of the keys that do not work in the modal show through."""
        screen = self.screen
        if not isinstance(screen, ModalScreen):
            return 0
        stack = self.app.screen_stack
        if screen not in stack:
            return 0
        for under in reversed(stack[: stack.index(screen)]):
            bars = under.query(KeyBar)
            if bars:
                below: KeyBar = bars.first()
                return below.outer_size.height
            if not isinstance(under, ModalScreen):
                break
        return 0

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        dim = Style(dim=True)
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for row, line in enumerate(self.layout_lines(self.content_region.width)):
            if row:
                text.append("\n")
            column = 0
            for index, item in enumerate(line):
                if index:
                    text.append(" ")
                    column += 1
                style = key_style if item.enabled else key_style + dim
                text.append(item.display, style)
                text.append(" " + item.label, None if item.enabled else dim)
                self._spans.append((row, column, column + item.width, item.key))
                column += item.width
        return text

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for row, start, end, key in self._spans:
            if row == offset.y and start <= offset.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
