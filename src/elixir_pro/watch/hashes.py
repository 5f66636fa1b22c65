"""Content fingerprints of watched files, so a save that leaves the bytes as they were is not
a change.

Bounded: at most ``max_entries`` paths (least recently touched evicted first) at a few dozen
bytes each; a path with no fingerprint (never seen, or evicted) simply counts as changed.
Used by :mod:`elixir_pro.watch.service` (one instance per service, touched only from its
pipeline thread).
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from pathlib import Path
from typing import Literal

Change = Literal["changed", "same", "deleted", "absent"]
"""``changed``: new or different bytes; ``same``: identical to the last fingerprint;
``deleted``: gone and was known; ``absent``: gone and never known (a transient file)."""

_CHUNK = 1 << 20


def fingerprint(path: str) -> bytes | None:
    """A 16-byte BLAKE2b digest of the file's bytes, or None when it cannot be read (gone,
    a folder, no permission). Takes a plain string path: this runs for every file of a burst."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        digest = hashlib.blake2b(digest_size=16)
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return digest.digest()


class ContentHashes:
    """Relative path -> last seen fingerprint, in least-recently-touched order."""

    def __init__(self, root: Path, *, max_entries: int = 100_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.root = root
        self._prefix = str(root).rstrip(os.sep) + os.sep
        self.max_entries = max_entries
        self._digests: OrderedDict[str, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._digests)

    def __contains__(self, rel_path: object) -> bool:
        return rel_path in self._digests

    def seed(self, rel_path: str) -> None:
        """Record the current content without reporting anything (start-up baseline). A path
        already known is left alone so a change seen meanwhile is not masked."""
        if rel_path in self._digests:
            return
        digest = fingerprint(self._prefix + rel_path)
        if digest is not None:
            self._store(rel_path, digest)

    def update(self, rel_path: str) -> Change:
        """Re-read one file and record its fingerprint; say how it compares with the last one.
        A path with no fingerprint (never seen, or evicted) that exists counts as changed."""
        digest = fingerprint(self._prefix + rel_path)
        if digest is None:
            return "deleted" if self._digests.pop(rel_path, None) is not None else "absent"
        previous = self._digests.get(rel_path)
        self._store(rel_path, digest)
        return "same" if previous == digest else "changed"

    def forget(self, rel_path: str) -> bool:
        """Drop a path; True when it was known."""
        return self._digests.pop(rel_path, None) is not None

    def paths(self) -> list[str]:
        """Every path with a fingerprint."""
        return list(self._digests)

    def known_under(self, rel_dir: str) -> list[str]:
        """Known paths below a folder (for a folder deleted or moved as a whole)."""
        prefix = rel_dir.rstrip("/") + "/"
        return [p for p in self._digests if p.startswith(prefix)]

    def _store(self, rel_path: str, digest: bytes) -> None:
        self._digests[rel_path] = digest
        self._digests.move_to_end(rel_path)
        while len(self._digests) > self.max_entries:
            self._digests.popitem(last=False)
