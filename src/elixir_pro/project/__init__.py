"""The one project service every front end uses: findings from the engine under one policy
(path scopes, confidence, baseline, identity that survives line moves), the supervision map and
gate facts. The TUI, ``audit``, ``watch``, ``ask`` and the protocol servers call this package;
none of them calls engine internals directly.

Importing this package is cheap: the engine (tree-sitter) loads on first use.
"""

from __future__ import annotations

from elixir_pro.project.baseline import Baseline, load_baseline
from elixir_pro.project.service import FindingsView, ProjectService

__all__ = ["Baseline", "FindingsView", "ProjectService", "load_baseline"]
