"""The context side of a conversation session: every turn's requests measured against the
model's window, compaction before a turn that would fill it, one compact-and-retry after an
overflow, and compaction on request (:meth:`ContextMixin.compact`). The meter and the summary
request live in :mod:`elixir_pro.conversation.compaction`.

Mixed into :class:`~elixir_pro.conversation.session.Session`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from elixir_pro.conversation import compaction_text
from elixir_pro.conversation.compaction import CompactionFailed, ContextKeeper, turn_starts
from elixir_pro.errors import UserError
from elixir_pro.events import (
    ContextCompacted,
    CoreEvent,
    Notice,
    TurnError,
    TurnFinished,
    UsageReported,
)
from elixir_pro.llm.base import Backend, TurnRequest
from elixir_pro.llm.context import user_text

if TYPE_CHECKING:
    from elixir_pro.agent.modes import CognitiveMode
    from elixir_pro.config import Config
    from elixir_pro.conversation.turns import Turn
    from elixir_pro.llm.usage import UsageTotals


class ContextMixin:
    """Needs the session's backend, config, mode, history, usage, meter and ``busy``."""

    backend: Backend
    config: Config
    mode: CognitiveMode
    history: list[dict[str, Any]]
    usage: UsageTotals
    meter: ContextKeeper

    @property
    def busy(self) -> bool:
        raise NotImplementedError

    async def _attempts(self, turn: Turn, request: TurnRequest) -> AsyncIterator[CoreEvent]:
        """The backend's events for the turn, with the context meter after each request, a
        compaction first when the turn would fill ``llm.compact_at`` of the window, and one
        compact-and-retry when the turn overflows the window anyway."""
        offline = self.backend.is_offline
        window = 0 if offline else await self.meter.window(self.backend)
        if not offline and self.meter.should_compact(self.history, user_text(request), window):
            async for event in self._compact("auto", self.config.llm.compact_keep_turns, window):
                yield event
            request.history = list(self.history)
        retried = False
        while True:
            held: list[CoreEvent] = []  # an overflow's error and end, while it is recovered
            async for event in self.backend.stream_turn(request):
                overflow = isinstance(event, TurnError) and event.kind == "context_too_long"
                if held or (overflow and not retried and not offline and self.history):
                    held.append(event)
                    continue
                yield event
                if isinstance(event, UsageReported):
                    measured = self.meter.measure(event, window)
                    if window:
                        yield measured
            if not held:
                return
            retried = True
            yield Notice(compaction_text.OVERFLOW, "warning")
            compacted = False
            async for event in self._compact("overflow", 0, window):
                compacted = compacted or isinstance(event, ContextCompacted)
                yield event
            if not compacted:
                for event in held:
                    yield event
                return
            done: Any = next(
                (e.extra.get("messages") for e in held if isinstance(e, TurnFinished)), []
            )
            resume = list(done) if isinstance(done, list) else []
            while resume and resume[-1].get("role") == "assistant":
                resume.pop()  # the answer cut off by the overflow starts again
            turn.text = ""
            request.history = list(self.history)
            request.resume_messages = resume or None

    async def _compact(self, reason: str, keep: int, window: int) -> AsyncIterator[CoreEvent]:
        """Replace the older turns of the history with the model's summary of them."""
        if self.backend.is_offline or not callable(getattr(self.backend, "summarise", None)):
            yield Notice(compaction_text.OFFLINE)
            return
        try:
            done = await self.meter.compact(
                self.backend,  # type: ignore[arg-type]
                self.history,
                keep=keep,
                window=window,
                reason=reason,
            )
        except CompactionFailed as exc:
            yield Notice(str(exc), "warning")
            return
        if done is None:
            if reason == "manual":
                turns = len(turn_starts(self.history))
                yield Notice(
                    compaction_text.NOTHING_TO_COMPACT.format(
                        mode=self.mode.value, turns=turns, s="" if turns == 1 else "s"
                    )
                )
            return
        self.history = done.history
        yield done.usage
        yield done.event

    def compact(self) -> AsyncIterator[CoreEvent]:
        """Compact the pane's conversation now (all but the last ``llm.compact_keep_turns``
        turns become a summary): a ``ContextCompacted`` event, or a Notice saying why not."""
        if self.busy:
            raise UserError(f"a turn is running in the {self.mode.value} pane")
        return self._compact_now()

    async def _compact_now(self) -> AsyncIterator[CoreEvent]:
        window = 0 if self.backend.is_offline else await self.meter.window(self.backend)
        async for event in self._compact("manual", self.config.llm.compact_keep_turns, window):
            if isinstance(event, UsageReported):
                self.usage.add(event)
            yield event
