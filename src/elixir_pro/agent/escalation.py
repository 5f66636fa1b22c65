"""Deciding whether an answer escalates to the agent's ``escalate_to`` (a human): confidence
below the agent's threshold, Human Gate Required: yes, or one of the agent's escalation
triggers matching the request or the answer. Triggers about OpenSpec (they name it) apply
only to a project with OpenSpec files.

A trigger *matches* a text when enough of its significant terms occur in it (see
:func:`trigger_terms` and :func:`trigger_matches`; documented in docs/agent.md). Matching is
deliberately conservative: the request is matched as a whole; the answer one sentence at a
time, needing one term more than the request does, and answer sentences that negate ("no",
"not", "without") are skipped.

Used by the LLM backends and conversation sessions at the end of each turn, and by ``ask``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from elixir_pro.agent.envelope import Envelope, parse_envelope
from elixir_pro.agent.model import AgentDefinition

# Words that say nothing about *which* situation a trigger names: grammar, vague qualifiers,
# and words every Elixir request contains.
_STOPWORD_TEXT = """
    a an and are as at be by can for from in into is it its of on or the this that to with
    without when where which while via vs versus how what should would could do does need needs
    needed needing requiring require requires required complex unclear decision decisions
    issue issues design designs human gate gates elixir beam otp system systems best practice
    practices code process processes app application use using my our we i you"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ions",
    "ion",
    "ors",
    "or",
    "ies",
    "es",
    "ed",
    "s",
    "e",
)
_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_NEGATION = re.compile(r"\b(?:no|not|never|none|without|n't|nothing)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Escalation:
    """Why a turn escalates; empty ``reasons`` means it does not."""

    reasons: tuple[str, ...] = ()
    matched_triggers: tuple[str, ...] = ()
    escalate_to: str = "human"

    @property
    def escalated(self) -> bool:
        return bool(self.reasons)

    def __bool__(self) -> bool:
        return self.escalated


def stem(word: str) -> str:
    """A crude stem: up to two common suffixes off, keeping at least four letters
    ("management" and "manage" both give "manag")."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def _stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def trigger_terms(trigger: str) -> frozenset[str]:
    """The trigger's significant terms (stemmed), in no order."""
    return frozenset(_stems(trigger))


def needed_terms(count: int) -> int:
    """How many of a trigger's ``count`` terms a text must contain: all of them for one or
    two terms, else at least three and at least 40%."""
    return count if count <= 2 else max(3, math.ceil(0.4 * count))


def trigger_matches(trigger: str, text: str, *, strict: bool = False) -> bool:
    """Whether ``text`` contains enough of the trigger's terms; ``strict`` (used for answer
    sentences) asks for one term more, capped at all of them."""
    terms = trigger_terms(trigger)
    if not terms:
        return False
    needed = needed_terms(len(terms))
    if strict:
        needed = min(len(terms), needed + 1)
    return len(terms & _stems(text)) >= needed


def _answer_sentences(answer: str) -> list[str]:
    return [s for s in _SENTENCE.split(answer) if s.strip() and not _NEGATION.search(s)]


def needs_openspec(trigger: str) -> bool:
    """Whether a trigger is about OpenSpec contracts (it names OpenSpec): it can only apply to
    a project that has OpenSpec files."""
    return "openspec" in _WORD.findall(trigger.lower())


def matching_triggers(
    agent: AgentDefinition, request_text: str, answer_text: str, *, openspec: bool = True
) -> list[str]:
    """The agent's triggers the request or the answer matches; with ``openspec`` False (the
    project has no OpenSpec files) the triggers about OpenSpec are left out."""
    sentences = _answer_sentences(answer_text)
    found: list[str] = []
    for trigger in agent.escalation.triggers:
        if not openspec and needs_openspec(trigger):
            continue
        if trigger_matches(trigger, request_text) or any(
            trigger_matches(trigger, s, strict=True) for s in sentences
        ):
            found.append(trigger)
    return found


def assess_escalation(
    agent: AgentDefinition,
    request_text: str,
    answer_text: str,
    envelope: Envelope | None = None,
    *,
    openspec: bool = True,
) -> Escalation:
    """The reasons this turn escalates (each one line), in a stable order: confidence, human
    gate, then triggers in the agent file's order. ``envelope`` defaults to the one parsed
    from the answer; ``openspec`` says whether the project has OpenSpec files (the triggers
    about OpenSpec apply only then)."""
    env = envelope if envelope is not None else parse_envelope(answer_text)
    policy = agent.escalation
    reasons: list[str] = []
    if env.confidence_value is not None and env.confidence_value < policy.confidence_threshold:
        label = f"{env.confidence_label} ({env.confidence_value:.2f})"
        reasons.append(f"confidence {label} is below the threshold {policy.confidence_threshold:g}")
    if env.human_gate:
        why = f": {env.human_gate_reason}" if env.human_gate_reason else ""
        reasons.append(f"Human Gate Required: yes{why}")
    triggers = matching_triggers(agent, request_text, answer_text, openspec=openspec)
    reasons.extend(f"trigger: {trigger}" for trigger in triggers)
    return Escalation(
        reasons=tuple(" ".join(r.split()) for r in reasons),
        matched_triggers=tuple(triggers),
        escalate_to=policy.escalate_to,
    )
