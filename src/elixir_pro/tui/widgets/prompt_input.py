"""The prompt: a multi-line TextArea where enter sends, ctrl+j / alt+enter / shift+enter insert a
new line, up / down on the first / last line walk the history, and ``@path`` mentions complete
on tab against the project's files.

Used by the main screen, which receives :class:`PromptInput.Submitted` and
:class:`PromptInput.CompletionHint`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from textual import events
from textual.message import Message
from textual.widgets import TextArea

_MENTION = re.compile(r"(?<![\w@])@([\w./-]+)")
_TOKEN_BEFORE_CURSOR = re.compile(r"@([\w./-]*)$")
NEWLINE_KEYS = frozenset({"ctrl+j", "alt+enter", "shift+enter"})
_SKIP_DIRS = frozenset({".git", "_build", "deps", "node_modules", ".elixir_ls", "cover"})
MAX_CANDIDATES = 20_000


def project_files(root: Path) -> list[str]:
    """Relative posix paths of the project's files for ``@`` completion (build dirs skipped)."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        rel_dir = Path(dirpath).relative_to(root)
        for name in sorted(filenames):
            found.append((rel_dir / name).as_posix())
            if len(found) >= MAX_CANDIDATES:
                return found
    return found


def mentions(text: str) -> list[str]:
    """The ``@path`` mentions in a prompt, in order, without duplicates."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        seen.setdefault(match.group(1).rstrip("."), None)
    return list(seen)


def _common_prefix(values: list[str]) -> str:
    first, last = min(values), max(values)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def complete(prefix: str, candidates: list[str]) -> tuple[str, list[str]]:
    """Complete ``prefix`` against candidate paths: (the longest common completion, matches).

    Matching is by path prefix first, then by file-name prefix anywhere in the tree.
    """
    matches = [c for c in candidates if c.startswith(prefix)]
    if not matches:
        matches = [c for c in candidates if c.rsplit("/", 1)[-1].startswith(prefix)]
        if len(matches) == 1:
            return matches[0], matches
        if not matches:
            return prefix, []
        return prefix, matches
    common = _common_prefix(matches)
    return (common if len(common) >= len(prefix) else prefix), matches


class PromptInput(TextArea):
    """The multi-line prompt with history and ``@path`` completion."""

    class Submitted(Message):
        def __init__(self, prompt_input: PromptInput, text: str) -> None:
            super().__init__()
            self.prompt_input = prompt_input
            self.text = text

    class CompletionHint(Message):
        """Matches for the ``@`` mention under the cursor (empty to clear the hint)."""

        def __init__(self, matches: list[str]) -> None:
            super().__init__()
            self.matches = matches

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            placeholder="Ask… (enter sends · ctrl+j new line · @path adds a file · esc for keys)",
        )
        self.prompt_history: list[str] = []
        self._history_index: int | None = None
        self._draft = ""
        self.candidates: list[str] = []

    # -- history ---------------------------------------------------------------------------
    def remember(self, text: str) -> None:
        if text and (not self.prompt_history or self.prompt_history[-1] != text):
            self.prompt_history.append(text)
        self._history_index = None

    def _show_history(self, index: int | None) -> None:
        self._history_index = index
        self.text = self._draft if index is None else self.prompt_history[index]
        self.move_cursor(self.document.end)

    def action_cursor_up(self, select: bool = False) -> None:
        if select or self.cursor_location[0] > 0 or not self.prompt_history:
            super().action_cursor_up(select)
            return
        if self._history_index is None:
            self._draft = self.text
            self._show_history(len(self.prompt_history) - 1)
        elif self._history_index > 0:
            self._show_history(self._history_index - 1)

    def action_cursor_down(self, select: bool = False) -> None:
        last_row = self.document.line_count - 1
        if select or self.cursor_location[0] < last_row or self._history_index is None:
            super().action_cursor_down(select)
            return
        if self._history_index < len(self.prompt_history) - 1:
            self._show_history(self._history_index + 1)
        else:
            self._show_history(None)

    # -- keys ------------------------------------------------------------------------------
    def _token_before_cursor(self) -> str | None:
        row, column = self.cursor_location
        line = self.document.get_line(row)[:column]
        match = _TOKEN_BEFORE_CURSOR.search(line)
        return match.group(1) if match else None

    def _complete_mention(self) -> bool:
        token = self._token_before_cursor()
        if token is None:
            return False
        completion, matches = complete(token, self.candidates)
        if completion != token:
            row, column = self.cursor_location
            self.replace(completion, (row, column - len(token)), (row, column))
        if len(matches) == 1 and not matches[0].endswith("/"):
            self.insert(" ")
            matches = []
        self.post_message(self.CompletionHint(matches[:8]))
        return True

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.text.strip()
            if text:
                self.remember(text)
                self.post_message(self.Submitted(self, text))
                self.text = ""
                self._draft = ""
                self.post_message(self.CompletionHint([]))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        if event.key == "tab" and self._complete_mention():
            event.stop()
            event.prevent_default()
            return
        if event.key == "escape":
            self.post_message(self.CompletionHint([]))
        if event.key.startswith("alt+"):
            event.prevent_default()  # a chord, not text, even when it carries a character
            return
        await super()._on_key(event)
