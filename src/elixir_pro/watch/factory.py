"""Building a :class:`WatchService` the way the product runs it: the agent's
``proactive_triggers``, the project's ``watch`` settings and the engine's ``ProjectAnalyzer``.

Used by ``elixir-pro watch`` (:mod:`elixir_pro.watch.headless`) and by the TUI, which passes an
``on_event`` that posts a message to the app.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from elixir_pro.watch.analysis import Analyzer, engine_analyzer
from elixir_pro.watch.globs import DEFAULT_TRIGGERS
from elixir_pro.watch.model import WatchEvent
from elixir_pro.watch.review import ReviewMode, ReviewPolicy
from elixir_pro.watch.service import WatchService


def create_watch_service(
    root: Path,
    *,
    agent: str | None = None,
    debounce_ms: int | None = None,
    force_polling: bool = False,
    analyze: bool = True,
    compile: bool | None = None,
    on_event: Callable[[WatchEvent], None] | None = None,
) -> WatchService:
    """A service for ``root`` (not started). ``agent`` names the agent whose triggers to use
    (default ``elixir-pro``); ``debounce_ms`` overrides ``watch.debounce_ms``; ``compile``
    overrides ``watch.compile`` (compiler diagnostics through the warm companion). Bad agent or
    config files raise :class:`~elixir_pro.errors.UserError`."""
    from elixir_pro.agent import resolve_agent
    from elixir_pro.config import load_config

    config = load_config(root)
    triggers = resolve_agent(root, agent).proactive_triggers or DEFAULT_TRIGGERS
    analyzer: Analyzer | None = engine_analyzer(root, config, compile=compile) if analyze else None
    return WatchService(
        root,
        triggers=triggers,
        debounce_ms=config.watch.debounce_ms if debounce_ms is None else debounce_ms,
        analyzer=analyzer,
        on_event=on_event,
        force_polling=force_polling,
    )


def create_review_policy(root: Path) -> ReviewPolicy:
    """The review-on-save policy from the project's ``watch.review`` and
    ``watch.min_review_interval_s`` settings."""
    from elixir_pro.config import load_config

    settings = load_config(root).watch
    return ReviewPolicy(
        ReviewMode.parse(settings.review), min_interval_s=settings.min_review_interval_s
    )
