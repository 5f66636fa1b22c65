"""The changeset: proposed file changes that are staged, never written, until a person
approves them in the review screen.

Producers: the Write/Edit tools (``elixir_pro.tools``), engine autofixes, the offline backend.
Consumers: the review screen, ``elixir_pro.changes`` apply/undo, the session store.

Paths are relative to the project root, in posix form. ``base_hash`` is the sha256 of the
file's bytes at proposal time (None when the file did not exist), so apply can refuse to
overwrite a file that changed since.

Text model: ``base_text`` is the file decoded exactly (utf-8, else latin-1, recorded in
``encoding``), line endings included. Proposed text is adapted to the file's dominant line
ending, so a CRLF file stays CRLF. Each proposal carries its per-hunk ``decisions``; a new
proposal for the same file resets them. A changeset may require the human gate
(``gate_required``): apply refuses it until ``gate_acknowledged``.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from elixir_pro.changes.decisions import HunkDecision
from elixir_pro.changes.textio import (
    UTF8,
    adapt_newlines,
    as_model_text,
    decode,
    dominant_newline,
)


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
    encoding: str = UTF8  # how base_text was decoded and how the result is encoded
    decisions: dict[int, HunkDecision] = field(default_factory=dict)

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
        gate_required: bool = False,
        context_lines: int = 3,
    ) -> None:
        self.root = root.resolve()
        self.source = source
        self.description = description
        self.turn_id = turn_id
        self.id = changeset_id or uuid.uuid4().hex[:12]
        self.proposals: dict[str, FileProposal] = {}
        self.gate_required = gate_required
        self.gate_acknowledged = False
        self.context_lines = context_lines
        self.created_at = time.time()

    def _disk_full(self, rel: str) -> tuple[str | None, str | None, str]:
        path = self.root / rel
        if not path.is_file():
            return None, None, UTF8
        data = path.read_bytes()
        text, encoding = decode(data)
        return text, sha256_bytes(data), encoding

    def _disk(self, rel: str) -> tuple[str | None, str | None]:
        text, digest, _encoding = self._disk_full(rel)
        return text, digest

    @staticmethod
    def _adapt(base_text: str | None, new_text: str, encoding: str = UTF8) -> str:
        new_text = as_model_text(new_text, encoding)
        if base_text is None:
            return new_text
        return adapt_newlines(new_text, dominant_newline(base_text))

    def acknowledge_gate(self) -> None:
        """The person reviewed the escalation; apply may proceed."""
        self.gate_acknowledged = True

    def view(self, rel: str) -> str | None:
        """The text a later Read should see: the staged text if proposed, else the disk text."""
        proposal = self.proposals.get(rel)
        if proposal is not None:
            return proposal.new_text
        return self._disk(rel)[0]

    def propose_text(self, rel: str, new_text: str) -> FileProposal:
        existing = self.proposals.get(rel)
        if existing is not None:
            new_text = self._adapt(existing.base_text, new_text, existing.encoding)
            if existing.new_text != new_text:
                existing.decisions.clear()
            existing.new_text = new_text
            if existing.kind is ProposalKind.DELETE:
                existing.kind = (
                    ProposalKind.CREATE if existing.base_text is None else ProposalKind.MODIFY
                )
            return existing
        base_text, base_hash, encoding = self._disk_full(rel)
        kind = ProposalKind.CREATE if base_text is None else ProposalKind.MODIFY
        new_text = self._adapt(base_text, new_text, encoding)
        proposal = FileProposal(rel, kind, base_text, base_hash, new_text, encoding)
        self.proposals[rel] = proposal
        return proposal

    def propose_delete(self, rel: str) -> FileProposal:
        existing = self.proposals.get(rel)
        if existing is not None:
            existing.kind = ProposalKind.DELETE
            existing.new_text = None
            existing.decisions.clear()
            return existing
        base_text, base_hash, encoding = self._disk_full(rel)
        proposal = FileProposal(rel, ProposalKind.DELETE, base_text, base_hash, None, encoding)
        self.proposals[rel] = proposal
        return proposal

    def __len__(self) -> int:
        return len(self.proposals)
