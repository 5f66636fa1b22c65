"""The one table of user actions and their keys.

The main screen's bindings, the footer, the help screen and the command palette are all built
from :data:`ACTIONS`, so a key cannot be bound without being documented and listed.

Keys come in two kinds: keys that work everywhere (function keys and the ctrl chords the
prompt's TextArea leaves free) and plain letters and digits that work when the focus is not in
the prompt (press ``escape`` in the prompt to get there, ``i`` to go back; the status bar then
shows KEYS). Alt+digit is not used: terminals and Textual's parser disagree on it (``ESC 2``
can arrive as a ``™`` character).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Action:
    action: str  # a MainScreen action name (without "action_")
    keys: str  # Textual key list, comma separated; the first is the one shown
    label: str  # footer label (short)
    description: str  # help screen and palette text
    show: bool = True  # shown in the footer
    palette: bool = True  # listed in the command palette


ACTIONS: tuple[Action, ...] = (
    Action("show_pane('generative')", "1", "gen", "Show the generative pane", show=False),
    Action("show_pane('critical')", "2", "crit", "Show the critical pane", show=False),
    Action("show_pane('evaluative')", "3", "eval", "Show the evaluative pane", show=False),
    Action("show_pane('informative')", "4", "info", "Show the informative pane", show=False),
    Action("next_pane", "ctrl+n,n", "next pane", "Show the next pane", show=False),
    Action("cycle_tool_mode", "ctrl+t,t", "tools", "Cycle the tool mode (audit/solution/research)"),
    Action("panel_run", "ctrl+o,p", "panel", "Panel run: send the prompt to all four modes"),
    Action("open_review", "ctrl+g,g", "changes", "Review the staged changes (or the last apply)"),
    Action("undo_apply", "u", "undo", "Undo the last apply (restores its files)"),
    Action("discard_changes", "D", "discard", "Discard the staged changes"),
    Action("review_last_change", "ctrl+r,r", "my diff", "Review my last change (git diff)"),
    Action("toggle_panel('findings')", "f2,f", "findings", "Toggle the findings panel"),
    Action(
        "toggle_panel('supervision')",
        "f3,s",
        "supervision",
        "Toggle the supervision tree",
        show=False,
    ),
    Action(
        "toggle_panel('context')", "f4,c", "context", "Toggle the context files panel", show=False
    ),
    Action("open_gates", "f7,G", "gates", "Open the phase gates view", show=False),
    Action(
        "toggle_panel('tasks')", "f8,T", "tasks", "Toggle the TaskMaster tasks panel", show=False
    ),
    Action(
        "toggle_panel('openspec')",
        "f9,O",
        "specs",
        "Toggle the OpenSpec requirements panel",
        show=False,
    ),
    Action("retry", "f5,x", "retry", "Retry the last turn of this pane", show=False),
    Action("sessions", "f6,o", "sessions", "Open earlier sessions", show=False),
    Action(
        "compact",
        "C",
        "compact",
        "Compact this pane's conversation (summarise older turns)",
        show=False,
    ),
    Action("cancel_turn", "ctrl+underscore,k", "stop", "Stop the answer streaming", show=False),
    Action(
        "interrupt",
        "ctrl+c",
        "stop/quit",
        "Stop the running turn; when nothing runs, press twice to quit",
        show=False,
    ),
    Action("focus_prompt", "i", "prompt", "Focus the prompt", show=False),
    Action("help", "f1,question_mark", "help", "Show every key"),
)

PANE_KEYS = "1-4"

# Keys of the prompt itself (handled by the PromptInput widget), for the help screen.
PROMPT_KEYS: tuple[tuple[str, str], ...] = (
    ("enter", "Send the prompt to the current pane"),
    ("ctrl+j / alt+enter / shift+enter", "New line in the prompt"),
    ("up / down", "Prompt history (on the first / last line)"),
    ("@path then tab", "Mention a file: completes the path and adds it to the context"),
    ("escape", "Leave the prompt (then single-letter keys work)"),
)

APP_KEYS: tuple[tuple[str, str], ...] = (
    ("ctrl+p", "Command palette (every action, themes)"),
    ("tab / shift+tab", "Move the focus"),
    ("ctrl+q", "Quit"),
)


def _is_chord(key: str) -> bool:
    """Function keys and ctrl/alt chords: they never type text."""
    return "+" in key or (key.startswith("f") and key[1:].isdigit())


def bindings() -> list[Binding]:
    """Chords are priority bindings, so they work while the prompt has the focus (the
    TextArea binds f6 / f7 itself); plain letters and digits are not, so they type text in the
    prompt and act only outside it."""
    out: list[Binding] = []
    for a in ACTIONS:
        chords = [k for k in a.keys.split(",") if _is_chord(k)]
        plain = [k for k in a.keys.split(",") if not _is_chord(k)]
        if chords:
            out.append(Binding(",".join(chords), a.action, a.label, show=a.show, priority=True))
        if plain:
            out.append(Binding(",".join(plain), a.action, a.label, show=a.show and not chords))
    return out


def display_keys(keys: str) -> str:
    """``"ctrl+t,t"`` -> ``"ctrl+t / t"`` for the help screen."""
    names = {"question_mark": "?", "ctrl+underscore": "ctrl+_"}
    return " / ".join(names.get(part, part) for part in keys.split(","))
