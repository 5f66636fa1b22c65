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


def fingerprint(path: str) -> tuple[bytes, int] | None:
    """A 16-byte BLAKE2b digest of the file's bytes and its mtime (ns, taken after reading),
    or None when it cannot be read (gone, a folder, no permission). Takes a plain string path:
    this runs for every file of a burst."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        digest = hashlib.blake2b(digest_size=16)
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
        mtime_ns = os.fstat(fd).st_mtime_ns
    except OSError:
        return None
    finally:
        os.close(fd)
    return digest.digest(), mtime_ns


class ContentHashes:
    """Relative path -> last seen fingerprint, in least-recently-touched order."""

    def __init__(self, root: Path, *, max_entries: int = 100_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.root = root
        self._prefix = str(root).rstrip(os.sep) + os.sep
        self.max_entries = max_entries
        self._digests: OrderedDict[str, bytes] = OrderedDict()
        # mtimes of start-up fingerprints not compared since: see ``update``
        self._seed_mtimes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._digests)

    def __contains__(self, rel_path: object) -> bool:
        return rel_path in self._digests

    def seed(self, rel_path: str) -> None:
        """Record the current content without reporting anything (start-up baseline). A path
        already known is left alone so a change seen meanwhile is not masked."""
        if rel_path in self._digests:
            return
        read = fingerprint(self._prefix + rel_path)
        if read is not None:
            self._store(rel_path, read[0])
            self._seed_mtimes[rel_path] = read[1]

    def update(self, rel_path: str, *, from_event: bool = True) -> Change:
        """Re-read one file and record its fingerprint; say how it compares with the last one.
        A path with no fingerprint (never seen, or evicted) that exists counts as changed.

        Start-up fingerprints are taken while events already arrive, so one may hold the
        content of a save whose event is still on its way. That shows as an unchanged mtime
        since the fingerprint was read: the first comparison after start-up then counts as a
        change (a save after it, even of identical bytes, moves the mtime and is skipped).
        A rescan (``from_event=False``) has no event to account for and compares digests."""
        seed_mtime = self._seed_mtimes.pop(rel_path, None) if from_event else None
        if not from_event:
            self._seed_mtimes.pop(rel_path, None)
        read = fingerprint(self._prefix + rel_path)
        if read is None:
            return "deleted" if self._digests.pop(rel_path, None) is not None else "absent"
        digest, mtime_ns = read
        previous = self._digests.get(rel_path)
        self._store(rel_path, digest)
        if previous == digest and seed_mtime != mtime_ns:
            return "same"
        return "changed"

    def forget(self, rel_path: str) -> bool:
        """Drop a path; True when it was known."""
        self._seed_mtimes.pop(rel_path, None)
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
            evicted, _ = self._digests.popitem(last=False)
            self._seed_mtimes.pop(evicted, None)
