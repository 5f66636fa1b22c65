"""What a project uses of OTP, Phoenix and distribution, read from its code: each fact
(``registry``, ``global``, ``ets``, ``liveview``, ``distribution``...) with the places that
show it. Comments and heredoc strings (docs) are ignored, so a module doc mentioning
``Registry`` is not a use.

Used by the offline backend's comparisons to tie the knowledge base's trade-offs to the
project (:mod:`elixir_pro.llm.offline_compare`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from elixir_pro.engine.supervision_model import Location

MAX_PLACES = 3

FACT_PATTERNS: dict[str, str] = {
    "genserver": r"\buse\s+GenServer\b|(?<![\w.])GenServer\.(?:start|start_link|call|cast)\b",
    "agent": r"\buse\s+Agent\b|(?<![\w.])Agent\.(?:start|start_link|get|update|get_and_update)\b",
    "task": r"(?<![\w.])Task\.(?:async|start|start_link|await|yield)\b",
    "task_supervisor": r"(?<![\w.])Task\.Supervisor\b",
    "async_stream": r"(?<![\w.])Task(?:\.Supervisor)?\.async_stream(?:_nolink)?\b",
    "registry": r"(?<![\w.])Registry\.\w+|\{\s*Registry\s*,|:via\s*,\s*Registry\b",
    "global": r":global\.\w+|\{\s*:global\s*,|:via\s*,\s*:global\b",
    "pg": r":pg\.\w+|\{\s*:pg\s*,|:pg2\.\w+",
    "ets": r":ets\.\w+",
    "persistent_term": r":persistent_term\.\w+",
    "dynamic_supervisor": r"(?<![\w.])DynamicSupervisor\b",
    "partition_supervisor": r"(?<![\w.])PartitionSupervisor\b",
    "liveview": r"\bPhoenix\.LiveView\b|\buse\s+[\w.]+,\s*:live_view\b|\{:phoenix_live_view\b",
    "controller": r"\bPhoenix\.Controller\b|\buse\s+[\w.]+,\s*:controller\b",
    "pubsub": r"\bPhoenix\.PubSub\b|\{:phoenix_pubsub\b",
    "distribution": (
        r"(?<![\w.])Node\.(?:connect|list|monitor|spawn)\b|:rpc\.\w+|:erpc\.\w+"
        r"|:net_kernel\.\w+|\{:libcluster\b|\bCluster\.Strategy\b"
    ),
    "genstage": r"\buse\s+GenStage\b|\{:gen_stage\b|(?<![\w.])GenStage\.\w+",
    "broadway": r"\buse\s+Broadway\b|\{:broadway\b",
    "flow": r"(?<![\w.])Flow\.\w+|\{:flow\b",
}
_COMPILED = {key: re.compile(pattern) for key, pattern in FACT_PATTERNS.items()}
_HEREDOC = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'')
_COMMENT = re.compile(r"#(?!\{).*")


@dataclass(slots=True)
class ProjectUses:
    """The facts found, each with up to :data:`MAX_PLACES` places (the first in each file)
    and the total count of uses."""

    places: dict[str, list[Location]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def uses(self, fact: str) -> bool:
        return self.counts.get(fact, 0) > 0

    def where(self, fact: str) -> list[Location]:
        return list(self.places.get(fact, []))


def _blank(match: re.Match[str]) -> str:
    """The match replaced by spaces, newlines kept (so line numbers stay right)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def code_only(source: str) -> str:
    """``source`` with heredocs and comments blanked out."""
    return _COMMENT.sub(_blank, _HEREDOC.sub(_blank, source))


def scan_source(rel: str, source: str, found: ProjectUses) -> None:
    text = code_only(source)
    for key, pattern in _COMPILED.items():
        for match in pattern.finditer(text):
            found.counts[key] = found.counts.get(key, 0) + 1
            places = found.places.setdefault(key, [])
            if len(places) < MAX_PLACES and all(p.path != rel for p in places):
                places.append(Location(rel, text.count("\n", 0, match.start()) + 1))


def project_uses(root: Path, files: Iterable[str]) -> ProjectUses:
    """The facts of the project's ``files`` (project-relative) and its ``mix.exs``."""
    found = ProjectUses()
    names = sorted(set(files) | ({"mix.exs"} if (root / "mix.exs").is_file() else set()))
    for rel in names:
        try:
            source = (root / rel).read_text("utf-8", errors="replace")
        except OSError:
            continue
        scan_source(rel, source, found)
    return found
