"""Fixtures of the UI tests: the sample in a database file, and a Chromium shared by one module's browser tests."""

from __future__ import annotations

import pytest

from tests.conftest import copy_database
from tests.ui.browser import launch_chromium, serve_sample


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright; skips without it, fails under CI=true."""
    yield from launch_chromium()


@pytest.fixture
def sample_db_path(db_path, sample_built_once):
    """A database file holding the sample (closed, so the dashboard under test opens it; a copy of
    sample_built_once)."""
    return copy_database(sample_built_once, db_path)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard on a free port against a temporary copy of the sample; always stopped afterwards."""
    yield from serve_sample(tmp_path_factory.mktemp("dashboard"))
