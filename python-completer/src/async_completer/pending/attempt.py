"""The attempt of an Activity that is pending now, from describe: the one question both
the refusal's explanation (was a token's attempt retried?) and a signed link's check (is
the link's attempt still the one pending?) ask. Go: internal/pending/attempt.go."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import ActivityExecutionStatus, WorkflowExecutionStatus
from temporalio.api.workflowservice.v1 import (
    DescribeActivityExecutionRequest,
    DescribeWorkflowExecutionRequest,
    DescribeWorkflowExecutionResponse,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from async_completer.telemetry import temporal_call

RUNNING = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING


async def describe(
    client: Client, execution: WorkflowExecution, timeout: float
) -> DescribeWorkflowExecutionResponse:
    """DescribeWorkflowExecution, bounded by timeout. Raises what the request raised."""
    request = DescribeWorkflowExecutionRequest(namespace=client.namespace, execution=execution)
    with temporal_call("describe", traced=True):
        async with asyncio.timeout(timeout):
            return await client.workflow_service.describe_workflow_execution(
                request, retry=True, timeout=timedelta(seconds=timeout)
            )


def gone(err: BaseException) -> bool:
    """Describe's NOT_FOUND about the Workflow (not the namespace): it is no more."""
    return (
        isinstance(err, RPCError)
        and err.status == RPCStatusCode.NOT_FOUND
        and not err.message.startswith("Namespace ")
    )


async def pending_attempt(
    client: Client,
    workflow_id: str,
    run_id: str | None,
    activity_id: str,
    timeout: float,
    *,
    running_only: bool = True,
) -> tuple[str, int] | None:
    """The run and the attempt of one pending Activity (describe: the run given, else the
    latest), or None when the Workflow does not exist or runs no more, or the Activity is
    not pending in it. Raises what describe raised otherwise (the caller says what it
    means). running_only=False takes the Activity from the answer whatever the Workflow's
    status says: the refusal's explanation has read the history already, which says
    whether the run closed."""
    if not workflow_id:
        return await _standalone_attempt(client, run_id, activity_id, timeout)
    execution = WorkflowExecution(workflow_id=workflow_id, run_id=run_id or "")
    try:
        response = await describe(client, execution, timeout)
    except Exception as err:
        if gone(err):
            return None
        raise
    info = response.workflow_execution_info
    if running_only and info.status != RUNNING:
        return None
    for activity in response.pending_activities:
        if activity.activity_id == activity_id:
            return info.execution.run_id or run_id or "", activity.attempt
    return None


_STANDALONE_PENDING = (
    ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING,
    ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_PAUSED,
)


async def _standalone_attempt(
    client: Client, run_id: str | None, activity_id: str, timeout: float
) -> tuple[str, int] | None:
    """A standalone Activity's run and pending attempt (DescribeActivityExecution), or None
    when it does not exist or is closed."""
    request = DescribeActivityExecutionRequest(
        namespace=client.namespace, activity_id=activity_id, run_id=run_id or ""
    )
    try:
        async with asyncio.timeout(timeout):
            response = await client.workflow_service.describe_activity_execution(
                request, retry=True, timeout=timedelta(seconds=timeout)
            )
    except Exception as err:
        if gone(err):
            return None
        raise
    if response.info.status not in _STANDALONE_PENDING:
        return None
    return response.info.run_id or run_id or "", response.info.attempt
