"""Fixtures for the TUI tests: the project folder and an app on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import make_project, options_for_tests

from reviewer.checklist import load_checklist
from reviewer.tui.app import ReviewApp


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def make_app(project: Path):
    """An app on the project: checks only, or with a model factory."""

    def make(factory=None, clock=lambda: 0.0) -> ReviewApp:
        selection = make_project(project)
        app = ReviewApp(selection, options_for_tests(), load_checklist(), factory, root=project, clock=clock)
        app.animation_level = "none"
        return app

    return make
