"""Starts the Textual app; the only place the CLI reaches into the TUI."""

from __future__ import annotations

import argparse
from pathlib import Path


def launch(root: Path, args: argparse.Namespace) -> int:
    from elixir_pro.tui.app import ElixirProApp

    app = ElixirProApp(
        root.resolve(),
        resume=args.resume,
        model=args.model,
        offline=args.offline,
        agent_name=args.agent,
    )
    app.run()
    return app.return_code or 0
