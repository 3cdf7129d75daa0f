"""A signed link as a person meets it (issue 13): the Worker announces an attempt to a chat
webhook (a local receiver here), the person opens the approve link in a browser, sees what it
will do, presses the button, and sees the outcome; the Workflow's result is the link's. Each
completer's serve acts on the links."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import Demo
from tests.harness import VENV_BIN, DevServer, clean_env, stop_process, unique_id, wait_until
from tests.python_worker.receiver import receiver
from tests.serve.harness import ServeProcess
from tests.serve.history import closing

SHOWN_WITHIN_MS = 30_000
SUMMARY = "Pay <b>invoice 3</b> of 1,200 EUR to ACME"
INPUT = "Invoice 3\n<script>window.__ran = true</script>\n" + "line of the invoice " * 500


def test_an_announced_approve_link_is_confirmed_then_approved_in_the_browser(
    demo: Demo, dev_server: DevServer, page: Page, kind: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "link.key"
    key_file.write_text("f00dfeed" * 8 + "\n")
    key_file.chmod(0o600)
    serve = ServeProcess.start(
        kind, dev_server.address, tmp_path / "serve.log", "--link-key-file", str(key_file)
    )
    task_queue = unique_id("links")
    log = tmp_path / "worker.log"
    worker: subprocess.Popen[bytes] | None = None
    try:
        with receiver() as hook:
            with log.open("wb") as out:
                worker = subprocess.Popen(
                    [
                        *(str(VENV_BIN / "python-worker"), "--task-queue", task_queue),
                        *("--announce-url", hook.url, "--link-base-url", serve.url),
                        *("--link-key-file", str(key_file), "--link-for", "erin"),
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=clean_env(dev_server.address),
                )
            wait_until(lambda: "Worker started" in log.read_text(), 60, f"the Worker ({log})")
            handle = start_on(demo, task_queue)
            [announcement] = wait_until(
                hook.announcements, 60, f"the announcement of {handle.id} to {hook.url}"
            )
        assert announcement["workflow_id"] == handle.id
        # The announcement carries the summary, read from the history by the Worker.
        assert (announcement["summary"], announcement["input"]) == (SUMMARY, INPUT)

        page.goto(announcement["approve_url"])
        expect(page.locator("h1")).to_have_text("Approve?", timeout=SHOWN_WITHIN_MS)
        expect(page.locator("#outcome")).to_contain_text("is pending: press the button")
        # What is asked, whole and as text, above the button.
        expect(page.locator("#summary")).to_have_text(SUMMARY)
        assert page.locator("#input").inner_text() == INPUT
        above = page.evaluate(
            "document.querySelector('#input').getBoundingClientRect().bottom"
            " <= document.querySelector('form button').getBoundingClientRect().top"
        )
        assert above
        assert page.evaluate("window.__ran === undefined")
        # Opening the link did nothing.
        assert demo.describe(handle).raw_description.pending_activities

        page.get_by_role("button", name="Approve").click()
        expect(page.locator("h1")).to_have_text("Approved", timeout=SHOWN_WITHIN_MS)
        expect(page.locator("#outcome")).to_contain_text(f'of Workflow "{handle.id}"')
        expect(page.locator("#summary")).to_have_text(SUMMARY)
        assert demo.result(handle) == "Approved"
        assert closing(demo, handle).identity.startswith(f"erin (link) via {kind}-completer serve@")

        # The link is spent: opening it again shows who acted, and no button.
        page.goto(announcement["approve_url"])
        expect(page.locator("h1")).to_have_text(
            "This link can no longer act", timeout=SHOWN_WITHIN_MS
        )
        expect(page.get_by_role("button")).to_have_count(0)
    finally:
        if worker is not None:
            stop_process(worker)
        serve.stop()


def start_on(demo: Demo, task_queue: str) -> Any:
    from async_worker.shared import WORKFLOW_TYPE, ActivitySettings

    return demo.loop.run(
        demo.client.start_workflow(
            WORKFLOW_TYPE,
            args=[INPUT, ActivitySettings(summary=SUMMARY)],
            id=unique_id("wf-link"),
            task_queue=task_queue,
            result_type=str,
        )
    )
