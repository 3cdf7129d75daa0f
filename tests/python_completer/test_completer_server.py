"""The Python completer against a real dev server and Worker (tests/conftest.py), for what a
fake client cannot show: requests that a closed standard output must not stop, and `list`
reading what the server really says. Each test lists only its own Workflows (by ID or an ID
prefix): the session's server holds other tests' Activities."""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any

from tests.conftest import Demo
from tests.harness import COMPLETERS, clean_env, unique_id, wait_until


def run_with_stdout_closed(demo: Demo, *args: str, stdin: str = "") -> tuple[int, str]:
    """The installed console script, its standard output a pipe whose reader has gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.run(
            [str(COMPLETERS["python"]), *args],
            input=stdin,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(demo.server.address),
            timeout=60,
        )
    finally:
        os.close(write_end)
    return process.returncode, process.stderr


def test_a_single_completion_with_stdout_closed_is_done(demo: Demo) -> None:
    handle, line = demo.pending()
    code, stderr = run_with_stdout_closed(
        demo, "complete", "--tasktoken", line.token, "--result", "done anyway"
    )
    assert (code, stderr) == (
        1,
        "error: could not write to standard output (broken pipe): the request was sent and "
        "succeeded\n",
    )
    assert demo.result(handle) == "done anyway"


def test_a_batch_with_stdout_closed_sends_every_job(demo: Demo) -> None:
    handles = [demo.pending()[0] for _ in range(3)]
    jobs = "".join(
        json.dumps({"workflow_id": handle.id, "activity_id": "1"}) + "\n" for handle in handles
    )
    code, stderr = run_with_stdout_closed(
        demo, "complete", "--batch", "-", "--result", "Approved", stdin="not a job\n" + jobs
    )
    assert (code, stderr) == (
        2,
        "error: could not write to standard output (broken pipe): all 3 jobs were sent, 3 "
        "succeeded; the lines of 4 jobs were not written\n",
    )
    assert [demo.result(handle) for handle in handles] == ["Approved"] * 3


# list


def start(demo: Demo, workflow_id: str) -> Any:
    """A Workflow with an ID of the test's choosing, so a query can find the test's own."""
    from async_worker.shared import TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings

    return demo.loop.run(
        demo.client.start_workflow(
            WORKFLOW_TYPE,
            args=["Plain text input", ActivitySettings(300, None, None)],
            id=workflow_id,
            task_queue=TASK_QUEUE,
            result_type=str,
        )
    )


def test_list_shows_what_waits_at_once_by_workflow_id(demo: Demo) -> None:
    handle, line = demo.pending()
    beat = demo.run("python", "heartbeat", "--tasktoken", line.token, "--details", "50%\n done")
    assert beat.returncode == 0, beat
    run = demo.run("python", "list", "--json", "--workflow-id", handle.id)
    assert (run.returncode, run.stderr) == (0, "")
    [row] = [json.loads(text) for text in run.stdout.splitlines()]
    assert row["waiting_since"].endswith("Z") and row["last_heartbeat_time"].endswith("Z")
    del row["waiting_since"], row["last_heartbeat_time"]
    assert row == {
        "workflow_id": handle.id,
        "run_id": line.run_id,
        "activity_id": "1",
        "activity_type": "Activity",
        "attempt": 1,
        "maximum_attempts": 0,
        "state": "started",
        "heartbeat_details": "50%\n done",
        "last_failure": None,
        "next_attempt_time": None,
        "paused_by": None,
        "pause_reason": None,
        "input": ["Plain text input"],
        "summary": "Plain text input",  # the sample Workflow's, derived from its input
    }
    table = demo.run("python", "list", "--workflow-id", handle.id)
    header, cells, count = table.stdout.splitlines()
    assert header.split("  ")[0] == "WORKFLOW ID"
    assert re.fullmatch(
        rf"{handle.id}  1            Activity  1        started  \d+s +\d+s ago +50% done  -"
        r"             Plain text input",
        cells,
    ), cells
    assert count == "1 pending Activity in 1 Workflow (1 Workflow looked at)"


def test_listed_activities_pipe_into_a_batch(demo: Demo) -> None:
    prefix = unique_id("pylist")
    handles = [start(demo, f"{prefix}-{n}") for n in range(3)]
    for handle in handles:
        demo.worker.wait_for_token(handle.id)
    query = f'WorkflowId STARTS_WITH "{prefix}" AND ExecutionStatus = "Running"'

    def all_visible() -> bool:
        return bool(demo.loop.run(demo.client.count_workflows(query)).count == 3)

    wait_until(all_visible, 30, f"3 Workflows visible to {query}", interval=0.2)
    env = clean_env(demo.server.address)
    listing = subprocess.Popen(
        [str(COMPLETERS["python"]), "list", "--json", "--query", query, "--page-size", "1"],
        stdout=subprocess.PIPE,
        env=env,
    )
    batch = subprocess.run(
        [str(COMPLETERS["python"]), "complete", "--batch", "-", "--result", "Approved"],
        stdin=listing.stdout,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert listing.stdout is not None
    listing.stdout.close()
    assert listing.wait(30) == 0
    assert (batch.returncode, batch.stderr) == (0, ""), batch
    assert [demo.result(handle) for handle in handles] == ["Approved"] * 3
    for handle in handles:
        left = demo.run("python", "list", "--workflow-id", handle.id)
        # Completed: it exists, and has nothing pending.
        assert left.stdout == "0 pending Activities in 0 Workflows (1 Workflow looked at)\n"
