"""The one verb table: for each verb, the request it sends (by task token or by IDs), the
line of its success, the event that closes an Activity when it is accepted (a repeat of
that event is "already done"), and the VERBED of that line. Go: internal/send/verbs.go.

The requests are the SDK's own (what AsyncActivityHandle sends, payloads and failures
encoded by the client's data converter), made here because the SDK sends the identity of
its connection, and a batch job or a serve request names its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio.activity import ActivityCancellationDetails
from temporalio.api.common.v1 import Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.api.workflowservice.v1 import (
    RecordActivityTaskHeartbeatByIdRequest,
    RecordActivityTaskHeartbeatRequest,
    RespondActivityTaskCanceledByIdRequest,
    RespondActivityTaskCanceledRequest,
    RespondActivityTaskCompletedByIdRequest,
    RespondActivityTaskCompletedRequest,
    RespondActivityTaskFailedByIdRequest,
    RespondActivityTaskFailedRequest,
)
from temporalio.client import AsyncActivityCancelledError, Client
from temporalio.exceptions import ApplicationError

from async_completer import lines, model
from async_completer.model import Job, Target

FAILURE_TYPE = "PythonCompleterFailure"

# One request about one Activity, sent with an identity (who acts), bounded by a timeout.
Request = Callable[[Client, Target, str, timedelta], Awaitable[None]]


@dataclass(frozen=True)
class Verb:
    """One row of the table. request builds the job's request; success is its line;
    closes is the Closing.kind it writes (None: a heartbeat closes nothing); verbed is
    VERBED of the "already done" line."""

    name: str
    request: Callable[[Job], Request]
    success: Callable[[Job], str]
    closes: str | None = None
    verbed: str = ""


async def _text_payloads(client: Client, text: str | None) -> Payloads | None:
    """One text payload, or none (heartbeat and cancel without details)."""
    return None if text is None else await client.data_converter.encode_wrapper([text])


async def _respond(
    client: Client,
    target: Target,
    timeout: timedelta,
    method: str,
    messages: tuple[Any, Any],
    **fields: Any,
) -> Any:
    """Sends one of a pair of requests: by task token (method, messages[0]), or by IDs
    (method_by_id, messages[1]), with the fields the two share."""
    fields["namespace"] = client.namespace
    if target.task_token is not None:
        message = messages[0]
        fields["task_token"] = target.task_token
    else:
        method, message = method + "_by_id", messages[1]
        fields.update(
            workflow_id=target.workflow_id,
            run_id=target.run_id or "",
            activity_id=target.activity_id,
        )
    call = getattr(client.workflow_service, method)
    return await call(message(**fields), retry=True, timeout=timeout)


def complete_request(job: Job) -> Request:
    async def request(client: Client, target: Target, identity: str, timeout: timedelta) -> None:
        await _respond(
            client,
            target,
            timeout,
            "respond_activity_task_completed",
            (RespondActivityTaskCompletedRequest, RespondActivityTaskCompletedByIdRequest),
            identity=identity,
            result=await _text_payloads(client, job.result),
        )

    return request


def fail_request(job: Job) -> Request:
    error = ApplicationError(job.reason, type=FAILURE_TYPE, non_retryable=not job.retryable)

    async def request(client: Client, target: Target, identity: str, timeout: timedelta) -> None:
        failure = Failure()
        await client.data_converter.encode_failure(error, failure)
        await _respond(
            client,
            target,
            timeout,
            "respond_activity_task_failed",
            (RespondActivityTaskFailedRequest, RespondActivityTaskFailedByIdRequest),
            identity=identity,
            failure=failure,
        )

    return request


def heartbeat_request(job: Job) -> Request:
    async def request(client: Client, target: Target, identity: str, timeout: timedelta) -> None:
        answer = await _respond(
            client,
            target,
            timeout,
            "record_activity_task_heartbeat",
            (RecordActivityTaskHeartbeatRequest, RecordActivityTaskHeartbeatByIdRequest),
            identity=identity,
            details=await _text_payloads(client, job.details),
        )
        # Cancel requested, paused or reset: the server asks the Activity to stop (exit 5),
        # by token and by IDs alike.
        if answer.cancel_requested or answer.activity_paused or answer.activity_reset:
            raise AsyncActivityCancelledError(
                details=ActivityCancellationDetails(
                    cancel_requested=answer.cancel_requested,
                    paused=answer.activity_paused,
                    reset=answer.activity_reset,
                )
            )

    return request


def cancel_request(job: Job) -> Request:
    async def request(client: Client, target: Target, identity: str, timeout: timedelta) -> None:
        await _respond(
            client,
            target,
            timeout,
            "respond_activity_task_canceled",
            (RespondActivityTaskCanceledRequest, RespondActivityTaskCanceledByIdRequest),
            identity=identity,
            details=await _text_payloads(client, job.details),
        )

    return request


VERBS: dict[str, Verb] = {
    "complete": Verb(
        "complete",
        complete_request,
        lambda job: lines.completed(job.target.description),
        model.COMPLETED,
        "completed",
    ),
    "fail": Verb(
        "fail",
        fail_request,
        lambda job: lines.failed(job.target.description, job.retryable),
        model.FAILED,
        "failed",
    ),
    "heartbeat": Verb(
        "heartbeat",
        heartbeat_request,
        lambda job: lines.heartbeat_recorded(job.target.description),
    ),
    "cancel": Verb(
        "cancel",
        cancel_request,
        lambda job: lines.reported_cancelled(job.target.description),
        model.CANCELED,
        "reported as cancelled",
    ),
}
