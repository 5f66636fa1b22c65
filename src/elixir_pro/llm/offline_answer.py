"""One offline answer before it is streamed: its body, the text of what Claude would add, the
envelope's fields and the edits it staged. Every ``llm/offline_*.py`` answer builder returns
one; :func:`render` turns it into the answer's text (the envelope's fields one paragraph each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elixir_pro.events import EditProposed
from elixir_pro.llm import offline_text as T


@dataclass(slots=True)
class Answer:
    body: str
    result: str
    confidence: str = "medium"
    uncertainty: str = T.UNCERTAINTY_STATIC
    verification: str = T.VERIFY_AUDIT
    gate: str = T.GATE_NO
    claude_adds: str = ""
    edits: list[EditProposed] = field(default_factory=list)


def render(answer: Answer) -> str:
    envelope = T.ENVELOPE.format(
        result=answer.result,
        confidence=answer.confidence,
        uncertainty=answer.uncertainty,
        verification=answer.verification,
        gate=answer.gate,
    )
    return answer.body + answer.claude_adds + envelope
