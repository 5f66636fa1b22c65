"""The markdown body of an agent file split into its sections: Identity (with Interpretive
Lens and Vocabulary), Instructions (Always and When <Mode>), Never, Specializations,
Pipeline Integration, Knowledge Sources and Output Format (envelope, Audit Mode, Solution Mode).

A body with neither an Identity nor an Instructions section is a free prompt (a plain Claude
Code agent): it becomes the default mode's instructions. Headings inside fenced code blocks
are not sections. Used by :mod:`elixir_pro.agent.parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from elixir_pro.agent.model import (
    Identity,
    InstructionItem,
    Instructions,
    OutputFormat,
    Section,
    Specialization,
)
from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.errors import UserError

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_LABEL = re.compile(r"^\*\*\s*([^*]+?)\s*:?\s*\*\*\s*:?\s*(.*)$", re.DOTALL)
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(slots=True)
class _Block:
    level: int
    title: str
    line: int
    lines: list[str] = field(default_factory=list)
    children: list[_Block] = field(default_factory=list)

    def own_text(self) -> str:
        return "\n".join(self.lines).strip()

    def full_text(self) -> str:
        parts = [self.own_text()]
        for child in self.children:
            parts.append(f"{'#' * child.level} {child.title}\n\n{child.full_text()}".strip())
        return "\n\n".join(p for p in parts if p).strip()


@dataclass(frozen=True, slots=True)
class ParsedBody:
    title: str = ""
    identity: Identity = field(default_factory=Identity)
    instructions: Instructions = field(default_factory=Instructions)
    never: tuple[str, ...] = ()
    specializations: tuple[Specialization, ...] = ()
    pipeline_integration: str = ""
    knowledge_sources: str = ""
    output_format: OutputFormat = field(default_factory=OutputFormat)
    extra_sections: tuple[Section, ...] = ()
    is_free_form: bool = False


def _tree(body: str, first_line: int) -> tuple[str, list[_Block]]:
    """(H1 title, H2 blocks with nested deeper blocks); the preamble is dropped."""
    title = ""
    root = _Block(level=0, title="", line=first_line)
    stack = [root]
    fence: str | None = None
    for offset, line in enumerate(body.splitlines()):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            fence = marker if fence is None else (None if marker == fence else fence)
        heading = None if fence is not None or fence_match else _HEADING.match(line)
        if heading is None:
            stack[-1].lines.append(line)
            continue
        level, text = len(heading.group(1)), heading.group(2).strip()
        if level == 1:
            title = title or text
            stack = [root]
            continue
        block = _Block(level=level, title=text, line=first_line + offset)
        while stack[-1].level >= level:
            stack.pop()
        stack[-1].children.append(block)
        stack.append(block)
    return title, root.children


def _norm(title: str) -> str:
    return " ".join(re.sub(r"\(.*?\)", " ", title).lower().split())


def parse_items(text: str) -> tuple[InstructionItem, ...]:
    """Numbered or bulleted list items; continuation lines join their item; a paragraph
    outside any list becomes an unnumbered item."""
    items: list[list[object]] = []  # [number, text]
    last_blank = True
    for line in text.splitlines():
        if not line.strip():
            last_blank = True
            continue
        numbered, bullet = _NUMBERED.match(line), _BULLET.match(line)
        if numbered:
            items.append([int(numbered.group(1)), numbered.group(2).strip()])
        elif bullet:
            items.append([None, bullet.group(1).strip()])
        elif items and not last_blank:
            items[-1][1] = f"{items[-1][1]} {line.strip()}"
        else:
            items.append([None, line.strip()])
        last_blank = False
    return tuple(
        InstructionItem(number if isinstance(number, int) else None, str(text))
        for number, text in items
    )


def _identity(block: _Block) -> Identity:
    text_parts: list[str] = []
    lens = ""
    vocabulary: tuple[str, ...] = ()
    for paragraph in re.split(r"\n\s*\n", block.full_text()):
        paragraph = paragraph.strip()
        label = _LABEL.match(paragraph)
        name = _norm(label.group(1)) if label else ""
        if label and name == "interpretive lens":
            lens = " ".join(label.group(2).split())
        elif label and name == "vocabulary":
            vocabulary = tuple(t.strip() for t in label.group(2).split(",") if t.strip())
        elif paragraph:
            text_parts.append(paragraph)
    return Identity(text="\n\n".join(text_parts), lens=lens, vocabulary=vocabulary)


def _instructions(block: _Block, shown: str) -> tuple[Instructions, list[Section]]:
    always = list(parse_items(block.own_text()))
    by_mode: list[tuple[CognitiveMode, tuple[InstructionItem, ...]]] = []
    extra: list[Section] = []
    for child in block.children:
        name = _norm(child.title)
        if name.startswith("always"):
            always.extend(parse_items(child.full_text()))
        elif name.startswith("when "):
            mode_name = name.removeprefix("when ").strip()
            if mode_name not in CognitiveMode.__members__.values():
                allowed = ", ".join(f"When {m.value.title()}" for m in CognitiveMode)
                raise UserError(
                    f"unknown mode '{child.title}'; expected Always or one of {allowed}",
                    path=shown,
                    line=child.line,
                    field="Instructions",
                )
            by_mode.append((CognitiveMode(mode_name), parse_items(child.full_text())))
        else:
            extra.append(Section(f"{block.title}: {child.title}", child.full_text()))
    return Instructions(always=tuple(always), by_mode=tuple(by_mode)), extra


def _fenced(text: str) -> str:
    """The first fenced block's content, or the whole text when there is none."""
    match = re.search(r"^\s*(```|~~~)[^\n]*\n(.*?)^\s*\1\s*$", text, re.DOTALL | re.MULTILINE)
    return (match.group(2) if match else text).strip("\n")


def _output_format(block: _Block) -> tuple[OutputFormat, list[Section]]:
    envelope = audit = solution = ""
    extra: list[Section] = []
    if block.own_text() and "```" in block.own_text():
        envelope = _fenced(block.own_text())
    for child in block.children:
        name = _norm(child.title)
        if "envelope" in name:
            envelope = _fenced(child.full_text())
        elif "audit" in name:
            audit = _fenced(child.full_text())
        elif "solution" in name:
            solution = _fenced(child.full_text())
        else:
            extra.append(Section(f"{block.title}: {child.title}", child.full_text()))
    return OutputFormat(envelope=envelope, audit=audit, solution=solution), extra


def _specializations(block: _Block) -> tuple[Specialization, ...]:
    out: list[Specialization] = []
    own = parse_items(block.own_text())
    if own:
        out.append(Specialization("", tuple(i.text for i in own)))
    for child in block.children:
        out.append(
            Specialization(child.title, tuple(i.text for i in parse_items(child.full_text())))
        )
    return tuple(out)


def parse_body(body: str, first_line: int, shown: str, default: CognitiveMode) -> ParsedBody:
    title, blocks = _tree(body, first_line)
    names = [_norm(b.title) for b in blocks]
    if not any(n.startswith(("identity", "instructions")) for n in names):
        text = body.strip()
        items = (InstructionItem(None, text),) if text else ()
        instructions = Instructions(by_mode=((default, items),), fallback=default)
        return ParsedBody(title=title, instructions=instructions, is_free_form=True)

    identity = Identity()
    instructions = Instructions()
    never: tuple[str, ...] = ()
    specializations: tuple[Specialization, ...] = ()
    pipeline = sources = ""
    output = OutputFormat()
    extra: list[Section] = []
    for block, name in zip(blocks, names, strict=True):
        if name.startswith("identity"):
            identity = _identity(block)
        elif name.startswith("instructions"):
            instructions, more = _instructions(block, shown)
            extra.extend(more)
        elif name.startswith("never"):
            never = tuple(item.text for item in parse_items(block.full_text()))
        elif name.startswith("specializations"):
            specializations = _specializations(block)
        elif name.startswith("pipeline integration"):
            pipeline = block.full_text()
        elif name.startswith("knowledge sources"):
            sources = block.full_text()
        elif name.startswith("output format"):
            output, more = _output_format(block)
            extra.extend(more)
        else:
            extra.append(Section(block.title, block.full_text()))
    return ParsedBody(
        title=title,
        identity=identity,
        instructions=instructions,
        never=never,
        specializations=specializations,
        pipeline_integration=pipeline,
        knowledge_sources=sources,
        output_format=output,
        extra_sections=tuple(extra),
    )
