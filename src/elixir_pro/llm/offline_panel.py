"""The offline decision maker of a panel run: it reads the hand-over (the question and every
member's answer, see :func:`elixir_pro.conversation.ensemble.handover_prompt`), says what each
member answered, where the members and its own mode agree and where they differ (the findings,
files, options and symbols each names; their confidence; their human gate), then gives its own
mode's answer to the actual question.

Pure text work over the members' answers; the offline backend passes its own answer in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from elixir_pro.agent.envelope import parse_envelope
from elixir_pro.llm import offline_text_tasks as FX
from elixir_pro.llm.offline_answer import Answer, render

_REQUEST = re.compile(r"\nRequest:\n(?P<question>[\s\S]*?)(?:\n\n<panel_answer|\Z)")
_ANSWER = re.compile(
    r'<panel_answer mode="(?P<mode>[\w-]+)" role="(?P<role>[\w-]+)"'
    r'(?: interrupted="true")?>\n(?P<text>[\s\S]*?)\n</panel_answer>'
)
_MISSING = re.compile(
    r'<panel_answer mode="(?P<mode>[\w-]+)" role="(?P<role>[\w-]+)" '
    r'missing="(?P<why>\w+)"/>'
)
_LOCATION = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.exs?)(?::\d+)?")
_HEADING = re.compile(r"^###\s+(?:\[\w+\]\s+)?(.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"^```[\s\S]*?^```", re.MULTILINE)
_QUOTED = re.compile(r'"[^"\n]*"')
_WHERE = re.compile(r"\s*\((?:this project: )?[^()]*\)$")  # "(this project: lib/x.ex:1)"
_NOISE = {"What each member answered", "Where they agree", "Where they differ"}
MAX_ITEMS = 5


@dataclass(slots=True)
class MemberAnswer:
    mode: str
    role: str
    text: str = ""
    missing: str = ""  # why there is no answer ("" when there is one)
    items: list[str] = field(default_factory=list)


def is_handover(prompt: str) -> bool:
    return "<panel_answer " in prompt and "\nRequest:\n" in prompt


def read_handover(prompt: str) -> tuple[str, list[MemberAnswer]]:
    """(the question, the members' answers in order)."""
    found = _REQUEST.search(prompt)
    question = found.group("question").strip() if found else prompt.strip()
    members: list[tuple[int, MemberAnswer]] = []
    for match in _ANSWER.finditer(prompt):
        member = MemberAnswer(match["mode"], match["role"], match["text"])
        member.items = named_items(member.text)
        members.append((match.start(), member))
    for match in _MISSING.finditer(prompt):
        members.append(
            (match.start(), MemberAnswer(match["mode"], match["role"], missing=match["why"]))
        )
    return question, [m for _, m in sorted(members, key=lambda pair: pair[0])]


def named_items(text: str) -> list[str]:
    """What an answer names: its section titles (findings, options, symbols) and files, outside
    fenced blocks and quoted example prompts."""
    items: dict[str, None] = {}
    text = _FENCE.sub("", text)  # maps and code: context, not what the answer names
    text = _QUOTED.sub("", text)  # example prompts
    for match in _HEADING.finditer(text):
        title = _WHERE.sub("", match.group(1)).strip("` ")
        if title not in _NOISE:
            items.setdefault(title, None)
    for match in _LOCATION.finditer(text):
        items.setdefault(f"`{match.group(1)}`", None)
    return list(items)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def summary(question: str, members: list[MemberAnswer]) -> str:
    out = [FX.PANEL_HEAD.format(question=question), FX.PANEL_MEMBERS_HEAD]
    confidences: dict[str, str] = {}
    gates: list[str] = []
    answered = [m for m in members if not m.missing]
    for member in members:
        if member.missing:
            out.append(
                FX.PANEL_MEMBER_MISSING.format(
                    mode=member.mode, role=member.role, why=member.missing
                )
            )
            continue
        envelope = parse_envelope(member.text)
        confidence = envelope.confidence_label or "not given"
        confidences[member.mode] = confidence
        if envelope.human_gate:
            gates.append(member.mode)
        result = (envelope.result or "no result line").splitlines()[0].rstrip(".") + "."
        out.append(
            FX.PANEL_MEMBER.format(
                mode=member.mode, role=member.role, result=result, confidence=confidence
            )
        )
    by_item: dict[str, list[str]] = defaultdict(list)
    for member in answered:
        for item in member.items:
            by_item[item].append(member.mode)
    shared = [(item, modes) for item, modes in by_item.items() if len(modes) >= 2]
    out.append(FX.PANEL_AGREE_HEAD)
    for item, modes in shared[: MAX_ITEMS * 2]:
        out.append(FX.PANEL_AGREE_ITEM.format(what=item, modes=_join(modes)))
    if not shared:
        out.append(FX.PANEL_AGREE_NONE)
    levels = set(confidences.values())
    if len(confidences) >= 2 and len(levels) == 1:
        out.append(
            FX.PANEL_AGREE_CONFIDENCE.format(count=len(confidences), confidence=levels.pop())
        )
    if answered and not gates:
        out.append(FX.PANEL_AGREE_GATE)
    out.append(FX.PANEL_DIFFER_HEAD)
    differ = False
    for member in answered:
        own = [item for item in member.items if len(by_item[item]) == 1][:MAX_ITEMS]
        if own:
            differ = True
            out.append(FX.PANEL_DIFFER_ITEM.format(mode=member.mode, items=", ".join(own)))
    if len(set(confidences.values())) > 1:
        differ = True
        levels_text = ", ".join(f"{mode} {level}" for mode, level in confidences.items())
        out.append(FX.PANEL_DIFFER_CONFIDENCE.format(levels=levels_text))
    if gates and len(gates) < len(answered):
        differ = True
        out.append(FX.PANEL_DIFFER_GATE.format(modes=_join(gates)))
    if not differ:
        out.append(FX.PANEL_DIFFER_NONE)
    return "".join(out)


def decision(question: str, members: list[MemberAnswer], own: Answer, mode: str) -> Answer:
    """The decision maker's answer: where the members and its own mode agree and differ, then
    its own answer to the question."""
    mine = MemberAnswer(mode, FX.PANEL_OWN_ROLE, render(own))
    mine.items = named_items(mine.text)
    own_body = re.sub(r"^(#{2,4}) ", r"##\1 ", own.body, flags=re.MULTILINE)  # under its heading
    body = summary(question, [*members, mine]) + FX.PANEL_DECISION_HEAD.format(mode=mode) + own_body
    if own.edits:
        body += FX.PANEL_STAGED_NOTE.format(count=len(own.edits))
    return Answer(
        body=body,
        result=FX.RESULT_PANEL.format(count=len(members), mode=mode, own=own.result),
        confidence=own.confidence,
        uncertainty=own.uncertainty,
        verification=own.verification,
        gate=own.gate,
        claude_adds=own.claude_adds,
        edits=own.edits,
    )
