"""Starts the Textual app; the only place the CLI reaches into the TUI (``elixir-pro [PATH]``)."""

from __future__ import annotations

import argparse
from pathlib import Path


def launch(root: Path, args: argparse.Namespace) -> int:
    from elixir_pro.tui.app import ElixirProApp

    app = ElixirProApp(
        root.resolve(),
        resume=bool(getattr(args, "resume", False)),
        model=getattr(args, "model", None),
        offline=bool(getattr(args, "offline", False)),
        agent_name=getattr(args, "agent", None),
    )
    app.run()
    return app.return_code or 0
