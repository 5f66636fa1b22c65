"""The command palette's provider: every main-screen action from the key table (with its key),
and one "Theme: NAME" command per registered theme. Added to ``ElixirProApp.COMMANDS``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from elixir_pro.tui import keys


class ElixirProCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.app.screen_stack[0] if self.app.screen_stack else self.screen
        main = next((s for s in self.app.screen_stack if s.id == "main"), screen)
        found: list[tuple[str, str, Callable[[], object]]] = []
        for action in keys.ACTIONS:
            if not action.palette:
                continue
            help_text = f"key: {keys.display_keys(action.keys)}"
            found.append((action.description, help_text, partial(main.run_action, action.action)))
        for name in sorted(self.app.available_themes):
            if name.startswith("textual-"):
                continue
            found.append(
                (f"Theme: {name}", f"Switch to the {name} theme", partial(self._theme, name))
            )
        return found

    def _theme(self, name: str) -> None:
        self.app.theme = name

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
