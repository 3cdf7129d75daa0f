"""Reading a standalone Activity's own record (DescribeActivityExecution), after a refusal
"not pending any more": a standalone Activity has no Workflow history, so its record says
what closed it (status, close time, the identity of who reported it, its outcome), or which
attempt is pending now. Returns data (model.Finding), as read.py does for an Activity of a
Workflow; decides nothing. Go: internal/history/record.go."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.activity.v1 import ActivityExecutionInfo, ActivityExecutionOutcome
from temporalio.api.enums.v1 import ActivityExecutionStatus
from temporalio.api.workflowservice.v1 import DescribeActivityExecutionRequest
from temporalio.client import Client

from async_completer import model
from async_completer.history.read import one_text, timeout_kind
from async_completer.model import Closing, Finding, Target
from async_completer.telemetry import temporal_call
from async_completer.times import format_rfc3339nano

STATUS = ActivityExecutionStatus
_RUNNING = (STATUS.ACTIVITY_EXECUTION_STATUS_RUNNING, STATUS.ACTIVITY_EXECUTION_STATUS_PAUSED)


async def read_record(
    client: Client, target: Target, deadline: float
) -> tuple[Finding, int | None]:
    """What the record of the target's run (its token's, or --run-id's, else the latest)
    says, and the attempt pending now (None when it is closed). Raises what the request
    raised (NOT_FOUND: no such standalone Activity)."""
    loop = asyncio.get_running_loop()
    with temporal_call("describe", traced=True):
        response = await client.workflow_service.describe_activity_execution(
            DescribeActivityExecutionRequest(
                namespace=client.namespace,
                activity_id=target.activity_id,
                run_id=target.run_id or "",
                include_outcome=True,
            ),
            retry=True,
            timeout=timedelta(seconds=max(deadline - loop.time(), 0.001)),
        )
    info = response.info
    if info.status in _RUNNING:
        return Finding(scheduled=True), info.attempt
    return Finding(scheduled=True, closing=closing_of(info, response.outcome)), None


def _time(stamp: Timestamp) -> str:
    return format_rfc3339nano(stamp.seconds, stamp.nanos)


def closing_of(info: ActivityExecutionInfo, outcome: ActivityExecutionOutcome) -> Closing | None:
    """The record's close as a Closing; None for a status this completer does not know."""
    time = _time(info.close_time)
    identity = info.last_worker_identity
    status = info.status
    if status == STATUS.ACTIVITY_EXECUTION_STATUS_COMPLETED:
        return Closing(model.COMPLETED, time, identity, info.attempt, text=one_text(outcome.result))
    failure = outcome.failure
    if status == STATUS.ACTIVITY_EXECUTION_STATUS_FAILED:
        return Closing(
            model.FAILED,
            time,
            identity,
            info.attempt,
            message=failure.message,
            application=failure.HasField("application_failure_info"),
            non_retryable=failure.application_failure_info.non_retryable,
        )
    if status == STATUS.ACTIVITY_EXECUTION_STATUS_CANCELED:
        details = failure.canceled_failure_info.details
        return Closing(
            model.CANCELED,
            time,
            identity,
            info.attempt,
            text=one_text(details),
            no_details=not details.payloads,
        )
    if status == STATUS.ACTIVITY_EXECUTION_STATUS_TIMED_OUT:
        return Closing(model.TIMED_OUT, time, "", info.attempt, timeout=timeout_kind(failure))
    if status == STATUS.ACTIVITY_EXECUTION_STATUS_TERMINATED:
        return Closing(model.TERMINATED, time, "", info.attempt, message=failure.message)
    return None
