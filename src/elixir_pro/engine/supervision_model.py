"""The supervision map's data model: processes, the trees they form, and where each is declared.

Built by :mod:`elixir_pro.engine.supervision`; rendered by
:mod:`elixir_pro.engine.supervision_render`; read by the ``audit`` and ``supervision`` commands,
the offline backend's evaluative answers and the TUI's supervision panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ProcessKind(StrEnum):
    APPLICATION = "application"
    SUPERVISOR = "supervisor"
    DYNAMIC_SUPERVISOR = "dynamic_supervisor"
    TASK_SUPERVISOR = "task_supervisor"
    PARTITION_SUPERVISOR = "partition_supervisor"
    REGISTRY = "registry"
    GENSERVER = "genserver"
    AGENT = "agent"
    TASK = "task"
    WORKER = "worker"
    UNKNOWN = "unknown"

    @property
    def supervises(self) -> bool:
        return self in _SUPERVISING


_SUPERVISING = {
    ProcessKind.APPLICATION,
    ProcessKind.SUPERVISOR,
    ProcessKind.DYNAMIC_SUPERVISOR,
    ProcessKind.TASK_SUPERVISOR,
    ProcessKind.PARTITION_SUPERVISOR,
}


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(slots=True)
class ProcessNode:
    """One process (or, for dynamic children, one kind of process) in a tree."""

    label: str  # the module, or the built-in with its registered name
    kind: ProcessKind
    module: str | None = None
    registered_as: str | None = None
    strategy: str | None = None
    max_restarts: int | None = None
    max_seconds: int | None = None
    restart: str | None = None  # permanent | transient | temporary (None: the default)
    dynamic: bool = False  # started at run time under a DynamicSupervisor / Task.Supervisor
    location: Location | None = None
    children: list[ProcessNode] = field(default_factory=list)

    def walk(self) -> list[ProcessNode]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "kind": self.kind.value,
            "module": self.module,
            "registered_as": self.registered_as,
            "strategy": self.strategy,
            "max_restarts": self.max_restarts,
            "max_seconds": self.max_seconds,
            "restart": self.restart,
            "dynamic": self.dynamic,
            "path": self.location.path if self.location else None,
            "line": self.location.line if self.location else None,
            "children": [c.to_json() for c in self.children],
        }


@dataclass(slots=True)
class ModuleInfo:
    """What the map needs to know about one ``defmodule``."""

    name: str
    kind: ProcessKind
    location: Location
    use_restart: str | None = None  # from `use GenServer, restart: ...`


@dataclass(slots=True)
class SupervisionMap:
    roots: list[ProcessNode]
    modules: dict[str, ModuleInfo]
    unattached: list[ProcessNode]  # supervisors / process modules no tree reaches
    notices: list[str] = field(default_factory=list)

    def supervised_modules(self) -> set[str]:
        return {n.module for root in self.roots for n in root.walk() if n.module}

    def supervisors(self) -> list[ProcessNode]:
        return [n for root in self.roots for n in root.walk() if n.kind.supervises]

    def to_json(self) -> dict[str, object]:
        return {
            "version": 1,
            "trees": [r.to_json() for r in self.roots],
            "unattached": [n.to_json() for n in self.unattached],
            "notices": list(self.notices),
        }
