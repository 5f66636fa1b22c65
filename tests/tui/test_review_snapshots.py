"""Snapshot tests of the review screen at 80x24 and 160x48 (unified, split, decisions shown,
the inline editor open). Regenerate with ``pytest tests/tui/test_review_snapshots.py
--snapshot-update`` and look at the SVGs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_review_support import Host, sample_changeset, sample_project


def host(tmp_path: Path) -> Host:
    return Host(sample_changeset(sample_project(tmp_path)))


def test_review_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(host(tmp_path), terminal_size=(80, 24))


def test_review_160x48_decisions(snap_compare: Any, tmp_path: Path) -> None:
    press = ["a", "r", *"not now", "enter"]
    assert snap_compare(host(tmp_path), terminal_size=(160, 48), press=press)


def test_review_160x48_split(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(host(tmp_path), terminal_size=(160, 48), press=["s", "j", "j"])


def test_review_80x24_editing(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(host(tmp_path), terminal_size=(80, 24), press=["j", "j", "e"])
