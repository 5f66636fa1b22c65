"""The Textual application: wiring only. It loads the themes, builds the context the screens read
(agent defaults, the conversation, the session recorder) and pushes the main screen.

Started by :func:`elixir_pro.tui.launch.launch` (``elixir-pro [PATH]``); tests and the benchmark
construct it directly, optionally with a ready :class:`~elixir_pro.tui.services.TuiContext`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen, SystemModalScreen

from elixir_pro.tui import themes
from elixir_pro.tui.escape_keys import read_escape_digit_as_alt
from elixir_pro.tui.services import TuiContext

if TYPE_CHECKING:
    from textual.command import Provider


def commands_provider() -> type[Provider]:
    """The palette's provider, imported when the palette first opens."""
    from elixir_pro.tui.commands import ElixirProCommands

    return ElixirProCommands


class ElixirProApp(App[int]):
    TITLE = "elixir-pro"
    COMMANDS = App.COMMANDS | {commands_provider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "quit", priority=True, show=False),
        # "more keys" where a screen has more than its key bar can show (the main screen's
        # own f1 opens its help instead)
        Binding("f1", "all_keys", "all keys", show=False),
    ]
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        root: Path,
        *,
        resume: bool | str = False,
        model: str | None = None,
        offline: bool = False,
        agent_name: str | None = None,
        context: TuiContext | None = None,
        watch: bool = True,
        analyze: bool = True,
    ) -> None:
        super().__init__()
        read_escape_digit_as_alt()  # escape then 2 switches pane; it never types "™"
        self.root = root.resolve()
        self.resume = resume
        self.theme_set = themes.load_themes()
        for theme in self.theme_set.themes:
            self.register_theme(theme)
        chosen = themes.load_theme_choice()
        names = self.theme_set.names
        if chosen in names or (chosen is not None and chosen in self.available_themes):
            self.theme = chosen
        elif themes.DEFAULT_THEME in names:
            self.theme = themes.DEFAULT_THEME
        if context is None:
            from elixir_pro.tui.wiring import build_context

            context = build_context(
                self, self.root, model=model, offline=offline, agent_name=agent_name
            )
        context.watch = context.watch and watch
        context.analyze = context.analyze and analyze
        self.context = context
        self.context.notes.extend(self.theme_set.errors)

    def on_mount(self) -> None:
        from elixir_pro.tui.screens.main import MainScreen

        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.screen_change_signal.subscribe(self, self._give_key_bar)
        self.push_screen(MainScreen(self.context))
        if self.resume:
            self.call_after_refresh(self.resume_session, self.resume)

    def on_ready(self, _event: events.Ready) -> None:
        from elixir_pro.tui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.start_background()

    def _give_key_bar(self, screen: Screen[Any]) -> None:
        """Every screen and modal of the app shows its keys in a key bar (see
        :mod:`~elixir_pro.tui.widgets.key_bar`); one that does not compose its own gets one here,
        so a modal never shows the keys of the screen under it."""
        if isinstance(screen, SystemModalScreen):  # Textual's own (the command palette)
            return

        def add() -> None:
            from elixir_pro.tui.widgets.key_bar import KeyBar

            if screen.is_attached and not screen.query("KeyBar, Footer"):
                screen.mount(KeyBar())

        screen.call_later(add)

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if isinstance(name, str):
            themes.save_theme_choice(name)

    def action_all_keys(self) -> None:
        """Show (or hide) Textual's keys panel: every key of the focused area."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def resume_session(self, which: bool | str) -> None:
        from elixir_pro.tui.wiring import resume_into

        resume_into(self, which)

    # -- the gates view's requests (its messages bubble to the App) ------------------------
    def on_gates_screen_propose_changes(self, message: Any) -> None:
        from elixir_pro.tui.screens.review import ReviewScreen

        gates = self.screen

        def reviewed(_outcome: object) -> None:
            refresh = getattr(gates, "refresh_gates", None)
            if callable(refresh):
                refresh()

        self.push_screen(ReviewScreen(message.changeset), reviewed)

    def ask_to_fix(self, prompt: str) -> None:
        """The review screen's ``f``: what the check before apply found becomes the next prompt
        of the generative pane, with the solution tools, so the fix is staged and reviewed."""
        from elixir_pro.agent.modes import CognitiveMode, ToolMode
        from elixir_pro.tui.screens.main import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            self.notify("No conversation to send the fix request to.", severity="warning")
            return
        main.action_show_pane(CognitiveMode.GENERATIVE.value)
        main.send_prompt(CognitiveMode.GENERATIVE, prompt, tool_mode=ToolMode.SOLUTION, label="fix")

    def on_gates_screen_open_location(self, message: Any) -> None:
        from elixir_pro.tui.screens.code_view import CodeViewScreen

        self.push_screen(CodeViewScreen(self.root, message.path, line=message.line))

    def on_gates_screen_evaluated(self, message: Any) -> None:
        getter = getattr(self.context.conversation, "pipeline_context", None)
        if callable(getter):
            getter().set_gates(message.report)

    def open_sessions(self) -> None:
        from elixir_pro.tui.wiring import open_sessions

        open_sessions(self)
