"""Translations between our core events and ACP: a turn's events become ``session/update``
notifications (message and thought chunks, tool calls with their status, the turn's plan), a
prompt's content blocks become our prompt text and context files, and a stored session is
replayed for ``session/load``. Pure functions over the SDK's schema types; used by
:mod:`elixir_pro.protocols.acp_agent`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from acp import (
    plan_entry,
    start_tool_call,
    text_block,
    tool_content,
    update_agent_message_text,
    update_agent_thought_text,
    update_plan,
    update_tool_call,
    update_user_message_text,
)
from acp.schema import AgentPlanUpdate, ToolCallLocation, ToolKind

from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.conversation.store_codec import UserPrompt
from elixir_pro.conversation.store_model import SessionRecord
from elixir_pro.events import (
    CoreEvent,
    Notice,
    TextDelta,
    ThinkingDelta,
    ToolFinished,
    ToolRequested,
    TurnError,
    TurnFinished,
)

TOOL_OUTPUT_SHOWN = 4000  # characters of a tool's output shown in the editor
_KINDS: dict[str, ToolKind] = {
    "Read": "read",
    "Grep": "search",
    "Glob": "search",
    "Bash": "execute",
    "Write": "edit",
    "Edit": "edit",
}
Update = Any  # one of the SDK's session update models


def tool_kind(name: str) -> ToolKind:
    if name.startswith("mcp__"):
        return "fetch"
    return _KINDS.get(name, "other")


def tool_title(name: str, tool_input: dict[str, Any]) -> str:
    """``Read lib/app.ex``, ``Bash: mix test``, ``phoenix · get_logs``."""
    if name.startswith("mcp__"):
        _prefix, server, tool = [*name.split("__", 2), "", ""][:3]
        return f"{server} · {tool}"
    detail = (
        tool_input.get("file_path")
        or tool_input.get("command")
        or tool_input.get("pattern")
        or tool_input.get("path")
    )
    if not isinstance(detail, str) or not detail:
        return name
    detail = " ".join(detail.split())
    detail = detail if len(detail) <= 80 else detail[:79] + "…"
    return f"{name}: {detail}" if name == "Bash" else f"{name} {detail}"


def locations(root: Path, tool_input: dict[str, Any]) -> list[ToolCallLocation] | None:
    raw = tool_input.get("file_path") or tool_input.get("path")
    if not isinstance(raw, str) or not raw:
        return None
    path = Path(raw) if Path(raw).is_absolute() else root / raw
    return [ToolCallLocation(path=str(path))]


def event_updates(event: CoreEvent, root: Path) -> list[Update]:
    """The session updates one core event becomes (none for usage and staged-edit events:
    staged edits are announced together, with their diffs, when the turn ends)."""
    if isinstance(event, TextDelta):
        return [update_agent_message_text(event.text)]
    if isinstance(event, ThinkingDelta):
        return [update_agent_thought_text(event.text)]
    if isinstance(event, Notice):
        return [update_agent_message_text(f"\n\n_{event.level}: {event.message}_\n\n")]
    if isinstance(event, ToolRequested):
        return [
            start_tool_call(
                event.call_id,
                tool_title(event.name, event.input),
                kind=tool_kind(event.name),
                status="in_progress",
                locations=locations(root, event.input),
                raw_input=event.input,
            )
        ]
    if isinstance(event, ToolFinished):
        shown = event.output
        if len(shown) > TOOL_OUTPUT_SHOWN:
            shown = shown[:TOOL_OUTPUT_SHOWN] + "\n… (cut)"
        return [
            update_tool_call(
                event.call_id,
                status="failed" if event.is_error else "completed",
                content=[tool_content(text_block(shown))],
            )
        ]
    if isinstance(event, TurnError):
        return [update_agent_message_text(f"\n\n**Error**: {event.message}\n")]
    if isinstance(event, TurnFinished) and event.escalation:
        reasons = "; ".join(event.escalation)
        return [update_agent_message_text(f"\n\n**Escalated to you**: {reasons}\n")]
    return []


def turn_plan(mode: CognitiveMode, tool_mode: ToolMode, *, answered: bool, edits: int,
              reviewed: bool) -> AgentPlanUpdate:  # fmt: skip
    """The turn's plan: the answer, then (when the turn staged changes) their review."""
    entries = [
        plan_entry(
            f"Answer in {mode.value} mode with the {tool_mode.value} tools",
            priority="high",
            status="completed" if answered else "in_progress",
        )
    ]
    if edits:
        noun = "file" if edits == 1 else "files"
        entries.append(
            plan_entry(
                f"Review the staged changes to {edits} {noun}, one permission each",
                priority="medium",
                status="completed" if reviewed else "in_progress",
            )
        )
    return update_plan(entries)


def prompt_parts(blocks: list[Any], root: Path) -> tuple[str, list[str]]:
    """(the prompt text, project files to add as context) of a prompt's content blocks: text
    as it is, a resource link or an embedded resource inside the project as a context file,
    an embedded resource from elsewhere inlined, anything else named."""
    texts: list[str] = []
    context: list[str] = []
    for block in blocks:
        kind = getattr(block, "type", "")
        if kind == "text":
            texts.append(block.text)
        elif kind in ("resource_link", "resource"):
            resource = block.resource if kind == "resource" else block
            rel = project_path(str(resource.uri), root)
            if rel is not None:
                context.append(rel)
            elif kind == "resource" and getattr(resource, "text", None) is not None:
                texts.append(f"\n<resource uri={resource.uri!r}>\n{resource.text}\n</resource>")
            else:
                texts.append(f"[{resource.uri}]")
        else:
            texts.append(f"[{kind or 'content'} left out: not supported]")
    return "\n".join(t for t in texts if t).strip(), list(dict.fromkeys(context))


def project_path(uri: str, root: Path) -> str | None:
    """The project-relative path of a ``file://`` URI (or a plain path) inside ``root``."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("", "file"):
        return None
    path = Path(unquote(parsed.path))
    full = (path if path.is_absolute() else root / path).resolve()
    if full == root or not full.is_relative_to(root) or not full.is_file():
        return None
    return full.relative_to(root).as_posix()


def replay(record: SessionRecord, root: Path) -> tuple[list[Update], CognitiveMode | None]:
    """The updates that show a stored session again (prompts, answers, tool calls, in the
    order they happened across the panes) and the mode of its last prompt."""
    entries = sorted(
        ((entry.ts, pane.pane, entry.seq, entry.item) for pane in record.panes.values()
         for entry in pane.entries),
        key=lambda row: (row[0], row[1], row[2]),
    )  # fmt: skip
    updates: list[Update] = []
    last_mode: CognitiveMode | None = None
    for _ts, pane, _seq, item in entries:
        if isinstance(item, UserPrompt):
            updates.append(update_user_message_text(item.text))
            last_mode = CognitiveMode(pane) if pane in CognitiveMode.__members__.values() else None
        elif isinstance(item, TextDelta | ToolRequested | ToolFinished | TurnError):
            updates.extend(event_updates(item, root))
    return updates, last_mode
