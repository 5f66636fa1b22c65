"""Model resolution: ``model: sonnet`` (a model line) becomes the newest active model id of
that line from ``client.models.list()``, cached for the day in the state dir; an explicit id
(``claude-...``) is used as given. When the list cannot be fetched, or lists no active model
of the line, a built-in fallback id is used and a notice says why.

Precedence (decided by the caller, :mod:`elixir_pro.llm.factory`): ``--model`` > config
``llm.model`` / ``ELIXIR_PRO_MODEL`` > the agent file's ``model``. Used by the factory and tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import anthropic

from elixir_pro.llm import prompts
from elixir_pro.paths import state_dir

MODEL_LINES: tuple[str, ...] = ("haiku", "sonnet", "opus", "fable", "mythos")
FALLBACK_MODELS: dict[str, str] = {
    "haiku": "claude-haiku-5-5",
    "sonnet": "claude-sonnet-5-5",
    "opus": "claude-opus-5-5",
    "fable": "claude-fable-5-2",
    "mythos": "claude-mythos-5-2",
}
"""The newest id of each line the installed SDK knows (``anthropic.types.ModelParam``)."""
DEFAULT_LINE = "sonnet"
LIST_TIMEOUT_S = 10.0
CACHE_FILE = "models-cache.json"


@dataclass(frozen=True, slots=True)
class ModelChoice:
    model_id: str
    source: str  # "explicit" | "models.list" | "cache" | "fallback"
    notice: str = ""
    window: int | None = None  # max_input_tokens when the (cached) list gave it


def is_line(name: str) -> bool:
    return name.strip().lower() in MODEL_LINES


def fallback_for(line: str) -> str:
    return FALLBACK_MODELS.get(line, FALLBACK_MODELS[DEFAULT_LINE])


def newest_active(models: list[Any], line: str) -> str | None:
    """The id of the newest active model of ``line`` among ``ModelInfo``-like objects."""
    candidates = [
        m
        for m in models
        if getattr(m, "line", None) == line and getattr(m, "lifecycle", "active") == "active"
    ]
    if not candidates:
        return None
    epoch = datetime.fromtimestamp(0, UTC)

    def created(m: Any) -> datetime:
        value = getattr(m, "created_at", None)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return epoch

    return str(max(candidates, key=created).id)


def _cache_path(directory: Path | None) -> Path:
    return (directory or state_dir()) / CACHE_FILE


def _read_cache(path: Path, today: date, line: str) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("date") != today.isoformat():
        return None
    lines = data.get("lines")
    value = lines.get(line) if isinstance(lines, dict) else None
    return value if isinstance(value, str) and value else None


def cached_window(model_id: str, cache_dir: Path | None = None) -> int | None:
    """The context window the last listing gave for ``model_id`` (any day), if any."""
    try:
        data = json.loads(_cache_path(cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    windows = data.get("windows") if isinstance(data, dict) else None
    value = windows.get(model_id) if isinstance(windows, dict) else None
    return value if isinstance(value, int) and value > 0 else None


def _windows(models: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for model in models:
        value = getattr(model, "max_input_tokens", None)
        if isinstance(value, int) and value > 0:
            out[str(model.id)] = value
    return out


def _write_cache(
    path: Path, today: date, resolved: dict[str, str], windows: dict[str, int] | None = None
) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = {"date": today.isoformat(), "lines": resolved, "windows": windows or {}}
        tmp.write_text(json.dumps(payload), "utf-8")
        tmp.replace(path)
    except OSError:
        return


async def resolve_model(
    client: anthropic.AsyncAnthropic,
    requested: str | None,
    *,
    cache_dir: Path | None = None,
    today: date | None = None,
) -> ModelChoice:
    """Resolve ``requested`` (a line such as "sonnet", an id, or None for sonnet)."""
    name = (requested or DEFAULT_LINE).strip()
    if not is_line(name):
        return ModelChoice(name, "explicit", window=cached_window(name, cache_dir))
    line = name.lower()
    day = today or date.today()
    path = _cache_path(cache_dir)
    cached = _read_cache(path, day, line)
    if cached is not None:
        return ModelChoice(cached, "cache", window=cached_window(cached, cache_dir))
    fallback = fallback_for(line)
    try:
        listed = [
            m
            async for m in client.with_options(max_retries=0, timeout=LIST_TIMEOUT_S).models.list(
                limit=1000
            )
        ]
    except Exception as exc:  # any failure to list means the fallback, never a traceback
        if isinstance(exc, anthropic.APIStatusError):
            reason = exc.message
        elif isinstance(exc, anthropic.APIConnectionError):
            reason = "connection failed"
        else:
            reason = f"{type(exc).__name__}: {exc}"
        notice = prompts.MODEL_FALLBACK.format(reason=" ".join(reason.split()), model=fallback)
        return ModelChoice(fallback, "fallback", notice)
    resolved = {
        ln: model_id for ln in MODEL_LINES if (model_id := newest_active(listed, ln)) is not None
    }
    windows = _windows(listed)
    _write_cache(path, day, resolved, windows)
    if line not in resolved:
        notice = prompts.MODEL_NO_LINE.format(line=line, model=fallback)
        return ModelChoice(fallback, "fallback", notice, windows.get(fallback))
    return ModelChoice(resolved[line], "models.list", window=windows.get(resolved[line]))
