"""The bridge from the core to Textual: core events (frozen dataclasses from
:mod:`elixir_pro.events` and the watcher's events) become Textual Messages.

Turn workers post :class:`AgentEvent` to the main screen in order; the watcher calls
:meth:`WatchBridge.__call__` on its own thread and the bridge posts (``post_message`` is
thread-safe). Nothing else in the TUI converts core events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.message_pump import MessagePump

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.engine.findings import Finding
from elixir_pro.events import CoreEvent, FindingsUpdated, Notice

if TYPE_CHECKING:
    from elixir_pro.watch.model import WatchEvent


class AgentEvent(Message):
    """One core event of a turn in the pane of ``mode``."""

    def __init__(self, mode: CognitiveMode, turn_id: str, event: CoreEvent) -> None:
        super().__init__()
        self.mode = mode
        self.turn_id = turn_id
        self.event = event


class AgentText(Message):
    """Answer text of a turn, batched: the fragments that arrive before the screen gets to
    this message are appended to ``parts`` and shown in one go (a fast stream then costs one
    markdown write per batch, not per token). Order is kept: any other event of the turn
    closes the batch before it is posted."""

    def __init__(self, mode: CognitiveMode, turn_id: str, parts: list[str]) -> None:
        super().__init__()
        self.mode = mode
        self.turn_id = turn_id
        self.parts = parts


class TextBatcher:
    """Open text batches per turn, for :class:`AgentText`."""

    def __init__(self) -> None:
        self._open: dict[str, list[str]] = {}

    def add(self, mode: CognitiveMode, turn_id: str, text: str) -> AgentText | None:
        """Append ``text``; returns a new message to post when no batch was open."""
        parts = self._open.get(turn_id)
        if parts is not None:
            parts.append(text)
            return None
        parts = [text]
        self._open[turn_id] = parts
        return AgentText(mode, turn_id, parts)

    def close(self, turn_id: str) -> None:
        self._open.pop(turn_id, None)

    def take(self, message: AgentText) -> str:
        """The batch's text; the batch is closed so later fragments start a new one."""
        if self._open.get(message.turn_id) is message.parts:
            del self._open[message.turn_id]
        return "".join(message.parts)


class FindingsChanged(Message):
    """The watcher re-analysed files: ``update.new`` are findings not seen before."""

    def __init__(self, update: FindingsUpdated) -> None:
        super().__init__()
        self.update = update


class WatcherStateChanged(Message):
    def __init__(self, state: str, reason: str = "") -> None:
        super().__init__()
        self.state = state
        self.reason = reason


class WatcherNotice(Message):
    def __init__(self, notice: Notice) -> None:
        super().__init__()
        self.notice = notice


class FilesChanged(Message):
    """A debounced batch of changed project files (relative paths)."""

    def __init__(self, paths: tuple[str, ...]) -> None:
        super().__init__()
        self.paths = paths


class FindingsBaseline(Message):
    """The watcher's first full analysis of the project."""

    def __init__(self, findings: tuple[Finding, ...], files: int) -> None:
        super().__init__()
        self.findings = findings
        self.files = files


@dataclass(slots=True)
class WatchBridge:
    """The watcher's ``on_event`` callback: runs on the watcher's thread, posts Messages."""

    target: MessagePump

    def __call__(self, event: WatchEvent) -> None:
        message = watch_message(event)
        if message is not None:
            self.target.post_message(message)


def watch_message(event: WatchEvent) -> Message | None:
    """A watcher event as a Message (None for an event the TUI does not show). The watcher's
    own types are imported here, on its thread, so the app's start does not load them."""
    from elixir_pro.watch.model import Baseline, FileBatch, WatchStateChanged

    if isinstance(event, FindingsUpdated):
        return FindingsChanged(event)
    if isinstance(event, Notice):
        return WatcherNotice(event)
    if isinstance(event, FileBatch):
        return FilesChanged(event.all_paths)
    if isinstance(event, WatchStateChanged):
        return WatcherStateChanged(event.state.value, event.reason)
    if isinstance(event, Baseline):
        return FindingsBaseline(event.findings, event.files) if event.analyzed else None
    return None
