"""Allows ``python -m elixir_pro``."""

from __future__ import annotations

from elixir_pro.cli import main

raise SystemExit(main())
