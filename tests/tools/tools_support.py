"""Support for the tool tests: a copy of the sample Elixir project in a temp dir, with the
parts that cannot live in git added at run time (deps/, _build/, a binary file, symlinks in
and out of the root) and a directory outside the root holding a marker no tool may reveal."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.agent.modes import ToolMode
from elixir_pro.agent.parse import load_agent
from elixir_pro.changes.changeset import Changeset
from elixir_pro.tools import ApproveBash, ToolContext, Toolset, build_toolset
from elixir_pro.tools.sandbox import Sandbox

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "tools" / "sample_project"
REPO = Path(__file__).resolve().parent.parent.parent
OUTSIDE_MARK = "OUTSIDE-THE-ROOT-7f3a9c"


@dataclass
class Project:
    root: Path
    outside: Path
    sibling: Path  # <root>-evil: shares the root's path as a string prefix


def build_project(base: Path) -> Project:
    root = base / "project"
    shutil.copytree(SAMPLE, root)
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{OUTSIDE_MARK}\n")
    (outside / "code.ex").write_text(f"defmodule Outside do # {OUTSIDE_MARK}\nend\n")
    sibling = base / "project-evil"
    sibling.mkdir()
    (sibling / "loot.ex").write_text(f"# {OUTSIDE_MARK}\n")
    (root / "deps" / "jason" / "lib").mkdir(parents=True)
    (root / "deps" / "jason" / "lib" / "jason.ex").write_text("defmodule Jason do\nend\n")
    (root / "_build" / "dev").mkdir(parents=True)
    (root / "_build" / "dev" / "built.ex").write_text("defmodule Built do\nend\n")
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "index.js").write_text("// defmodule in js\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main defmodule\n")
    (root / "priv").mkdir()
    (root / "priv" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00defmodule\x00")
    (root / "priv" / "server.key").write_text("-----BEGIN PRIVATE KEY-----\nkey-secret\n")
    os.symlink(outside / "secret.txt", root / "lib" / "out_link.ex")
    os.symlink(outside, root / "lib" / "outdir")
    os.symlink(root / "lib" / "sample.ex", root / "lib" / "in_link.ex")
    os.symlink("lib", root / "lib_link")
    return Project(root, outside, sibling)


def mode_tools(mode: ToolMode) -> tuple[str, ...]:
    """The tool names the user's agent file gives ``mode``."""
    return load_agent(REPO / "agents" / "elixir-pro.md").tools.for_mode(mode)


ALL_CLIENT_TOOLS = ("Read", "Write", "Edit", "Grep", "Glob", "Bash")

MakeToolset = Callable[..., Toolset]


def toolset_factory(project: Project) -> MakeToolset:
    def make(
        names: Sequence[str] = ALL_CLIENT_TOOLS,
        *,
        approve: ApproveBash | None = None,
        allow_secrets: tuple[str, ...] = (),
        bash_timeout: float = 120.0,
        root: Path | None = None,
        writable: bool = True,
        sandbox: Sandbox | None = None,
        network: bool = False,
        grep_time_limit: float = 4.0,
    ) -> Toolset:
        where = root or project.root
        ctx = ToolContext(
            where,
            Changeset(where, source="test"),
            approve,
            allow_secrets=allow_secrets,
            bash_timeout=bash_timeout,
            bash_network=network,
            sandbox=sandbox or Sandbox(),
            grep_time_limit=grep_time_limit,
        )
        return build_toolset(names, ctx, project_writable=writable)

    return make
