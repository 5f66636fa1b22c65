"""Finding and reading the Elixir sources of a project, with a notice instead of a traceback for
files that cannot be analysed (unreadable, binary, not UTF-8, huge).

Used by the analyzer and the audit command.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = frozenset({"_build", "deps", ".git", "node_modules", ".elixir_ls"})
EXTENSIONS = (".ex", ".exs")
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the audit could not fully do for one file; the rest of the audit goes on."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


def is_source(rel_path: str) -> bool:
    return rel_path.endswith(EXTENSIONS)


def discover(root: Path) -> list[str]:
    """Relative posix paths of ``**/*.ex`` and ``**/*.exs`` under ``root``, sorted, skipping
    build output, dependencies and VCS folders."""
    found: list[str] = []
    base = str(root)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        rel_dir = os.path.relpath(dirpath, base)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in filenames if name.endswith(EXTENSIONS))
    found.sort()
    return found


def is_mix_project(root: Path) -> bool:
    """``root`` holds a Mix project: a ``mix.exs`` there, or in a folder one or two levels
    down (``apps/web/mix.exs`` of an umbrella, the sibling projects of a repository that keeps
    its applications side by side without a root ``mix.exs``)."""
    if (root / "mix.exs").is_file():
        return True
    try:
        level1 = [d for d in root.iterdir() if d.is_dir() and _visible(d.name)]
    except OSError:
        return False
    for folder in level1:
        if (folder / "mix.exs").is_file():
            return True
    for folder in level1:
        try:
            if any((sub / "mix.exs").is_file() for sub in folder.iterdir() if _visible(sub.name)):
                return True
        except OSError:
            continue
    return False


def _visible(name: str) -> bool:
    return name not in SKIP_DIRS and not name.startswith(".")


def skipped(rel_path: str) -> bool:
    """True when a path lies in a folder the audit never reads."""
    return any(part in SKIP_DIRS for part in rel_path.split("/")[:-1])


def read_source(root: Path | str, rel_path: str) -> bytes | Notice | None:
    """The file's bytes, a :class:`Notice` saying why it cannot be analysed, or None when the
    file does not exist (any more). Reads with one sized ``os.read`` (a buffered ``open`` or
    a large fixed read size costs several times more across thousands of small files)."""
    path = os.path.join(root, rel_path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        if os.path.islink(path):
            return Notice(rel_path, "skipped: a broken symbolic link")
        return None
    except OSError as exc:
        return Notice(rel_path, f"skipped: cannot read ({exc.strerror or exc})")
    try:
        size = os.fstat(fd).st_size
        if size > MAX_BYTES:
            return Notice(rel_path, f"skipped: {size // 1024} KiB is over the 2 MiB limit")
        chunks = [os.read(fd, size + 1)]
        while len(chunks[-1]) > size and sum(map(len, chunks)) <= MAX_BYTES:
            more = os.read(fd, 65536)
            if not more:
                break
            chunks.append(more)
    except IsADirectoryError:
        return Notice(rel_path, "skipped: a directory, not a file")
    except OSError as exc:
        return Notice(rel_path, f"skipped: cannot read ({exc.strerror or exc})")
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return check_source(rel_path, data)


def check_source(rel_path: str, data: bytes) -> bytes | Notice:
    if b"\0" in data[:8192]:
        return Notice(rel_path, "skipped: binary file")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Notice(rel_path, "skipped: not UTF-8 text", line)
    if len(data) > MAX_BYTES:
        return Notice(rel_path, f"skipped: {len(data) // 1024} KiB is over the 2 MiB limit")
    return data
