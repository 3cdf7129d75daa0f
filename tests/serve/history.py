"""What the Workflow's history shows after serve answered: the only state there is, so the
only place to check that an answer told the truth."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError
from temporalio.converter import DataConverter
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

from tests.conftest import Demo
from tests.harness import EventLoopThread, wait_until

COMPLETED = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
FAILED = EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
TIMED_OUT = EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
CANCEL_REQUESTED = EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED
CANCELED = EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED
WORKFLOW_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
WORKFLOW_CANCELED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED
# The events that close an Activity attempt: none may appear where nothing was done.
CLOSING = (COMPLETED, FAILED, TIMED_OUT, CANCELED)

FAILURE_TYPES = {"python": "PythonCompleterFailure", "go": "GoCompleterFailure"}


def texts(payloads: Any) -> list[str]:
    """The payloads as texts; each must be one json/plain text payload."""
    converter = DataConverter.default.payload_converter
    assert all(p.metadata["encoding"] == b"json/plain" for p in payloads.payloads)
    return [converter.from_payload(p, str) for p in payloads.payloads]


def events(demo: Demo, handle: Any, *types: int) -> list[Any]:
    return [e for e in demo.history_events(handle) if e.event_type in types]


def pending_activity(demo: Demo, handle: Any) -> Any:
    description = demo.describe(handle)
    assert description.status == WorkflowExecutionStatus.RUNNING
    [activity] = description.raw_description.pending_activities
    assert activity.activity_id == "1"
    return activity


def assert_untouched(demo: Demo, handle: Any) -> None:
    """Nothing was done to the Activity: still pending in its first attempt, no
    heartbeat recorded, nothing in the history that closes it."""
    activity = pending_activity(demo, handle)
    assert activity.attempt == 1
    assert not activity.HasField("last_heartbeat_time"), "a heartbeat was recorded"
    assert events(demo, handle, *CLOSING) == []


def request_cancel(demo: Demo, handle: Any) -> None:
    """Cancels the Workflow and waits until its Activity's cancel request is in the
    history (only then does the server tell a heartbeat)."""
    demo.loop.run(handle.cancel())
    wait_until(
        lambda: events(demo, handle, CANCEL_REQUESTED),
        30,
        f"the Activity's cancel request in the history of {handle.id}",
        interval=0.1,
    )


def assert_completed_once(demo: Demo, handle: Any, result: str) -> None:
    assert demo.result(handle) == result
    [completed] = events(demo, handle, COMPLETED)
    assert texts(completed.activity_task_completed_event_attributes.result) == [result]
    assert events(demo, handle, FAILED, TIMED_OUT, CANCELED) == []


def assert_failed(demo: Demo, handle: Any, kind: str, reason: str) -> None:
    """The Workflow failed with the completer's non-retryable ApplicationError."""
    with pytest.raises(WorkflowFailureError) as failure:
        demo.result(handle)
    activity_error = failure.value.cause
    assert isinstance(activity_error, ActivityError)
    error = activity_error.cause
    assert isinstance(error, ApplicationError)
    assert (error.message, error.type, error.non_retryable) == (reason, FAILURE_TYPES[kind], True)


def assert_cancelled(demo: Demo, handle: Any, details: str | None = None) -> None:
    with pytest.raises(WorkflowFailureError) as failure:
        demo.result(handle)
    assert isinstance(failure.value.cause, CancelledError)
    history = demo.history_events(handle)
    types = [e.event_type for e in history]
    assert types.count(CANCELED) == 1
    assert types.index(CANCELED) < types.index(WORKFLOW_CANCELED)
    if details is not None:
        [canceled] = [e for e in history if e.event_type == CANCELED]
        assert texts(canceled.activity_task_canceled_event_attributes.details) == [details]


def rfc3339(timestamp: Any) -> str:
    """A protobuf Timestamp as the completers write times: RFC 3339 in UTC, trailing zeros
    of the fraction dropped (Go's time.RFC3339Nano)."""
    text = datetime.fromtimestamp(timestamp.seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if timestamp.nanos:
        text += "." + f"{timestamp.nanos:09d}".rstrip("0")
    return text + "Z"


@dataclass(frozen=True)
class Closing:
    """The event that closed an Activity: its time, as the completers write it, and who
    the server recorded as having sent it."""

    time: str
    identity: str


def closing(demo: Demo, handle: Any) -> Closing:
    # While a Workflow task is in flight (a Workflow busy with signals, say) the server
    # buffers new events: the closing event shows once that task completes.
    found: list[Any] = wait_until(
        lambda: events(demo, handle, *CLOSING), 30, f"the Activity's closing event in {handle.id}"
    )
    [event] = found
    attributes = {
        COMPLETED: "activity_task_completed_event_attributes",
        FAILED: "activity_task_failed_event_attributes",
        CANCELED: "activity_task_canceled_event_attributes",
    }[event.event_type]
    recorded: str = getattr(event, attributes).identity
    return Closing(rfc3339(event.event_time), recorded)


def histories(
    loop: EventLoopThread, handles: Sequence[Any], parallel: int = 32, timeout: float = 300
) -> list[list[Any]]:
    """The full histories of many Workflows, at most `parallel` reads in flight, in the
    order given."""

    async def read_all() -> list[list[Any]]:
        gate = asyncio.Semaphore(parallel)

        async def read(handle: Any) -> list[Any]:
            async with gate:
                return list((await handle.fetch_history()).events)

        return list(await asyncio.gather(*(read(handle) for handle in handles)))

    return loop.run(read_all(), timeout)


def completions(history: Sequence[Any]) -> list[str]:
    """The results of the Activity completions in one history, as texts."""
    results: list[str] = []
    for event in history:
        if event.event_type == COMPLETED:
            results += texts(event.activity_task_completed_event_attributes.result)
    return results


def assert_history_of_one_completion(history: Sequence[Any], result: str) -> None:
    """A whole history checked: the Activity completed exactly once, with result, never
    failed, timed out or cancelled, and the Workflow completed."""
    types = [e.event_type for e in history]
    assert completions(history) == [result]
    for closing in (FAILED, TIMED_OUT, CANCELED):
        assert closing not in types, EventType.Name(closing)
    assert types[-1] == WORKFLOW_COMPLETED
    assert types.index(COMPLETED) < types.index(WORKFLOW_COMPLETED)
