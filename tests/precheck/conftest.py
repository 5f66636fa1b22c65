"""Fixtures for the check before apply: a compiled copy of the greeter project per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from precheck_support import greeter_copy


@pytest.fixture
def greeter(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return greeter_copy(tmp_path_factory, tmp_path)
