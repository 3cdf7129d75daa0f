"""The approval page shows how an Activity waits, as `list`'s table does: a paused one with
who paused it and why, one waiting for its next attempt as "retrying at" its time; and it
lists a standalone Activity (started without a Workflow), which Approve completes."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.browser.test_approval_page import row_of
from tests.conftest import Demo
from tests.parity.test_standalone import start_standalone, status
from tests.parity.test_waiting import retrying
from tests.serve.harness import ServeProcess


def test_a_paused_activity_shows_who_paused_it_and_why(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle, _ = demo.pending()
    demo.temporal(
        *("activity", "pause", "--workflow-id", handle.id, "--activity-id", "1"),
        *("--identity", "ops@example", "--reason", "waiting for stock"),
    )
    page.goto(servers[kind].url + "/")
    state = row_of(page, handle.id).locator("td").nth(4)
    expect(state).to_have_text("pause requested by ops@example: waiting for stock")
    demo.loop.run(handle.terminate("test over"))


def test_an_activity_waiting_for_its_retry_shows_retrying_at(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle = retrying(demo, kind, 60)
    page.goto(servers[kind].url + "/")
    state = row_of(page, handle.id).locator("td").nth(4)
    expect(state).to_have_text(re.compile(r"^retrying at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"))
    demo.loop.run(handle.terminate("test over"))


def test_a_standalone_activity_is_listed_and_approved(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    activity_id, _ = start_standalone(demo)
    page.goto(servers[kind].url + "/")
    row = page.locator(f'tr[data-activity-id="{activity_id}"]')
    deadline = time.monotonic() + 30
    while not row.count() and time.monotonic() < deadline:
        page.get_by_role("button", name="Refresh").click()
        page.wait_for_timeout(500)
    expect(row.locator("td").first).to_have_text(f"(standalone) / {activity_id}")
    row.get_by_role("textbox").fill(f"approved on {kind}'s page")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator("#status")).to_have_text(f'Completed standalone Activity "{activity_id}"')
    assert status(demo, activity_id) == "COMPLETED"
