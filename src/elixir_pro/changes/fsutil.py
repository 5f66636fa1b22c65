"""Filesystem primitives for apply and undo: confining paths to the project root and writing
files atomically (temp file in the same directory, fsync, ``os.replace``, fsync of the
directory), keeping the file mode. Used by ``changes.apply``, ``changes.journal`` and the store.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from elixir_pro.errors import UserError


class PathOutsideRoot(UserError):
    """A proposed path that would land outside the project root."""


def confine(root: Path, rel: str) -> Path:
    """The absolute path of ``rel`` inside ``root``; refuses absolute paths, ``..`` parts and
    symlinks that lead outside the root, with one clear line naming the path."""
    if not rel or rel.strip() == "":
        raise PathOutsideRoot("empty path", path=repr(rel))
    posix = PurePosixPath(rel)
    if posix.is_absolute() or PureWindowsPath(rel).is_absolute() or PureWindowsPath(rel).drive:
        raise PathOutsideRoot("absolute paths are refused; use a path inside the project", path=rel)
    if ".." in posix.parts:
        raise PathOutsideRoot("'..' is refused; the path must stay inside the project", path=rel)
    real_root = root.resolve()
    candidate = (real_root / posix).resolve(strict=False)
    if candidate != real_root and real_root not in candidate.parents:
        raise PathOutsideRoot("a symlink leads outside the project root", path=rel)
    if candidate == real_root:
        raise PathOutsideRoot("the path is the project root itself", path=rel)
    return candidate


def default_mode() -> int:
    """The mode a newly created file gets under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def file_mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` so a reader (or a crash) sees either the old file or the
    new one. Parents are created. ``mode`` defaults to the existing file's mode."""
    parent = path.parent
    parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = file_mode(path)
    if mode is None:
        mode = default_mode()
    fd, tmp_name = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_dir(parent)


def remove_file(path: Path) -> None:
    """Delete ``path`` (if present) and make the removal durable."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    fsync_dir(path.parent)


def read_bytes_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
