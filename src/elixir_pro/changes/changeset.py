"""The changeset: proposed file changes that are staged, never written, until a person
approves them in the review screen.

Producers: the Write/Edit tools (``elixir_pro.tools``), engine autofixes, the offline backend.
Consumers: the review screen, ``elixir_pro.changes`` apply/undo, the session store.

Paths are relative to the project root, in posix form. ``base_hash`` is the sha256 of the
file's bytes at proposal time (None when the file did not exist), so apply can refuse to
overwrite a file that changed since.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class ProposalKind(StrEnum):
    MODIFY = "modify"
    CREATE = "create"
    DELETE = "delete"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class FileProposal:
    path: str
    kind: ProposalKind
    base_text: str | None  # the decoded text on disk at proposal time; None for create
    base_hash: str | None  # sha256 of the bytes on disk at proposal time; None for create
    new_text: str | None  # None for delete

    @property
    def is_noop(self) -> bool:
        return self.kind is ProposalKind.MODIFY and self.base_text == self.new_text


class Changeset:
    """Per-file proposals against one project root. Later proposals for the same file replace
    the new text but keep the original base, so the review shows one diff per file."""

    def __init__(
        self,
        root: Path,
        *,
        source: str,
        description: str = "",
        turn_id: str | None = None,
        changeset_id: str | None = None,
    ) -> None:
        self.root = root.resolve()
        self.source = source
        self.description = description
        self.turn_id = turn_id
        self.id = changeset_id or uuid.uuid4().hex[:12]
        self.proposals: dict[str, FileProposal] = {}

    def _disk(self, rel: str) -> tuple[str | None, str | None]:
        path = self.root / rel
        if not path.is_file():
            return None, None
        data = path.read_bytes()
        return data.decode("utf-8", errors="surrogateescape"), sha256_bytes(data)

    def view(self, rel: str) -> str | None:
        """The text a later Read should see: the staged text if proposed, else the disk text."""
        proposal = self.proposals.get(rel)
        if proposal is not None:
            return proposal.new_text
        return self._disk(rel)[0]

    def propose_text(self, rel: str, new_text: str) -> FileProposal:
        existing = self.proposals.get(rel)
        if existing is not None:
            existing.new_text = new_text
            if existing.kind is ProposalKind.DELETE:
                existing.kind = (
                    ProposalKind.CREATE if existing.base_text is None else ProposalKind.MODIFY
                )
            return existing
        base_text, base_hash = self._disk(rel)
        kind = ProposalKind.CREATE if base_text is None else ProposalKind.MODIFY
        proposal = FileProposal(rel, kind, base_text, base_hash, new_text)
        self.proposals[rel] = proposal
        return proposal

    def propose_delete(self, rel: str) -> FileProposal:
        existing = self.proposals.get(rel)
        if existing is not None:
            existing.kind = ProposalKind.DELETE
            existing.new_text = None
            return existing
        base_text, base_hash = self._disk(rel)
        proposal = FileProposal(rel, ProposalKind.DELETE, base_text, base_hash, None)
        self.proposals[rel] = proposal
        return proposal

    def __len__(self) -> int:
        return len(self.proposals)
