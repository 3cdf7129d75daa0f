"""What closed an Activity, read from its Workflow's history after the server refused a
request as "not pending any more" (docs/completer-cli.md, "When the server answers 'not
pending any more'").

The completers keep no store: the history is the only state. A repeat of what closed the
Activity (the same action and payload, the same attempt for a token, the same idempotency
key when the request has one) is answered as already done; anything else is refused with
what closed it, when and by whom. The happy path never comes here, and a history that
cannot be read keeps the refusal: never "already done" on a guess.

Imported only where a request is sent: this module imports temporalio.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio.api.common.v1 import Payload, Payloads, WorkflowExecution
from temporalio.api.enums.v1 import EventType, TimeoutType
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionRequest,
    GetWorkflowExecutionHistoryRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from async_completer import lines
from async_completer.connection import Server
from async_completer.errors import ServerRefused
from async_completer.identity import carries_key
from async_completer.jobs import Job, Outcome
from async_completer.target import Target
from async_completer.text import one_line
from async_completer.times import format_rfc3339nano

SCHEDULED = EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
STARTED = EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
COMPLETED = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
FAILED = EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
TIMED_OUT = EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
CANCELED = EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED
_CLOSING = (COMPLETED, FAILED, TIMED_OUT, CANCELED)

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
# VERBED of the "already done" line, by the verb that repeats the closing event.
_VERBED = {"complete": "completed", "fail": "failed", "cancel": "reported as cancelled"}
_ACTION_OF = {"complete": COMPLETED, "fail": FAILED, "cancel": CANCELED}


@dataclass
class Seen:
    """What a history says of one Activity: whether its scheduled event was found, the
    attempt that started last (the server writes the started event when the attempt
    closes), the event that closed it, and the event that closed the Workflow run."""

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
        elif kind in _CLOSING:
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


async def read_history(client: Client, target: Target, deadline: float) -> Seen:
    """Pages through the run's history (the token's run; by IDs the given run, else the
    latest), each page within what is left before deadline (loop time)."""
    loop = asyncio.get_running_loop()
    reader = Reader(target)
    execution = WorkflowExecution(workflow_id=target.workflow_id, run_id=target.run_id or "")
    page_token = b""
    while True:
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
            reader.see(event)
        page_token = response.next_page_token
        if not page_token:
            return reader.seen


async def pending_attempt(client: Client, target: Target, deadline: float) -> int | None:
    """The attempt the server runs now of the Activity (describe), or None when it is not
    pending."""
    loop = asyncio.get_running_loop()
    response = await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace,
            execution=WorkflowExecution(workflow_id=target.workflow_id, run_id=target.run_id or ""),
        ),
        retry=True,
        timeout=timedelta(seconds=max(deadline - loop.time(), 0.001)),
    )
    for activity in response.pending_activities:
        if activity.activity_id == target.activity_id:
            return activity.attempt
    return None


@dataclass
class Found:
    """What the history says (seen), and the attempt pending now when the target's attempt
    may have been retried; or why it could not be read (refusal)."""

    seen: Seen = field(default_factory=Seen)
    attempt_now: int | None = None
    refusal: ServerRefused | None = None


async def find(client: Client, server: Server, target: Target, timeout: float) -> Found:
    """Reads the history (and, for an attempt that may have been retried, describes the
    run), all of it within timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    found = Found()
    try:
        async with asyncio.timeout(timeout):
            found.seen = await read_history(client, target, deadline)
            if retried_perhaps(found.seen, target):
                found.attempt_now = await pending_attempt(client, target, deadline)
    except Exception as err:
        if isinstance(err, RPCError) and err.status == RPCStatusCode.NOT_FOUND:
            reason = lines.no_such_run(server.namespace)
        else:
            reason = lines.history_unreadable(unreadable_because(err, server))
        found.refusal = ServerRefused(lines.not_pending_because(target.description, reason))
    return found


async def explain(client: Client, server: Server, target: Target, timeout: float) -> ServerRefused:
    """The refusal of an Activity that is not pending (any more), saying what closed it:
    for a heartbeat, a link, or any request that cannot be a repeat."""
    found = await find(client, server, target, timeout)
    if found.refusal is not None:
        return found.refusal
    reason = reason_of(found.seen, target, found.attempt_now)
    return ServerRefused(lines.not_pending_because(target.description, reason))


async def answer_refusal(
    client: Client, server: Server, verb: str, job: Job, timeout: float
) -> Outcome:
    """The answer to a request the server refused as not pending any more: already done
    (a success), or raises ServerRefused with the reason the history gives."""
    target = job.target
    found = await find(client, server, target, timeout)
    if found.refusal is not None:
        raise found.refusal
    done = already_done(verb, job, found.seen)
    if done is not None:
        return Outcome(job.line, 0, done, already=True)
    reason = reason_of(found.seen, target, found.attempt_now)
    raise ServerRefused(lines.not_pending_because(target.description, reason))


def retried_perhaps(seen: Seen, target: Target) -> bool:
    """A token's Activity that neither closed nor saw its Workflow close: its attempt may
    have been retried, which only describe tells (the history has no event for a retry)."""
    return (
        target.attempt is not None
        and seen.scheduled
        and seen.closing is None
        and seen.workflow_closed is None
    )


def unreadable_because(err: BaseException, server: Server) -> str:
    """M of `its history could not be read: M`."""
    deadline = isinstance(err, RPCError) and err.status == RPCStatusCode.DEADLINE_EXCEEDED
    if isinstance(err, TimeoutError) or deadline:
        return f"no answer within {server.rpc_timeout_text}"
    if isinstance(err, RPCError):
        return one_line(err.message) or err.status.name
    return one_line(str(err)) or type(err).__name__


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


def same_failure(failure: Failure, reason: str, retryable: bool) -> bool:
    return (
        failure.HasField("application_failure_info")
        and failure.message == reason
        and failure.application_failure_info.non_retryable == (not retryable)
    )


def same_action(verb: str, job: Job, event: HistoryEvent) -> bool:
    """Whether the closing event is this verb with this job's payload."""
    if event.event_type != _ACTION_OF.get(verb):
        return False
    if verb == "complete":
        return one_text(event.activity_task_completed_event_attributes.result) == job.result
    if verb == "fail":
        failure = event.activity_task_failed_event_attributes.failure
        return same_failure(failure, job.reason, job.retryable)
    details = event.activity_task_canceled_event_attributes.details
    if job.details is None:
        return not details.payloads
    return one_text(details) == job.details


def identity_of(event: HistoryEvent) -> str:
    """Who the server recorded as having sent the closing event (a timeout: nobody)."""
    kind = event.event_type
    if kind == COMPLETED:
        return event.activity_task_completed_event_attributes.identity
    if kind == FAILED:
        return event.activity_task_failed_event_attributes.identity
    if kind == CANCELED:
        return event.activity_task_canceled_event_attributes.identity
    return ""


def already_done(verb: str, job: Job, seen: Seen) -> str | None:
    """The "already done" line when the request repeats what closed the Activity: the same
    action and payload, by token the same attempt, and with a key the same key."""
    event = seen.closing
    if event is None or verb not in _VERBED or not same_action(verb, job, event):
        return None
    if job.target.attempt is not None and seen.attempt != job.target.attempt:
        return None
    identity = identity_of(event)
    if job.idempotency_key is not None and not carries_key(identity, job.idempotency_key):
        return None
    return lines.already_done(job.target.description, _VERBED[verb], time_of(event), identity)


def timeout_kind(failure: Failure) -> str | None:
    """KIND of a timeout: the outermost timeout failure's type, its causes looked at too."""
    current: Failure | None = failure
    while current is not None:
        if current.HasField("timeout_failure_info"):
            return TIMEOUT_KINDS.get(current.timeout_failure_info.timeout_type)
        current = current.cause if current.HasField("cause") else None
    return None


def closing_clause(event: HistoryEvent) -> str | None:
    """What closed the Activity, without its subject (`was completed at ...`)."""
    time = time_of(event)
    kind = event.event_type
    if kind == COMPLETED:
        return lines.completed_clause(time, identity_of(event))
    if kind == FAILED:
        failure = event.activity_task_failed_event_attributes.failure
        return lines.failed_clause(time, failure.message, identity_of(event))
    if kind == CANCELED:
        return lines.cancelled_clause(time, identity_of(event))
    timeout = timeout_kind(event.activity_task_timed_out_event_attributes.failure)
    return None if timeout is None else lines.timed_out_clause(time, timeout)


def reason_of(seen: Seen, target: Target, attempt_now: int | None) -> str:
    """REASON of the refusal: what closed the Activity (or which attempt did, when the
    token's was retried), a retry that is pending now, the Workflow's close, or the generic
    words when the history does not say."""
    if seen.closing is not None:
        clause = closing_clause(seen.closing)
        if clause is not None:
            attempt = target.attempt
            if attempt is not None and seen.attempt is not None and seen.attempt != attempt:
                return lines.retried_and_closed(attempt, seen.attempt, clause)
            return lines.closed_by(clause)
    elif target.attempt is not None and attempt_now is not None and attempt_now != target.attempt:
        return lines.retried_and_pending(target.attempt, attempt_now)
    if seen.workflow_closed is not None:
        event = seen.workflow_closed
        return lines.workflow_closed(WORKFLOW_CLOSED[event.event_type], time_of(event))
    return lines.HISTORY_SILENT
