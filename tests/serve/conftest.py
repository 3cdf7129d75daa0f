"""Fixtures of the serve suite. The session's dev server and Worker (tests/conftest.py) are
shared; serve processes are started per module, where the tests of a module do not get in
each other's way, and each logs its standard error to a file of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.serve.harness import KINDS


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture(scope="module")
def serve_logs(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A folder for the module's serve logs, named after the module."""
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
