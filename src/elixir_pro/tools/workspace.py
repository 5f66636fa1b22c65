"""Workspace confinement: every path a tool touches is resolved here.

A path may be relative to the project root or absolute inside it. It is resolved the way the
operating system would (``..`` and symlinks included) and refused when the result lies outside
the root; ``~`` and ``~user`` mean home directories, as in a shell (to name a project folder
called ``~``, write ``./~``). Secret files (``.env*``, private keys, ``*.secret.exs`` ...) are
refused unless the config's ``tools.allow_secrets`` globs allow them; binary files are
detected here too.

Used by the Read, Write, Edit, Grep and Glob tools.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from elixir_pro.tools.params import ToolError

IGNORED_DIRS = frozenset({"_build", "deps", ".git", "node_modules", ".elixir_ls"})
"""Directories Grep and Glob skip while walking (unless the search path is inside one)."""

SECRET_GLOBS: tuple[str, ...] = (
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "secrets.*",
    "*.secret.exs",
    "*.secrets.exs",
    ".netrc",
    ".pgpass",
    ".htpasswd",
    "credentials.json",
    ".hex/hex.config",
)
"""Globs (matched case-insensitively against the file name, or the path when they hold a
``/``) of files the tools refuse to read or stage unless ``allow_secrets`` allows them."""

NOT_SECRET: tuple[str, ...] = (".env.example", ".env.sample", ".env.template", "*.pub")

BINARY_SNIFF_BYTES = 8192


def _any_glob(globs: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs))


_SECRET_NAME_RX = _any_glob(tuple(g for g in SECRET_GLOBS if "/" not in g))
_SECRET_PATH_RX = _any_glob(tuple(g for g in SECRET_GLOBS if "/" in g))
_NOT_SECRET_RX = _any_glob(NOT_SECRET)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A path inside the root: ``rel`` is posix and relative to the root ("." for the root)."""

    rel: str
    path: Path


def is_binary(data: bytes) -> bool:
    """True for data that is not text (a NUL byte near the start, as git and grep decide)."""
    return data.find(b"\x00", 0, BINARY_SNIFF_BYTES) != -1


class Workspace:
    """The project root and the rules for what the tools may touch inside it."""

    def __init__(self, root: Path, allow_secrets: tuple[str, ...] = ()) -> None:
        self.root = Path(os.path.realpath(root))
        self.allow_secrets = allow_secrets

    def resolve(self, raw: str, *, field: str) -> Resolved:
        """Resolve ``raw`` (relative to the root, or absolute) or raise ToolError when it is
        empty, malformed or resolves outside the root (through ``..`` or a symlink)."""
        if not raw.strip():
            raise ToolError(f"Invalid input: {field} must not be empty.")
        if "\x00" in raw:
            raise ToolError(f"Invalid input: {field} contains a NUL character.")
        candidate = Path(raw)
        if raw.startswith("~"):  # the shell's home, never a folder named "~" in the project
            home = os.path.expanduser(raw.split("/", 1)[0])
            if home.startswith("~"):
                raise ToolError(
                    f"Access denied: {raw} names a home directory, outside the project root "
                    f"{self.root}. Tools may only use paths inside the project."
                )
            candidate = Path(os.path.expanduser(raw))
        if not candidate.is_absolute():
            candidate = self.root / candidate
        try:
            real = Path(os.path.realpath(candidate))
        except (OSError, ValueError) as exc:
            raise ToolError(f"Cannot resolve {raw}: {exc}.") from None
        if real != self.root and not real.is_relative_to(self.root):
            raise ToolError(
                f"Access denied: {raw} resolves outside the project root {self.root}. "
                "Tools may only use paths inside the project."
            )
        rel = "." if real == self.root else real.relative_to(self.root).as_posix()
        return Resolved(rel, real)

    def is_secret(self, rel: str) -> bool:
        """True for a secret file that ``allow_secrets`` does not allow."""
        name = rel.rsplit("/", 1)[-1]
        lowered_name = name.lower()
        if _NOT_SECRET_RX.match(lowered_name):
            return False
        if not (_SECRET_NAME_RX.match(lowered_name) or _SECRET_PATH_RX.match(rel.lower())):
            return False
        return not any(fnmatchcase(rel, g) or fnmatchcase(name, g) for g in self.allow_secrets)

    def refuse_secret(self, rel: str) -> None:
        if self.is_secret(rel):
            raise ToolError(
                f"Access denied: {rel} looks like a secret (credentials or a private key). "
                "The user can allow it with the tools.allow_secrets setting."
            )

    @staticmethod
    def refuse_git_internals(rel: str) -> None:
        """Write/Edit never stage changes inside ``.git``."""
        if rel == ".git" or rel.startswith(".git/"):
            raise ToolError(f"Access denied: {rel} is inside .git; use git commands instead.")

    def walk_files(
        self,
        base: Resolved,
        *,
        skip_ignored: bool = True,
        gitignored: Callable[[str, bool], bool] | None = None,
    ) -> Iterator[tuple[str, str]]:
        """(rel, absolute path) of every regular file under ``base`` (a directory inside the
        root), depth first, in directory order (callers sort what they show).

        IGNORED_DIRS (when ``skip_ignored``) and what ``gitignored(rel, is_dir)`` says are
        pruned. Symlinks are skipped, as ripgrep does by default: a link inside the root only
        repeats a file that is walked anyway, and one leading out must not be read. (Read
        follows a link whose target lies inside the root.)
        """
        root_len = len(str(self.root)) + 1
        stack = [str(base.path)]
        while stack:
            directory = stack.pop()
            try:
                with os.scandir(directory) as it:
                    entries = list(it)
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.is_symlink():
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if skip_ignored and entry.name in IGNORED_DIRS:
                            continue
                        if gitignored and gitignored(entry.path[root_len:], True):
                            continue
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        rel = entry.path[root_len:]
                        if not (gitignored and gitignored(rel, False)):
                            yield rel, entry.path
                except OSError:
                    continue
