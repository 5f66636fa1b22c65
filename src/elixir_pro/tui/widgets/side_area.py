"""The main screen's side area, which holds the panel on show (findings, supervision, context
files, tasks, OpenSpec). Its keys are the focused area's keys in the footer: ``escape`` goes
back to the prompt (printable keys typed here go there too: see
:mod:`elixir_pro.tui.screens.main_input`).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical


class SideArea(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "screen.focus_prompt", "back to prompt"),
    ]
