"""File watching: the agent's ``proactive_triggers`` globs, ignore rules, debounce and
coalescing, content fingerprints, the polling fallback, and the review-on-save policy.

Callers: the TUI (findings panel, review key), ``elixir-pro watch``, bench/watch_bench.py.
Start with :class:`WatchService`; see docs/watch.md for the semantics.
"""

from __future__ import annotations

from elixir_pro.watch.factory import create_review_policy, create_watch_service
from elixir_pro.watch.globs import DEFAULT_TRIGGERS, GlobSet, glob_to_regex
from elixir_pro.watch.model import (
    Baseline,
    Compiled,
    FileBatch,
    WatchEvent,
    WatchState,
    WatchStateChanged,
)
from elixir_pro.watch.review import ReviewMode, ReviewPolicy, ReviewRequest, diff_for_paths
from elixir_pro.watch.service import WatchService

__all__ = [
    "DEFAULT_TRIGGERS",
    "Baseline",
    "Compiled",
    "FileBatch",
    "GlobSet",
    "ReviewMode",
    "ReviewPolicy",
    "ReviewRequest",
    "WatchEvent",
    "WatchService",
    "WatchState",
    "WatchStateChanged",
    "create_review_policy",
    "create_watch_service",
    "diff_for_paths",
    "glob_to_regex",
]
