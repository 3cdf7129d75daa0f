"""Reading a Workflow run's history, page by page, for what concerns one Activity: its
scheduled event, the attempt that started last, the event that closed it, and the event
that closed the run. Returns data (model.Finding); decides nothing."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from temporalio.api.common.v1 import Payload, Payloads, WorkflowExecution
from temporalio.api.enums.v1 import EventType, TimeoutType
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryRequest
from temporalio.client import Client

from async_completer import model
from async_completer.model import Closing, Finding, Target
from async_completer.telemetry import temporal_call
from async_completer.times import format_rfc3339nano

SCHEDULED = EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
STARTED = EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
COMPLETED = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
FAILED = EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
TIMED_OUT = EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
CANCELED = EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED
_KIND = {
    COMPLETED: model.COMPLETED,
    FAILED: model.FAILED,
    TIMED_OUT: model.TIMED_OUT,
    CANCELED: model.CANCELED,
}

# STATUS of `its Workflow was STATUS at TIME`, by the event that closed the run.
WORKFLOW_CLOSED = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "completed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "failed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "terminated",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "cancelled",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: "timed out",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continued as new",
}
TIMEOUT_KINDS = {
    TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE: "start-to-close",
    TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START: "schedule-to-start",
    TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE: "schedule-to-close",
    TimeoutType.TIMEOUT_TYPE_HEARTBEAT: "heartbeat",
}


@dataclass
class Seen:
    """The events of one Activity as the reading goes: whether its scheduled event was
    found, the attempt that started last (the server writes the started event when the
    attempt closes), the event that closed it, and the event that closed the Workflow run."""

    scheduled: bool = False
    attempt: int | None = None
    closing: HistoryEvent | None = None
    workflow_closed: HistoryEvent | None = None


class Reader:
    """Reads a history's events one at a time, keeping what concerns the Activity: with a
    token, the one its scheduled_event_id names; by IDs (a link's too), the last one
    scheduled with the activity ID."""

    def __init__(self, target: Target) -> None:
        self._by_token = target.scheduled_event_id is not None
        self._activity_id = target.activity_id
        self._scheduled_id = target.scheduled_event_id
        self.seen = Seen()

    def see(self, event: HistoryEvent) -> None:
        kind = event.event_type
        if kind == SCHEDULED:
            if self._by_token:
                if event.event_id == self._scheduled_id:
                    self.seen.scheduled = True
            elif event.activity_task_scheduled_event_attributes.activity_id == self._activity_id:
                # A later schedule of the same activity ID is the one that counts.
                self._scheduled_id = event.event_id
                self.seen = Seen(scheduled=True, workflow_closed=self.seen.workflow_closed)
        elif kind == STARTED:
            started = event.activity_task_started_event_attributes
            if self._scheduled_id is not None and started.scheduled_event_id == self._scheduled_id:
                self.seen.attempt = started.attempt
        elif kind in _KIND:
            if self._scheduled_id is not None and _scheduled_id_of(event) == self._scheduled_id:
                self.seen.closing = event
        elif kind in WORKFLOW_CLOSED:
            self.seen.workflow_closed = event


def _scheduled_id_of(event: HistoryEvent) -> int:
    kind = event.event_type
    if kind == COMPLETED:
        return event.activity_task_completed_event_attributes.scheduled_event_id
    if kind == FAILED:
        return event.activity_task_failed_event_attributes.scheduled_event_id
    if kind == TIMED_OUT:
        return event.activity_task_timed_out_event_attributes.scheduled_event_id
    return event.activity_task_canceled_event_attributes.scheduled_event_id


def history_page_size() -> int:
    """Events per history page: ASYNC_COMPLETER_HISTORY_PAGE_SIZE (docs/completer-cli.md),
    else 0, the server's default."""
    text = os.environ.get("ASYNC_COMPLETER_HISTORY_PAGE_SIZE", "")
    size = int(text) if text.isascii() and text.isdigit() else 0
    return size if 1 <= size <= 1000 else 0


async def read_history(client: Client, target: Target, deadline: float) -> Finding:
    """Pages through the run's history (the token's run; by IDs the given run, else the
    latest), each page within what is left before deadline (loop time). Raises what the
    request raised."""
    reader = Reader(target)
    execution = WorkflowExecution(workflow_id=target.workflow_id, run_id=target.run_id or "")
    async for event in history_events(client, execution, deadline):
        reader.see(event)
    return finding_of(reader.seen)


async def history_events(
    client: Client, execution: WorkflowExecution, deadline: float
) -> AsyncIterator[HistoryEvent]:
    """The run's events in order, read a page at a time (ASYNC_COMPLETER_HISTORY_PAGE_SIZE),
    each page within what is left before deadline (loop time): only one page is held at a
    time. Raises what the request raised."""
    loop = asyncio.get_running_loop()
    page_token = b""
    while True:
        with temporal_call("history", traced=True):
            response = await client.workflow_service.get_workflow_execution_history(
                GetWorkflowExecutionHistoryRequest(
                    namespace=client.namespace,
                    execution=execution,
                    next_page_token=page_token,
                    maximum_page_size=history_page_size(),
                ),
                retry=True,
                timeout=timedelta(seconds=max(deadline - loop.time(), 0.001)),
            )
        for event in response.history.events:
            yield event
        page_token = response.next_page_token
        if not page_token:
            return


def finding_of(seen: Seen) -> Finding:
    """What the events seen say, as plain data."""
    run = seen.workflow_closed
    return Finding(
        scheduled=seen.scheduled,
        closing=None if seen.closing is None else closing_of(seen.closing, seen.attempt),
        workflow_closed=None if run is None else WORKFLOW_CLOSED[run.event_type],
        workflow_closed_at="" if run is None else time_of(run),
    )


def closing_of(event: HistoryEvent, attempt: int | None) -> Closing:
    kind = event.event_type
    time = time_of(event)
    if kind == COMPLETED:
        completed = event.activity_task_completed_event_attributes
        return Closing(
            model.COMPLETED, time, completed.identity, attempt, text=one_text(completed.result)
        )
    if kind == FAILED:
        failed = event.activity_task_failed_event_attributes
        failure = failed.failure
        return Closing(
            model.FAILED,
            time,
            failed.identity,
            attempt,
            message=failure.message,
            application=failure.HasField("application_failure_info"),
            non_retryable=failure.application_failure_info.non_retryable,
        )
    if kind == CANCELED:
        canceled = event.activity_task_canceled_event_attributes
        return Closing(
            model.CANCELED,
            time,
            canceled.identity,
            attempt,
            text=one_text(canceled.details),
            no_details=not canceled.details.payloads,
        )
    timeout = timeout_kind(event.activity_task_timed_out_event_attributes.failure)
    return Closing(model.TIMED_OUT, time, "", attempt, timeout=timeout)


def time_of(event: HistoryEvent) -> str:
    return format_rfc3339nano(event.event_time.seconds, event.event_time.nanos)


def one_text(payloads: Payloads) -> str | None:
    """The text of a result or details that is exactly one text payload (JSON in json/plain,
    however the SDK that wrote it escaped it); None for anything else."""
    items: Sequence[Payload] = payloads.payloads
    if len(items) != 1 or items[0].metadata.get("encoding") != b"json/plain":
        return None
    try:
        value = json.loads(items[0].data)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def timeout_kind(failure: Failure) -> str | None:
    """KIND of a timeout: the outermost timeout failure's type, its causes looked at too."""
    current: Failure | None = failure
    while current is not None:
        if current.HasField("timeout_failure_info"):
            return TIMEOUT_KINDS.get(current.timeout_failure_info.timeout_type)
        current = current.cause if current.HasField("cause") else None
    return None
