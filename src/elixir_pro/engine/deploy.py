"""The deployment files of a Mix project: how the application is started in production.

A ``mix.exs`` with a Dockerfile, Procfile, fly.toml or similar beside it belongs to a deployed
application; those files say whether it runs as a release or as ``mix``/``iex -S mix``. Read by
the analyzer for every ``mix.exs`` and handed to the rules as ``FileContext.deploy_files``.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path

#: Names (globs) of files that describe how an application is started where it is deployed.
DEPLOY_FILES = (
    "Dockerfile",
    "Dockerfile.*",
    "*.Dockerfile",
    "Containerfile",
    "Procfile",
    "Procfile.*",
    "fly.toml",
    "render.yaml",
    "app.json",
    "heroku.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "*.service",
    "nixpacks.toml",
    "railway.toml",
    "railway.json",
)
_MAX_BYTES = 256 * 1024


def is_deploy_file(name: str) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in DEPLOY_FILES)


def deploy_files(root: Path | str, mix_exs: str) -> dict[str, bytes]:
    """The deployment files in the folder of ``mix_exs`` (a relative path), by relative path.
    Unreadable or oversized files are left out."""
    folder = os.path.dirname(mix_exs)
    base = os.path.join(root, folder)
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return {}
    found: dict[str, bytes] = {}
    for name in names:
        if not is_deploy_file(name):
            continue
        path = os.path.join(base, name)
        try:
            if not os.path.isfile(path) or os.path.getsize(path) > _MAX_BYTES:
                continue
            with open(path, "rb") as handle:
                found[f"{folder}/{name}" if folder else name] = handle.read()
        except OSError:
            continue
    return found
