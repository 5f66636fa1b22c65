"""The tool framework: the context a toolset runs in, the outcome of a call, and the small
base class plus registry every tool (built-in or added later) registers through.

Used by the tool modules of this package and by ``toolset`` (which the LLM backends call).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from elixir_pro.changes.changeset import Changeset
from elixir_pro.events import EditProposed
from elixir_pro.tools.approval import ApproveBash
from elixir_pro.tools.params import Args, Param, input_schema
from elixir_pro.tools.prompts import PARAM_DESCRIPTIONS, TOOL_DESCRIPTIONS
from elixir_pro.tools.sandbox import Sandbox
from elixir_pro.tools.workspace import Workspace

if TYPE_CHECKING:
    from elixir_pro.tools.mcp_hub import ApproveMcp, McpHub

ReadThrough = Callable[[str], Awaitable[str | None]]
"""Reads a root-relative file through the editor (ACP ``fs/read_text_file``: unsaved buffers
included); None falls back to the disk."""


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """What a tool call gives back: ``output`` is the tool_result text the model sees."""

    output: str
    is_error: bool = False
    edit: EditProposed | None = None


@dataclass(slots=True)
class ToolContext:
    """Everything the tools of one session share.

    ``read_state`` maps a root-relative path to the hash of the text the model last read (or
    staged) there: Write/Edit of an existing file require a Read first, as in Claude Code.
    ``bash_allowed`` holds the commands the user allowed "always for this session".
    ``mcp`` offers the MCP servers' tools (gated through ``approve_mcp``; ``mcp_allowed``
    holds the tools allowed "always for this session"); ``read_through`` makes Read ask the
    editor for a file's text.
    """

    root: Path
    changeset: Changeset
    approve_bash: ApproveBash | None = None
    allow_secrets: tuple[str, ...] = ()
    bash_timeout: float = 120.0
    web_max_uses: int = 5
    bash_network: bool = False
    sandbox: Sandbox = field(default_factory=Sandbox)
    grep_time_limit: float = 4.0  # for patterns only Python's backtracking engine can run
    read_state: dict[str, str] = field(default_factory=dict)
    bash_allowed: set[str] = field(default_factory=set)
    mcp: McpHub | None = None
    approve_mcp: ApproveMcp | None = None
    mcp_allowed: set[str] = field(default_factory=set)
    read_through: ReadThrough | None = None
    workspace: Workspace = field(init=False)

    def __post_init__(self) -> None:
        self.workspace = Workspace(self.root, self.allow_secrets)
        self.root = self.workspace.root
        if self.changeset.root != self.root:
            raise ValueError(
                f"the changeset's root {self.changeset.root} is not the tools' root {self.root}"
            )

    def remember_read(self, rel: str, text: str) -> None:
        self.read_state[rel] = text_hash(text)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogateescape")).hexdigest()


class Tool(ABC):
    """A client tool: a name Claude knows, its parameters, and ``run``.

    ``run`` receives validated arguments and raises ``ToolError`` for anything the model
    should see as an error; the toolset turns that into an ``is_error`` outcome.
    ``project_writable`` is whether the turn's tool mode may change files (solution mode):
    Bash mounts the project read-only otherwise.
    """

    name: ClassVar[str]
    params: ClassVar[tuple[Param, ...]]

    def __init__(self, ctx: ToolContext, *, project_writable: bool = False) -> None:
        self.ctx = ctx
        self.project_writable = project_writable

    def definition(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": TOOL_DESCRIPTIONS[self.name],
            "input_schema": input_schema(self.params, PARAM_DESCRIPTIONS.get(self.name, {})),
        }

    @abstractmethod
    async def run(self, args: Args) -> ToolOutcome: ...


ToolT = TypeVar("ToolT", bound=type[Tool])

REGISTRY: dict[str, type[Tool]] = {}
"""Client tools by name. Built-ins register exactly like any added tool would."""


def register(cls: ToolT) -> ToolT:
    REGISTRY[cls.name] = cls
    return cls


SERVER_TOOLS: dict[str, Callable[[int], dict[str, Any]]] = {
    "WebSearch": lambda n: {"type": "web_search_20250305", "name": "web_search", "max_uses": n},
    "WebFetch": lambda n: {"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": n},
}
"""Anthropic server tools: declared to the API, executed by Anthropic, never run locally."""
