"""What a pending Activity asks, on the approval page in a real browser (issue 19): a
person reads the row's summary, or its input shortened, opens the whole input (loaded on
demand from GET /v1/activity), and approves. HTML and script in an input stay text. And the
page's first paint with 500 pending Activities, timed and printed (not asserted: speed is
measured, never a pass or fail of a test)."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.test_approval_page import (
    ANSWERED_WITHIN_MS,
    act,
    assert_status,
    row_of,
)
from tests.conftest import Demo
from tests.harness import unique_id, wait_until
from tests.serve import contract as c
from tests.serve.harness import ServeProcess
from tests.serve.history import assert_completed_once

SCRIPT = "<img src=x onerror=\"window.__ran = 'img'\"><script>window.__ran = 'script'</script>"
WHOLE = f"Pay invoice 3 of 1,200 EUR to ACME.\n{SCRIPT}\n" + "Line of the invoice. " * 5000


def start(demo: Demo, input: str, summary: str | None = None, prefix: str = "asks") -> Any:
    from async_worker.shared import TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings

    return demo.loop.run(
        demo.client.start_workflow(
            WORKFLOW_TYPE,
            args=[input, ActivitySettings(summary=summary)],
            id=unique_id(prefix),
            task_queue=TASK_QUEUE,
            result_type=str,
        )
    )


def test_a_person_reads_what_is_asked_then_approves(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    summarised = start(demo, WHOLE, "Pay <b>invoice 3</b> of 1,200 EUR to ACME")
    plain = start(demo, SCRIPT + " " + "x" * 200, "")  # no summary: the input, shortened
    for handle in (summarised, plain):
        demo.worker.wait_for_token(handle.id)
    page.goto(servers[kind].url + "/")

    row = row_of(page, summarised.id)
    asks = row.locator("td.asks")
    # The summary, as text: its markup shows, it is not markup.
    expect(asks.locator(".asked")).to_have_text("Pay <b>invoice 3</b> of 1,200 EUR to ACME")
    expect(asks.locator(".whole")).to_be_hidden()
    asks.get_by_role("button", name="Show all").click()
    whole = asks.locator(".whole")
    expect(whole).to_be_visible(timeout=ANSWERED_WITHIN_MS)
    assert whole.inner_text() == WHOLE
    # Long text wraps inside its cell: the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    other = row_of(page, plain.id).locator("td.asks .asked")
    expect(other).to_have_text((SCRIPT + " " + "x" * 200)[:119] + "…")
    # Nothing in any input ran.
    assert page.evaluate("window.__ran === undefined")

    act(row, "Paid", "Approve")
    assert_status(page, c.completed(c.by_ids(summarised.id)))
    assert_completed_once(demo, summarised, "Paid")
    act(row_of(page, plain.id), "Paid too", "Approve")
    assert_status(page, c.completed(c.by_ids(plain.id)))


def test_show_all_of_an_activity_finished_elsewhere_says_it_is_not_pending(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handle = start(demo, "Pay invoice 5")
    demo.worker.wait_for_token(handle.id)
    page.goto(servers[kind].url + "/")
    row = row_of(page, handle.id)
    done = demo.run("go", "complete", "--workflow-id", handle.id, "--activity-id", "1")
    assert done.returncode == 0, done
    row.get_by_role("button", name="Show all").click()
    assert_status(page, f'Activity "1" of Workflow "{handle.id}" is not pending', ok=False)


def test_first_paint_with_500_pending(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    """Prints how long the page takes to show 500 pending Activities (bench/README.md,
    "The page with 500 pending"); asserts only that it shows them."""
    prefix = unique_id("paint")
    handles = [start(demo, f"Pay invoice {n} of {n * 10} EUR", prefix=prefix) for n in range(500)]
    try:
        query = f'WorkflowId STARTS_WITH "{prefix}" AND ExecutionStatus = "Running"'

        def all_listed() -> bool:
            listed = servers[kind].get(
                "/v1/pending?query=" + query.replace(" ", "%20").replace('"', "%22")
            )
            return listed.body.count(b"\n") == 500 and b'"state":"started"' in listed.body

        wait_until(all_listed, 120, "500 pending Activities listed", interval=1)
        # The page with at least these 500 rows (the session's server holds other tests'
        # too): from navigation start to the last row drawn.
        began = time.monotonic()
        page.goto(servers[kind].url + "/")
        last = page.locator(f'tr[data-workflow-id="{handles[-1].id}"]')
        last.wait_for(state="visible", timeout=60_000)
        drawn = time.monotonic() - began
        rows = page.locator("#rows tr").count()
        paint = page.evaluate(
            "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
        )
        # How much of it is /v1/pending answering (the server's describes and history
        # reads) rather than the page drawing.
        listing = page.evaluate(
            "performance.getEntriesByType('resource')"
            ".filter((e) => e.name.endsWith('/v1/pending'))[0]?.duration ?? -1"
        )
        print(
            f"\npage-500 {kind}: {rows} rows drawn in {drawn * 1000:.0f} ms "
            f"(first contentful paint {paint:.0f} ms, GET /v1/pending {listing:.0f} ms)"
        )
        assert rows >= 500
    finally:
        for handle in handles:
            demo.loop.run(handle.terminate("test over"))
