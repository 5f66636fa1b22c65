"""Parsing the output envelope at the end of an answer (Result, Confidence, Uncertainty
Factors, Verification, OpenSpec Compliance, Pipeline Impact, Human Gate Required), tolerant
to the ways models format it: bold or not (``**Confidence:**``, ``**Confidence**:``),
headings (``## Confidence``), bullets, any case, extra spaces, a fenced block, a multi-line
Result.

Confidence becomes a number (see :data:`CONFIDENCE_WORDS` and docs/agent.md). Used by
escalation, the headless ``ask`` command and the TUI's envelope card.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

FIELD_NAMES: dict[str, str] = {
    "result": "result",
    "confidence": "confidence",
    "confidence level": "confidence",
    "uncertainty factors": "uncertainty",
    "uncertainty": "uncertainty",
    "uncertainties": "uncertainty",
    "verification": "verification",
    "openspec compliance": "openspec_compliance",
    "pipeline impact": "pipeline_impact",
    "human gate required": "human_gate",
    "human gate": "human_gate",
}

# Checked in this order (compound words first). The numbers are the documented mapping.
CONFIDENCE_WORDS: tuple[tuple[str, str, float], ...] = (
    (r"very[\s-]+high", "very high", 0.95),
    (r"(?:medium|moderate)[\s-]*(?:to[\s-]*)?high", "medium-high", 0.75),
    (r"(?:low)[\s-]*(?:to[\s-]*)?(?:medium|moderate)", "medium-low", 0.45),
    (r"(?:medium|moderate)[\s-]*(?:to[\s-]*)?low", "medium-low", 0.45),
    (r"very[\s-]+low", "very low", 0.15),
    (r"high", "high", 0.85),
    (r"(?:medium|moderate)", "medium", 0.6),
    (r"low", "low", 0.3),
)

_BULLET = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)]\s+)")
_HEADING = re.compile(r"^\s*#{1,6}\s*")
_NAME = r"(?P<name>[A-Za-z]+(?: [A-Za-z]+)*)"
_BOLD_LABEL = re.compile(
    rf"^(?P<open>\*\*|__)\s*{_NAME}\s*(?P<c1>:)?\s*(?P=open)\s*(?P<sep>:|—|–|-(?=\s)|-$)?\s*(?P<rest>.*)$"
)
_PLAIN_LABEL = re.compile(rf"^{_NAME}\s*(?P<sep>:|—|–|-(?=\s)|-$)?\s*(?P<rest>.*)$")
_FENCE_OR_RULE = re.compile(r"^\s*(```.*|~~~.*|-{3,}|\*{3,}|_{3,})\s*$")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(10|100)\b")
_DECIMAL = re.compile(r"(?<![\w.])(\d*\.\d+)(?![\w.])")
_WHOLE_NUMBER = re.compile(r"^~?\s*(\d+(?:\.\d+)?)\s*$")
_GATE = re.compile(
    r"^(?P<word>yes|no|true|false|not\s+required|required|none|n/?a)\b\W*(?P<reason>.*)$",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Envelope:
    """The envelope's fields, each None when the answer does not give it."""

    result: str | None = None
    confidence: str | None = None
    confidence_label: str | None = None
    confidence_value: float | None = None
    uncertainty: str | None = None
    verification: str | None = None
    openspec_compliance: str | None = None
    pipeline_impact: str | None = None
    human_gate: bool | None = None
    human_gate_reason: str | None = None

    @property
    def found(self) -> bool:
        return any(
            v is not None
            for v in (self.result, self.confidence, self.human_gate, self.verification)
        )


def _label(line: str) -> tuple[str, str] | None:
    """(field key, rest of the line) when the line labels an envelope field."""
    text = _BULLET.sub("", line, count=1)
    heading = _HEADING.match(text)
    if heading:
        text = text[heading.end() :]
    text = text.strip()
    bold = _BOLD_LABEL.match(text)
    match = bold or _PLAIN_LABEL.match(text)
    if match is None:
        return None
    key = FIELD_NAMES.get(" ".join(match["name"].lower().split()))
    if key is None:
        return None
    has_colon = match["sep"] == ":" or (bold is not None and bold["c1"] is not None)
    bold_dash = bold is not None and match["sep"] is not None
    if not (heading or has_colon or bold_dash):
        return None
    return key, match["rest"].strip()


def _clean(lines: list[str]) -> str | None:
    """The field's text: fences and rules dropped, continuation lines dedented."""
    kept = [line.rstrip() for line in lines if not _FENCE_OR_RULE.match(line)]
    if not kept:
        return None
    rest = textwrap.dedent("\n".join(kept[1:]))
    text = f"{kept[0]}\n{rest}".strip() if rest else kept[0].strip()
    return text or None


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).split()).strip()


def confidence_value(text: str) -> tuple[str | None, float | None]:
    """(label, value in 0..1) for a confidence text, read from its first line.

    An explicit number wins over a word ("High (0.8)" is 0.8): a percent, "7/10", a decimal
    such as 0.72, or a line that is only a number (above 1 and up to 100 read as a percent).
    Other integers ("2 of 3 findings") are ignored. A number alone gets the band label
    (high >= 0.8, medium >= 0.5, low below).
    """
    first = _plain(text.strip().splitlines()[0] if text.strip() else "").lower()
    value: float | None = None
    if match := _PERCENT.search(first):
        value = float(match[1]) / 100
    elif match := _RATIO.search(first):
        value = float(match[1]) / float(match[2])
    elif match := _DECIMAL.search(first):
        value = float(match[1])
    elif match := _WHOLE_NUMBER.match(first):
        number = float(match[1])
        value = number if number <= 1 else number / 100
    if value is not None and not 0.0 <= value <= 1.0:
        value = None
    for pattern, label, word_value in CONFIDENCE_WORDS:
        if re.search(rf"\b{pattern}\b", first):
            return label, value if value is not None else word_value
    if value is None:
        return None, None
    band = "high" if value >= 0.8 else "medium" if value >= 0.5 else "low"
    return band, value


def human_gate_value(text: str) -> tuple[bool | None, str | None]:
    """(yes/no, reason) for "yes — reason", "**No**", "Required: ...", "none" and so on."""
    plain = _plain(text)
    match = _GATE.match(plain)
    if match is None:
        return None, plain or None
    word = " ".join(match["word"].lower().split())
    gate = word in ("yes", "true", "required")
    reason = plain[match.start("reason") :].strip(" -—–:;,.()") if match["reason"] else ""
    return gate, reason or None


def _region(lines: list[str], labels: dict[int, tuple[str, str]]) -> int | None:
    """The line where the envelope starts: the last Result label before the last Confidence
    label (else that Confidence label); without Confidence, the last Human Gate or Result."""

    def last(key: str, before: int | None = None) -> int | None:
        found = [i for i, (k, _) in labels.items() if k == key and (before is None or i < before)]
        return max(found) if found else None

    anchor = last("confidence")
    if anchor is None:
        return last("human_gate") if last("human_gate") is not None else last("result")
    result = last("result", before=anchor)
    return result if result is not None else anchor


def parse_envelope(text: str) -> Envelope:
    """Parse the envelope out of a whole answer; fields it lacks stay None."""
    lines = text.splitlines()
    labels: dict[int, tuple[str, str]] = {}
    code_fence: str | None = None  # inside ```elixir (code) no line is a label
    for index, line in enumerate(lines):
        stripped = line.strip()
        if code_fence is not None:
            if stripped.startswith(code_fence) and not stripped.strip("`~"):
                code_fence = None
            continue
        if stripped.startswith(("```", "~~~")) and stripped.strip("`~").strip():
            code_fence = stripped[:3]
            continue
        found = _label(line)
        if found is not None:
            labels[index] = found
    start = _region(lines, labels)
    if start is None:
        return Envelope()
    anchor = next((i for i in sorted(labels) if i > start and labels[i][0] == "confidence"), None)
    values: dict[str, list[str]] = {}
    current: str | None = None
    for index in range(start, len(lines)):
        label = labels.get(index)
        inside_result = current == "result" and anchor is not None and index < anchor
        if label is not None and not inside_result and label[0] not in values:
            current = label[0]
            values[current] = [label[1]]
        elif current is not None:
            values[current].append(lines[index])
    fields = {key: _clean(body) for key, body in values.items()}

    label_text, number = (None, None)
    if fields.get("confidence"):
        label_text, number = confidence_value(fields["confidence"] or "")
    gate, reason = (None, None)
    if fields.get("human_gate"):
        gate, reason = human_gate_value(fields["human_gate"] or "")
    return Envelope(
        result=fields.get("result"),
        confidence=fields.get("confidence"),
        confidence_label=label_text,
        confidence_value=number,
        uncertainty=fields.get("uncertainty"),
        verification=fields.get("verification"),
        openspec_compliance=fields.get("openspec_compliance"),
        pipeline_impact=fields.get("pipeline_impact"),
        human_gate=gate,
        human_gate_reason=reason,
    )
