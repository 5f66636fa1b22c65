"""The model's context window, in tokens, when the model list did not give it: a table by
model line, else :data:`DEFAULT_WINDOW`.

The window normally comes from ``max_input_tokens`` of the model in ``client.models.list()``,
read by model resolution (:mod:`elixir_pro.llm.models`, cached with the day's listing, so it
costs no request of its own); the setting ``llm.context_window_tokens`` overrides both.
Used by the Anthropic backend (``context_window()``) for the context meter and compaction.
"""

from __future__ import annotations

DEFAULT_WINDOW = 200_000
WINDOWS_BY_PREFIX: dict[str, int] = {
    "claude-opus": 200_000,
    "claude-sonnet": 200_000,
    "claude-haiku": 200_000,
}
"""What the models of each line accept at the least when the list cannot say."""


def window_from_table(model_id: str) -> int:
    matches = [p for p in WINDOWS_BY_PREFIX if model_id.startswith(p)]
    return WINDOWS_BY_PREFIX[max(matches, key=len)] if matches else DEFAULT_WINDOW
