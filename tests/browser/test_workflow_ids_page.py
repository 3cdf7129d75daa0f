"""The approval page with Workflow IDs of every kind (issue 17, tests/data/workflow_ids.json):
each ID is shown as text, exactly (HTML in an ID is not markup), and the buttons of a row act
on that row's Activity, whatever its neighbours' IDs hold. A Workflow the completer could not
describe would show as a row with its message: the serve suites hold /v1/pending to that."""

from __future__ import annotations

import json
import time

from playwright.sync_api import ElementHandle, Page

from tests.conftest import Demo
from tests.harness import unique_id
from tests.parity.test_workflow_ids import corpus_ids, start_all
from tests.serve.harness import ServeProcess
from tests.serve.history import assert_completed_once, assert_untouched

LISTED_WITHIN = 30.0
FIND_ROW = """([id]) => [...document.querySelectorAll('#rows tr')]
    .find((tr) => tr.dataset.workflowId === id) || null"""


def row_of(page: Page, workflow_id: str) -> ElementHandle:
    """The row whose data-workflow-id is workflow_id, compared in the page as a string (no
    CSS selector could hold every ID), once the page lists it."""
    deadline = time.monotonic() + LISTED_WITHIN
    while True:
        element = page.evaluate_handle(FIND_ROW, [workflow_id]).as_element()
        if element is not None:
            return element
        if time.monotonic() > deadline:
            raise TimeoutError(f"Timed out waiting for the row of {workflow_id!r} on {page.url}")
        page.get_by_role("button", name="Refresh").click()
        time.sleep(0.5)


def test_the_page_shows_every_id_as_text_and_acts_on_the_right_row(
    demo: Demo, servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    handles = start_all(demo, corpus_ids(unique_id(f"page-{kind}")))
    page.goto(servers[kind].url + "/")
    rows = {name: row_of(page, handle.id) for name, handle in handles.items()}
    for name, handle in handles.items():
        ids_cell = rows[name].query_selector("td.ids")
        assert ids_cell is not None
        # textContent: the exact text, not parsed as HTML.
        assert ids_cell.evaluate("(td) => td.textContent") == f"{handle.id} / 1", name
    assert page.evaluate("() => document.querySelectorAll('script').length") == 1

    acted = ["HTML", "tab", "right-to-left", "longest"]
    for name in acted:
        row = rows[name]
        text_box = row.query_selector("input")
        approve = row.query_selector("button:text-is('Approve')")
        assert text_box is not None and approve is not None
        assert approve.text_content() == "Approve"
        text_box.fill(f"approved {name}")
        approve.click()
        page.wait_for_function(FIND_ROW.replace("|| null", "=== undefined"), arg=[handles[name].id])
    for name in acted:
        assert_completed_once(demo, handles[name], f"approved {name}")
    for name, handle in handles.items():
        if name not in acted:
            assert_untouched(demo, handle)
            demo.loop.run(handle.terminate("test over"))


def test_a_workflow_that_could_not_be_described_is_a_row_with_its_message(
    servers: dict[str, ServeProcess], page: Page, kind: str
) -> None:
    # /v1/pending's answer as the completers give it when one describe failed (the serve
    # and parity suites hold them to it); the page is the one served.
    failed = {"workflow_id": "odd\tone <b>", "run_id": "r", "error": "the server refused it"}
    pending = {
        "workflow_id": "fine", "run_id": "r2", "activity_id": "1", "activity_type": "Activity",
        "attempt": 1, "maximum_attempts": 0, "state": "started", "waiting_since": None,
        "last_heartbeat_time": None, "heartbeat_details": None, "last_failure": None,
    }  # fmt: skip
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in (failed, pending))
    page.route(
        "**/v1/pending",
        lambda route: route.fulfill(status=200, content_type="application/x-ndjson", body=body),
    )
    page.goto(servers[kind].url + "/")
    row = row_of(page, failed["workflow_id"])
    cells = row.query_selector_all("td")
    assert [cell.text_content() for cell in cells] == [failed["workflow_id"], failed["error"]]
    assert row.query_selector("button") is None
    assert cells[1].get_attribute("class") == "failed"
    assert row_of(page, "fine").query_selector("button") is not None
