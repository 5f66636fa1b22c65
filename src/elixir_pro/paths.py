"""Where elixir-pro keeps things: bundled data, the user config dir and the state dir.

Used by agent discovery, the theme loader, the session store and the undo journal.
The environment variables ``ELIXIR_PRO_CONFIG_DIR`` and ``ELIXIR_PRO_STATE_DIR`` override the
platform defaults (tests use them to stay out of the real home directory).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "elixir-pro"
_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE_DIR.parent.parent  # the repository root in a source checkout


def bundled_dir(name: str) -> Path:
    """A directory shipped with the package (``agents`` or ``themes``).

    In a wheel it lives in ``elixir_pro/_bundled/<name>``; in a source checkout (editable
    install) it is the repository's top-level folder of that name.
    """
    packaged = _PACKAGE_DIR / "_bundled" / name
    if packaged.is_dir():
        return packaged
    return _SOURCE_ROOT / name


def config_dir() -> Path:
    override = os.environ.get("ELIXIR_PRO_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    override = os.environ.get("ELIXIR_PRO_STATE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def project_state_dir(project_root: Path) -> Path:
    """Per-project state (sessions, undo journal), keyed by the project's resolved path."""
    resolved = str(project_root.resolve())
    digest = hashlib.sha256(resolved.encode()).hexdigest()[:16]
    return state_dir() / "projects" / f"{project_root.resolve().name}-{digest}"
