"""The Textual application: wiring only (screens, bridge, workers)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App


class ElixirProApp(App[int]):
    def __init__(
        self,
        root: Path,
        *,
        resume: bool = False,
        model: str | None = None,
        offline: bool = False,
        agent_name: str | None = None,
    ) -> None:
        super().__init__()
        self.root = root
