"""Fixtures for the tool tests: the sample project (see tools_support) and a toolset maker."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools_support import MakeToolset, Project, build_project, toolset_factory


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return build_project(tmp_path)


@pytest.fixture
def make_toolset(project: Project) -> MakeToolset:
    return toolset_factory(project)
