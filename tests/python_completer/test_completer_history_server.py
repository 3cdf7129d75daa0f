"""Who acted, and repeated requests, against a real dev server and Worker: what the Python
completer records as the identity, and what it answers once the server refused a request as
"not pending any more", from real histories (a completion, a retry, a timeout, a terminated
Workflow, a history of several pages)."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

from temporalio.api.enums.v1 import EventType

from tests.conftest import Demo
from tests.harness import wait_until
from tests.serve.history import closing, rfc3339

HOST = socket.gethostname()
GENERIC_START = "it was completed, failed, timed out or retried, or its Workflow closed"


def desc(handle: Any, attempt: int | None = 1) -> str:
    text = f'Activity "1" of Workflow "{handle.id}"'
    return text if attempt is None else f"{text} (attempt {attempt})"


def refusal(desc: str, reason: str) -> str:
    return f"error: {desc} is not pending any more: {reason}\n"


def test_a_repeat_is_already_done_and_another_result_is_refused_with_who(demo: Demo) -> None:
    handle, line = demo.pending()
    token = ["--tasktoken", line.token]
    first = demo.run("python", "complete", *token, "--result", "Paid", "--identity", "payments",
                     "--idempotency-key", "evt_42")  # fmt: skip
    assert (first.returncode, first.stdout) == (0, f"Completed {desc(handle)}\n"), first
    closed = closing(demo, handle)
    who = f"payments via python-completer cli@{HOST} key=evt_42"
    assert closed.identity == who

    done = f"Already done: {desc(handle)} was completed at {closed.time} by {who}\n"
    for args in (
        [*token, "--result", "Paid", "--idempotency-key", "evt_42"],
        [*token, "--result", "Paid"],
        [*token, "--result", "Paid", "--identity", "someone else"],
    ):
        again = demo.run("python", "complete", *args)
        assert (again.returncode, again.stdout, again.stderr) == (0, done, ""), args
    by_ids = demo.run("python", "complete", "--workflow-id", handle.id, "--activity-id", "1",
                      "--result", "Paid")  # fmt: skip
    assert by_ids.stdout == done.replace(desc(handle), desc(handle, None))

    reason = f"it was completed at {closed.time} by {who}"
    for verb, args in (
        ("complete", [*token, "--result", "Refunded"]),
        ("complete", [*token, "--result", "Paid", "--idempotency-key", "evt_43"]),
        ("fail", [*token, "--reason", "Paid"]),
        ("heartbeat", token),
    ):
        late = demo.run("python", verb, *args)
        assert (late.returncode, late.stderr) == (3, refusal(desc(handle), reason)), args
    assert demo.result(handle) == "Paid"


def test_a_retried_token_names_the_attempt_that_is_pending_then_the_one_that_closed(
    demo: Demo,
) -> None:
    handle, first = demo.pending(max_attempts=3)
    retry = demo.run("python", "fail", "--tasktoken", first.token, "--reason", "again",
                     "--retryable")  # fmt: skip
    assert retry.returncode == 0, retry
    second = demo.worker.wait_for_token(handle.id, attempt=2)
    stale = demo.run("python", "complete", "--tasktoken", first.token, "--result", "x")
    pending_now = (
        "attempt 1 was retried: attempt 2 is pending now; its token is in the Worker's log"
    )
    assert (stale.returncode, stale.stderr) == (3, refusal(desc(handle), pending_now))

    done = demo.run("python", "complete", "--tasktoken", second.token, "--result", "x")
    assert done.returncode == 0, done
    closed = closing(demo, handle)
    stale = demo.run("python", "complete", "--tasktoken", first.token, "--result", "x")
    reason = f"attempt 1 was retried: attempt 2 was completed at {closed.time} by {closed.identity}"
    assert (stale.returncode, stale.stderr) == (3, refusal(desc(handle), reason))


def test_a_timed_out_activity_names_its_timeout(demo: Demo) -> None:
    handle, line = demo.pending(start_to_close=1, max_attempts=1)
    events = wait_until(
        lambda: [
            e
            for e in demo.history_events(handle)
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
        ],
        30,
        f"the timeout of {handle.id}",
        interval=0.2,
    )
    late = demo.run("python", "complete", "--tasktoken", line.token)
    reason = f"it timed out at {rfc3339(events[0].event_time)} (its start-to-close timeout)"
    assert (late.returncode, late.stderr) == (3, refusal(desc(handle), reason))


def test_a_terminated_workflow_is_named_and_a_batch_says_already(demo: Demo) -> None:
    done, _ = demo.pending()
    ids = {"workflow_id": done.id, "activity_id": "1"}
    first = demo.run(
        "python", "complete", "--batch", "-", stdin=json.dumps({**ids, "result": "ok"})
    )
    assert first.returncode == 0, first
    closed = closing(demo, done)

    terminated, _ = demo.pending()
    demo.loop.run(terminated.terminate("stop"))
    [end] = [
        e
        for e in demo.history_events(terminated)
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED
    ]
    jobs = (
        json.dumps({**ids, "result": "ok", "identity": "someone"})
        + "\n"
        + json.dumps({"workflow_id": terminated.id, "activity_id": "1"})
        + "\n"
    )
    batch = demo.run("python", "complete", "--batch", "-", "--concurrency", "1", stdin=jobs)
    assert batch.returncode == 3
    message = (
        f"Already done: {desc(done, None)} was completed at {closed.time} by {closed.identity}"
    )
    reason = f"its Workflow was terminated at {rfc3339(end.event_time)}"
    assert [json.loads(line) for line in batch.stdout.splitlines()] == [
        {"line": 1, "outcome": "ok", "code": 0, "message": message, "already": True},
        {
            "line": 2,
            "outcome": "refused",
            "code": 3,
            "message": f"{desc(terminated, None)} is not pending any more: {reason}",
        },
    ]


def test_a_workflow_that_does_not_exist_is_named(demo: Demo) -> None:
    late = demo.run("python", "complete", "--workflow-id", "no-such-wf-0", "--activity-id", "1")
    reason = 'no such Workflow run in namespace "default"'
    assert (late.returncode, late.stderr) == (
        3,
        refusal('Activity "1" of Workflow "no-such-wf-0"', reason),
    )


def test_a_history_of_several_pages_is_read_to_its_closing_event(demo: Demo) -> None:
    """More than a page (the server's default is 1000 events) before the Activity closed:
    signals the Workflow does not handle are recorded all the same."""
    handle, line = demo.pending()

    async def signal_many() -> None:
        gate = asyncio.Semaphore(64)

        async def one(n: int) -> None:
            async with gate:
                await handle.signal("nobody-listens", n)

        await asyncio.gather(*(one(n) for n in range(1100)))

    demo.loop.run(signal_many(), timeout=120)
    first = demo.run("python", "complete", "--tasktoken", line.token, "--result", "late",
                     "--rpc-timeout", "30s")  # fmt: skip
    assert first.returncode == 0, first
    assert len(demo.history_events(handle)) > 1100
    closed = closing(demo, handle)
    # A machine busy with other tests may take a while for a history this long.
    again = demo.run("python", "complete", "--tasktoken", line.token, "--result", "late",
                     "--rpc-timeout", "30s")  # fmt: skip
    done = f"Already done: {desc(handle)} was completed at {closed.time} by {closed.identity}\n"
    assert (again.returncode, again.stdout) == (0, done), again
