"""Pending changesets, persisted per project so ``elixir-pro review`` reopens them after a
restart or a crash.

One JSON file per changeset in ``project_state_dir(root)/changesets/<id>.json`` (the proposals:
texts, hashes, encodings) and the decisions in a small sibling ``<id>.decisions.json``, so the
review screen can save each decision as it is made without rewriting the texts. Both are written
atomically. Used by the review screen, apply (which discards an applied changeset), the
conversation (which saves what a turn staged) and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from elixir_pro.changes.changeset import Changeset, FileProposal, ProposalKind
from elixir_pro.changes.decisions import HunkDecision
from elixir_pro.changes.fsutil import atomic_write
from elixir_pro.errors import UserError
from elixir_pro.paths import project_state_dir

FORMAT = 1


def store_dir(root: Path) -> Path:
    return project_state_dir(root) / "changesets"


def _texts_path(root: Path, changeset_id: str) -> Path:
    return store_dir(root) / f"{changeset_id}.json"


def _decisions_path(root: Path, changeset_id: str) -> Path:
    return store_dir(root) / f"{changeset_id}.decisions.json"


def _write_json(path: Path, data: Any) -> None:
    atomic_write(path, json.dumps(data).encode("utf-8"), 0o600)


def save_decisions(changeset: Changeset) -> None:
    """Persist the decisions only (cheap; called after every decision)."""
    data = {
        "gate_acknowledged": changeset.gate_acknowledged,
        "files": {
            rel: {str(i): d.to_json() for i, d in p.decisions.items()}
            for rel, p in changeset.proposals.items()
        },
    }
    _write_json(_decisions_path(changeset.root, changeset.id), data)


def save(changeset: Changeset) -> None:
    """Persist the whole changeset (proposals and decisions)."""
    proposals = [
        {
            "path": p.path,
            "kind": p.kind.value,
            "base_text": p.base_text,
            "base_hash": p.base_hash,
            "new_text": p.new_text,
            "encoding": p.encoding,
        }
        for p in changeset.proposals.values()
    ]
    data = {
        "format": FORMAT,
        "id": changeset.id,
        "source": changeset.source,
        "description": changeset.description,
        "turn_id": changeset.turn_id,
        "gate_required": changeset.gate_required,
        "context_lines": changeset.context_lines,
        "created_at": changeset.created_at,
        "proposals": proposals,
    }
    _write_json(_texts_path(changeset.root, changeset.id), data)
    save_decisions(changeset)


def _load(root: Path, path: Path) -> Changeset:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        changeset = Changeset(
            root,
            source=data["source"],
            description=data.get("description", ""),
            turn_id=data.get("turn_id"),
            changeset_id=data["id"],
            gate_required=bool(data.get("gate_required", False)),
            context_lines=int(data.get("context_lines", 3)),
        )
        changeset.created_at = float(data.get("created_at", 0.0))
        for p in data["proposals"]:
            changeset.proposals[p["path"]] = FileProposal(
                p["path"],
                ProposalKind(p["kind"]),
                p["base_text"],
                p["base_hash"],
                p["new_text"],
                p.get("encoding", "utf-8"),
            )
        decisions_file = _decisions_path(root, changeset.id)
        if decisions_file.exists():
            decided = json.loads(decisions_file.read_text(encoding="utf-8"))
            changeset.gate_acknowledged = bool(decided.get("gate_acknowledged", False))
            for rel, items in decided.get("files", {}).items():
                if rel in changeset.proposals:
                    changeset.proposals[rel].decisions = {
                        int(i): HunkDecision.from_json(d) for i, d in items.items()
                    }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"unreadable pending changeset ({type(exc).__name__})", path=path) from None
    return changeset


def load(root: Path, changeset_id: str) -> Changeset:
    path = _texts_path(root, changeset_id)
    if not path.exists():
        raise UserError("no such pending changeset", field=changeset_id)
    return _load(root, path)


def pending(root: Path) -> list[Changeset]:
    """Every pending changeset of the project, oldest first."""
    directory = store_dir(root)
    if not directory.is_dir():
        return []
    found = [
        _load(root, p) for p in directory.glob("*.json") if not p.name.endswith(".decisions.json")
    ]
    return sorted(found, key=lambda c: (c.created_at, c.id))


def discard(root: Path, changeset_id: str) -> None:
    """Forget a changeset (applied, or thrown away by the person)."""
    for path in (_texts_path(root, changeset_id), _decisions_path(root, changeset_id)):
        path.unlink(missing_ok=True)
