"""Token usage and its cost, per request, per turn and per session.

Prices come from the config's table (US dollars per million tokens, matched by model-id
prefix); a model without a price costs 0 and the total says the cost is unknown. Used by the
Anthropic backend (one :class:`~elixir_pro.events.UsageReported` per API request) and by the
conversation workspace (totals for the status bar).
"""

from __future__ import annotations

from dataclasses import dataclass

from elixir_pro.config import Price
from elixir_pro.events import UsageReported

PER_MILLION = 1_000_000


def cost_usd(
    price: Price | None,
    *,
    input_tokens: int,
    output_tokens: int,
    cache_creation_input_tokens: int = 0,
    cache_read_input_tokens: int = 0,
) -> float:
    """US dollars for one request. ``input_tokens`` excludes the cached tokens, as the API
    reports it."""
    if price is None:
        return 0.0
    total = (
        input_tokens * price.input
        + output_tokens * price.output
        + cache_creation_input_tokens * price.cache_write
        + cache_read_input_tokens * price.cache_read
    )
    return total / PER_MILLION


@dataclass(slots=True)
class UsageTotals:
    """A running sum of :class:`UsageReported` events."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float = 0.0
    requests: int = 0

    def add(self, usage: UsageReported) -> None:
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.cache_creation_input_tokens += usage.cache_creation_input_tokens
        self.cache_read_input_tokens += usage.cache_read_input_tokens
        self.cost_usd += usage.cost_usd
        self.requests += 1

    def merged(self, other: UsageTotals) -> UsageTotals:
        return UsageTotals(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
            self.cost_usd + other.cost_usd,
            self.requests + other.requests,
        )

    def summary(self) -> str:
        """One line for the status bar / the end of ``ask``."""
        tokens = self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens
        return (
            f"{tokens:,} tokens in ({self.cache_read_input_tokens:,} cached), "
            f"{self.output_tokens:,} out, ${self.cost_usd:.4f}"
        )
