"""The approval page (GET /, page/index.html) in a real browser, served by each completer:
a person sees a pending Activity, types a result and clicks Approve, and the Workflow
returns that text; types a reason and clicks Reject, and the Workflow fails with it. Behind
a credentials file the page asks for the secret once, keeps it in the tab, and sends it as
a header, never in a URL.

The session's server holds other tests' pending Activities too: the page lists them all,
and each test finds its own row by its Workflow ID (rows carry data-workflow-id)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import Demo
from tests.harness import DevServer
from tests.serve import contract as c
from tests.serve.harness import KINDS, ServeProcess, serving_all
from tests.serve.history import (
    assert_completed_once,
    assert_failed,
    assert_untouched,
    closing,
)

SECRET = "Page-Secret-8d2f0c4b91"
# Visibility lags a Workflow started a moment ago: how long a row may take to show up.
LISTED_WITHIN = 30.0
# How long an answer may take to show in the status box.
ANSWERED_WITHIN_MS = 30_000


@pytest.fixture(scope="module")
def secured(dev_server: DevServer, browser_logs: Path) -> Iterator[dict[str, ServeProcess]]:
    credentials = browser_logs / "credentials"
    credentials.write_text(f"approvers {SECRET}\n", encoding="utf-8")
    with serving_all(
        KINDS,
        dev_server.address,
        browser_logs,
        "--auth-token-file",
        str(credentials),
        name="page-secured",
    ) as started:
        yield started


def row_of(page: Page, workflow_id: str) -> Locator:
    """The row of workflow_id, once the page lists it (clicking Refresh meanwhile)."""
    row = page.locator(f'tr[data-workflow-id="{workflow_id}"]')
    deadline = time.monotonic() + LISTED_WITHIN
    tries = 0
    while True:
        tries += 1
        try:
            row.wait_for(state="visible", timeout=2000)
            return row
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"Timed out waiting for the row of {workflow_id} on {page.url}, tried "
                    f"{tries} times; the status box says {page.locator('#status').inner_text()!r}"
                ) from None
            page.get_by_role("button", name="Refresh").click()


def act(row: Locator, text: str, button: str) -> None:
    row.get_by_role("textbox").fill(text)
    row.get_by_role("button", name=button).click()


def assert_status(page: Page, message: str, ok: bool = True) -> None:
    status = page.locator("#status")
    expect(status).to_have_text(message, timeout=ANSWERED_WITHIN_MS)
    expect(status).to_have_class("ok" if ok else "failed")


def test_approve_completes_the_activity_with_the_text_typed(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle, line = demo.pending()
    page.goto(servers[kind].url + "/")
    row = row_of(page, handle.id)
    expect(row.locator("td").nth(1)).to_have_text("Plain text inputShow all")
    expect(row.locator("td").nth(2)).to_have_text("Activity")
    expect(row.locator("td").nth(4)).to_have_text("started")
    # The page addresses Activities by IDs: no token anywhere in what the browser holds.
    content = page.content()
    assert line.token not in content
    assert not c.HEX_RUN.search(content), c.HEX_RUN.search(content)

    result = f"Approved in {kind}'s page: Grüße ✓"
    act(row, result, "Approve")
    assert_status(page, c.completed(c.by_ids(handle.id)))
    expect(row).to_have_count(0)
    assert_completed_once(demo, handle, result)


def test_reject_fails_the_workflow_with_the_reason_typed(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle, _ = demo.pending()
    page.goto(servers[kind].url + "/")
    row = row_of(page, handle.id)
    reason = f"Rejected in {kind}'s page: budget exceeded"
    act(row, reason, "Reject")
    assert_status(page, c.failed(c.by_ids(handle.id)))
    expect(row).to_have_count(0)
    assert_failed(demo, handle, kind, reason)


def test_reject_without_a_reason_asks_for_one_and_sends_nothing(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle, _ = demo.pending()
    page.goto(servers[kind].url + "/")
    row = row_of(page, handle.id)
    act(row, "", "Reject")
    assert_status(page, "Type a reason to reject.", ok=False)
    expect(row).to_have_count(1)
    assert_untouched(demo, handle)
    act(row, "", "Approve")
    assert_status(page, c.completed(c.by_ids(handle.id)))
    assert_completed_once(demo, handle, "")


def test_behind_a_credential_the_page_asks_for_the_secret_then_works(
    demo: Demo, secured: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle, _ = demo.pending()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(secured[kind].url + "/")
    expect(page.locator("#credential")).to_be_visible(timeout=ANSWERED_WITHIN_MS)
    assert_status(page, "This server needs a credential.", ok=False)
    assert page.locator(f'tr[data-workflow-id="{handle.id}"]').count() == 0

    page.locator("#secret").fill(SECRET)
    page.get_by_role("button", name="Use it").click()
    expect(page.locator("#credential")).to_be_hidden()
    row = row_of(page, handle.id)
    # The rows loaded: the credential request is answered, and says so no more.
    expect(page.locator("#status")).to_have_text("")
    act(row, "Approved with a credential", "Approve")
    assert_status(page, c.completed(c.by_ids(handle.id)))
    assert_completed_once(demo, handle, "Approved with a credential")

    assert urls, "the page made no request"
    assert [url for url in urls if SECRET in url] == []
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_the_page_shows_and_records_the_name_the_person_gives(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle, _ = demo.pending()
    page.goto(servers[kind].url + "/")
    identity = page.locator("#identity")
    expect(identity).to_have_text(c.identity(c.ANONYMOUS, kind), timeout=ANSWERED_WITHIN_MS)
    expect(page.locator("#name")).to_be_visible(timeout=ANSWERED_WITHIN_MS)
    page.locator("#person").fill("Ada Lovelace")
    page.get_by_role("button", name="Use this name").click()
    recorded = c.identity(c.unauthenticated("Ada Lovelace"), kind)
    expect(identity).to_have_text(recorded, timeout=ANSWERED_WITHIN_MS)
    act(row_of(page, handle.id), "Approved by Ada", "Approve")
    assert_status(page, c.completed(c.by_ids(handle.id)))
    assert_completed_once(demo, handle, "Approved by Ada")
    assert closing(demo, handle).identity == recorded
    # The name is kept for the tab: a reload shows it again.
    page.reload()
    expect(identity).to_have_text(recorded, timeout=ANSWERED_WITHIN_MS)


def test_behind_a_credential_the_page_shows_the_credentials_name(
    demo: Demo, secured: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle, _ = demo.pending()
    page.goto(secured[kind].url + "/")
    # A name left in the tab from elsewhere is not asked for nor sent: the credential names
    # who acts (docs/completer-http.md).
    page.evaluate("sessionStorage.setItem('completer-name', 'Ada Lovelace')")
    page.locator("#secret").fill(SECRET)
    page.get_by_role("button", name="Use it").click()
    recorded = c.identity("approvers", kind)
    expect(page.locator("#identity")).to_have_text(recorded, timeout=ANSWERED_WITHIN_MS)
    row = row_of(page, handle.id)
    expect(page.locator("#name")).to_be_hidden()
    act(row, "Approved by the team", "Approve")
    assert_status(page, c.completed(c.by_ids(handle.id)))
    assert closing(demo, handle).identity == recorded
