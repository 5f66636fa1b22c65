"""How a deployment file starts the application, for ``no-releases``: the lines of a
Dockerfile, Procfile, fly.toml, systemd unit, compose file... that run the app through Mix
(``mix phx.server``, ``mix run --no-halt``, ``iex -S mix``, ``elixir -S mix``) instead of a
release, and how sure we are that the file describes production.

The files come from ``ctx.deploy_files`` (``engine/deploy.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from elixir_pro.engine.findings import Confidence

#: A command that boots the application through Mix.
_MIX_START = re.compile(
    r"\bmix\s+phx\.server\b"
    r"|\bmix\s+run\b[^\n;&|]*--no-halt\b"
    r"|\b(?:iex|elixir)\b[^\n;&|]*\s-S\s+mix\b(?:\s+(?!-)[\w.:-]+)?"
)
#: A command that starts a release: ``bin/app start``, ``_build/prod/rel/app/bin/app``.
_RELEASE_START = re.compile(
    r"\bbin/[\w.-]+\s+(?:start|foreground|daemon|start_iex)\b|\b_build/\w+/rel/[\w.-]+/bin/"
)
_PROD = re.compile(r"\bMIX_ENV\s*[=:]?\s*[\"']?prod\b")
_NOT_PROD = re.compile(r"\bMIX_ENV\s*[=:]?\s*[\"']?(?:dev|test)\b")
_DOCKERFILES = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile")
_COMPOSE = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
#: Platforms that only run production services.
_PLATFORMS = (
    "Procfile",
    "fly.toml",
    "render.yaml",
    "app.json",
    "heroku.yml",
    "nixpacks.toml",
    "railway.toml",
    "railway.json",
    "*.service",
)
_DEV_NAME = re.compile(r"(?:^|[._-])(?:dev|devel|development|local|test)(?:$|[._-])", re.I)


@dataclass(frozen=True, slots=True)
class MixStart:
    """One place a deployment file starts the application through Mix."""

    path: str
    line: int
    command: str
    confidence: Confidence


def mix_starts(files: Mapping[str, bytes]) -> list[MixStart]:
    """Every Mix start in the deployment ``files`` (by relative path), surest first."""
    found: list[MixStart] = []
    for path, data in sorted(files.items()):
        content = data.decode("utf-8", errors="replace")
        name = path.rsplit("/", 1)[-1]
        if _matches(name, _DOCKERFILES):
            found.extend(_dockerfile(path, name, content))
        elif _matches(name, _COMPOSE) or _matches(name, ("Procfile.*",)):
            found.extend(_lines(path, name, content, platform=False))
        elif _matches(name, _PLATFORMS):
            found.extend(_lines(path, name, content, platform=True))
    found.sort(key=lambda s: (-s.confidence.rank, s.path, s.line))
    return found


def release_start(files: Mapping[str, bytes]) -> str:
    """Where a deployment file starts a release (``Dockerfile line 20``), or "": the project
    has a release, and a Mix start elsewhere is an alternative way to run it."""
    for path, data in sorted(files.items()):
        content = data.decode("utf-8", errors="replace")
        name = path.rsplit("/", 1)[-1]
        if _matches(name, _DOCKERFILES):
            instructions = list(_instructions(content))
            start = max(
                (i for i, (_, word, _) in enumerate(instructions) if word == "FROM"), default=0
            )
            for number, word, args in instructions[start:]:
                if word in ("CMD", "ENTRYPOINT") and _RELEASE_START.search(_exec_form(args)):
                    return f"{path} line {number}"
            continue
        for number, line in enumerate(content.splitlines(), start=1):
            if not line.strip().startswith(("#", "//")) and _RELEASE_START.search(line):
                return f"{path} line {number}"
    return ""


def heroku_phoenix(start: MixStart) -> bool:
    """A Procfile running ``mix phx.server``: Phoenix's documented Heroku deployment (the
    Elixir buildpack compiles when the slug is built, not at boot)."""
    name = start.path.rsplit("/", 1)[-1]
    return name == "Procfile" and "phx.server" in start.command


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(name, p) for p in patterns)


def _confidence(name: str, command: str, context: str, platform: bool) -> Confidence:
    """High on a production platform or with ``MIX_ENV=prod``; low for a development setup
    (a ``.dev`` file, ``MIX_ENV=dev``); medium otherwise."""
    if _DEV_NAME.search(name) or _NOT_PROD.search(command):
        return Confidence.LOW
    if platform or _PROD.search(command) or _PROD.search(context):
        return Confidence.HIGH if not _NOT_PROD.search(context) else Confidence.MEDIUM
    if _NOT_PROD.search(context):
        return Confidence.LOW
    return Confidence.MEDIUM


def _lines(path: str, name: str, content: str, platform: bool) -> Iterator[MixStart]:
    for number, line in enumerate(content.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("#", "//")):
            continue
        match = _MIX_START.search(stripped)
        if match is not None:
            confidence = _confidence(name, stripped, content, platform)
            yield MixStart(path, number, match.group(0), confidence)


def _dockerfile(path: str, name: str, content: str) -> Iterator[MixStart]:
    """The ``CMD``/``ENTRYPOINT`` of the final stage (the image that runs)."""
    instructions = list(_instructions(content))
    start = max((i for i, (_, word, _) in enumerate(instructions) if word == "FROM"), default=0)
    final = instructions[start:]
    context = "\n".join(f"{word} {args}" for _, word, args in final)
    for number, word, args in final:
        if word not in ("CMD", "ENTRYPOINT"):
            continue
        command = _exec_form(args)
        match = _MIX_START.search(command)
        if match is not None:
            yield MixStart(path, number, match.group(0), _confidence(name, command, context, False))


def _instructions(content: str) -> Iterator[tuple[int, str, str]]:
    """(line, INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    pending: list[str] = []
    first = 0
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if not pending:
            first = number
        pending.append(line.rstrip("\\").strip())
        if line.endswith("\\"):
            continue
        text = " ".join(pending)
        pending = []
        word, _, args = text.partition(" ")
        yield first, word.upper(), args.strip()


def _exec_form(args: str) -> str:
    """``["mix", "phx.server"]`` as ``mix phx.server``; shell form unchanged."""
    if args.startswith("["):
        try:
            parts = json.loads(args)
        except ValueError:
            return args
        if isinstance(parts, list):
            return " ".join(str(p) for p in parts)
    return args
