"""Activities that wait besides running, on a real dev server, by both completers: paused
(with `temporal activity pause`), reset, and waiting for their next attempt. `list` says how
each waits (table and JSON alike), a heartbeat on a paused or reset one is its own line with
exit 5, and a paused Activity can still be completed."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.conftest import Demo
from tests.harness import TokenLine, unique_id, wait_until

PAUSED_LINE = (
    "error: {desc} is paused on the server: the heartbeat was recorded; stop its work until "
    "it is unpaused"
)
RESET_LINE = (
    "error: {desc} was reset on the server: the heartbeat was recorded; stop its work, its "
    "next attempt logs a new token in the Worker's log"
)


def listed(demo: Demo, kind: str, workflow_id: str) -> tuple[dict[str, Any], str]:
    """The JSON line and the table row that `list --workflow-id` gives of its one Activity."""
    run = demo.run(kind, "list", "--workflow-id", workflow_id, "--json")
    assert run.returncode == 0 and run.stderr == "", run
    [line] = [json.loads(text) for text in run.stdout.splitlines()]
    table = demo.run(kind, "list", "--workflow-id", workflow_id)
    assert table.returncode == 0, table
    _, row, _ = table.stdout.splitlines()
    return line, row


def state_cell(row: str) -> str:
    return re.split(r" {2,}", row)[4]


def pending_state(demo: Demo, handle: Any) -> str:
    """The server's PendingActivityState of the Workflow's Activity, by name."""
    from temporalio.api.enums.v1 import PendingActivityState

    info = demo.describe(handle).raw_description.pending_activities
    return PendingActivityState.Name(info[0].state) if info else ""


def start_with(demo: Demo, **settings: Any) -> Any:
    """A Workflow whose Activity has these settings (a backoff of seconds)."""
    from async_worker.shared import TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings

    return demo.loop.run(
        demo.client.start_workflow(
            WORKFLOW_TYPE,
            args=["Plain text input", ActivitySettings(**settings)],
            id=unique_id("wait"),
            task_queue=TASK_QUEUE,
            result_type=str,
        )
    )


def retrying(demo: Demo, kind: str, backoff_seconds: int) -> Any:
    """A Workflow whose Activity's first attempt the kind completer failed, retryably: it
    waits backoff_seconds for its next attempt (of three)."""
    handle = start_with(demo, maximum_attempts=3, retry_initial_interval_seconds=backoff_seconds)
    line = demo.worker.wait_for_token(handle.id)
    failed = demo.run(kind, "fail", "--tasktoken", line.token, "--reason", "Try later",
                      "--retryable")  # fmt: skip
    assert failed.returncode == 0, failed
    return handle


def desc(line: TokenLine, by_token: bool) -> str:
    attempt = f" (attempt {line.attempt})" if by_token else ""
    workflow_id = line.fields["workflow_id"]
    return f'Activity "{line.activity_id}" of Workflow "{workflow_id}"{attempt}'


def test_a_paused_activity_is_listed_says_so_to_a_heartbeat_and_can_be_completed(
    demo: Demo,
) -> None:
    handle, line = demo.pending()
    demo.temporal(
        "activity", "pause", "--workflow-id", handle.id, "--activity-id",
        line.activity_id, "--identity", "ops@example", "--reason", "waiting for stock",
    )  # fmt: skip
    # Running on the Worker, paused on the server: the pause waits for the attempt to end.
    for kind in ("python", "go"):
        json_line, row = listed(demo, kind, handle.id)
        assert (json_line["state"], json_line["paused_by"], json_line["pause_reason"]) == (
            "pause_requested",
            "ops@example",
            "waiting for stock",
        )
        assert json_line["next_attempt_time"] is None
        assert state_cell(row) == "pause requested"
    by_token = demo.run("python", "heartbeat", "--tasktoken", line.token)
    assert (by_token.returncode, by_token.stderr) == (
        5,
        PAUSED_LINE.format(desc=desc(line, True)) + "\n",
    )
    by_ids = demo.run(
        "go", "heartbeat", "--workflow-id", handle.id, "--activity-id", line.activity_id
    )
    assert (by_ids.returncode, by_ids.stderr) == (
        5,
        PAUSED_LINE.format(desc=desc(line, False)) + "\n",
    )
    # Completing the attempt that runs is not stopped by the pause: the Workflow ends.
    done = demo.run("go", "complete", "--tasktoken", line.token, "--result", "shipped")
    assert done.returncode == 0, done
    assert demo.result(handle) == "shipped"


def test_an_unpaused_activity_heartbeats_again(demo: Demo) -> None:
    handle, line = demo.pending()
    ids = ("--workflow-id", handle.id, "--activity-id", line.activity_id)
    demo.temporal("activity", "pause", *ids)
    assert demo.run("python", "heartbeat", *ids).returncode == 5
    demo.temporal("activity", "unpause", *ids)
    for kind in ("python", "go"):
        json_line, row = listed(demo, kind, handle.id)
        assert (json_line["state"], json_line["paused_by"], state_cell(row)) == (
            "started",
            None,
            "started",
        )
        beat = demo.run(kind, "heartbeat", "--tasktoken", line.token)
        assert beat.returncode == 0, beat
    demo.loop.run(handle.terminate("test over"))


def test_a_heartbeat_of_a_reset_activity_is_exit_5(demo: Demo) -> None:
    handle, line = demo.pending()
    demo.temporal("activity", "reset", "--workflow-id", handle.id, "--activity-id", "1")
    for kind, target, by_token in (
        ("go", ("--tasktoken", line.token), True),
        ("python", ("--workflow-id", handle.id, "--activity-id", "1"), False),
    ):
        beat = demo.run(kind, "heartbeat", *target)
        assert (beat.returncode, beat.stderr) == (
            5,
            RESET_LINE.format(desc=desc(line, by_token)) + "\n",
        ), kind
    demo.loop.run(handle.terminate("test over"))


def test_a_paused_activity_waiting_for_its_retry_is_listed_as_paused(demo: Demo) -> None:
    handle = retrying(demo, "python", 60)
    demo.temporal("activity", "pause", "--workflow-id", handle.id, "--activity-id", "1",
             "--reason", "hold")  # fmt: skip
    wait_until(
        lambda: pending_state(demo, handle).endswith("_PAUSED"), 30, "the Activity to be paused"
    )
    for kind in ("python", "go"):
        json_line, row = listed(demo, kind, handle.id)
        assert (json_line["state"], json_line["next_attempt_time"]) == ("paused", None)
        assert (json_line["pause_reason"], json_line["last_failure"]) == ("hold", "Try later")
        assert state_cell(row) == "paused"
    demo.loop.run(handle.terminate("test over"))


def test_an_activity_waiting_for_its_retry_is_retrying_at_then_started(demo: Demo) -> None:
    handle = retrying(demo, "go", 6)
    for kind in ("python", "go"):
        json_line, row = listed(demo, kind, handle.id)
        assert json_line["state"] == "scheduled" and json_line["attempt"] == 2
        due = json_line["next_attempt_time"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", due), due
        assert state_cell(row) == f"retrying at {due[:19]}Z"
    demo.worker.wait_for_token(handle.id, attempt=2)
    wait_until(lambda: pending_state(demo, handle).endswith("_STARTED"), 30, "attempt 2 to start")
    for kind in ("python", "go"):
        json_line, row = listed(demo, kind, handle.id)
        assert (json_line["state"], json_line["next_attempt_time"]) == ("started", None)
        assert state_cell(row) == "started"
    demo.loop.run(handle.terminate("test over"))
