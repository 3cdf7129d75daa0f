"""Fixtures of the browser suite (`make test-browser`): Debian's Chromium, headless, driven
by Playwright for Python (Playwright's own browser download cannot be reached here). The
session's dev server and Worker (tests/conftest.py) are shared; serve processes come from
the serve suite's harness."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.harness import DevServer
from tests.serve.harness import KINDS, ServeProcess, serving_all


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture(scope="module")
def browser_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("no chromium on PATH: install Debian's package (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page of its own (its own sessionStorage) for each test."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def servers(
    request: pytest.FixtureRequest, dev_server: DevServer, browser_logs: Path
) -> Iterator[dict[str, ServeProcess]]:
    """A serve of each kind on the session's dev server, for the module's tests; each logs
    to browser_logs/<module>-<kind>.log."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with serving_all(KINDS, dev_server.address, browser_logs, name=name) as started:
        yield started
