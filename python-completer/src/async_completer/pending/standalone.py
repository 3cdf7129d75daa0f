"""Finding the standalone Activities that wait (started without a Workflow, `temporal
activity start`): ListActivityExecutions finds the running ones, DescribeActivityExecution
reads each one's state, a bounded number at a time, a page at a time. Each becomes a row of
the same shape as a Workflow's Activity (model.PendingActivity, standalone, no Workflow ID).
Imported only by `list` and serve's /v1/pending, when they run: this module imports
temporalio. Go: internal/pending/standalone.go."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from temporalio.api.activity.v1 import ActivityExecutionInfo
from temporalio.api.enums.v1 import ActivityExecutionStatus, PendingActivityState
from temporalio.api.workflowservice.v1 import (
    DescribeActivityExecutionRequest,
    ListActivityExecutionsRequest,
)
from temporalio.service import RPCError, RPCStatusCode

from async_completer.model import PendingActivity, Time
from async_completer.pending.activity import detail_text
from async_completer.pending.listing import Lister, _Gone, describe_bounded
from async_completer.telemetry import temporal_call

STANDALONE_QUERY = 'TaskQueue = "async" AND ExecutionStatus = "Running"'
_RUNNING = ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING
_PAUSED = ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_PAUSED
_STATE_PREFIX = "PENDING_ACTIVITY_STATE_"


class StandaloneSink(Protocol):
    def standalone(self, row: PendingActivity) -> None:
        """A running standalone Activity's row, as soon as its describe returns."""

    def page(self) -> None:
        """Every standalone Activity of a page is described."""


def _time(info: ActivityExecutionInfo, name: str) -> Time | None:
    if not info.HasField(name):  # type: ignore[arg-type]
        return None
    stamp = getattr(info, name)
    return stamp.seconds, stamp.nanos


def _state(info: ActivityExecutionInfo) -> str:
    if info.status == _PAUSED and info.run_state in (
        PendingActivityState.PENDING_ACTIVITY_STATE_UNSPECIFIED,
        PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
    ):
        return "paused"
    try:
        name = PendingActivityState.Name(info.run_state)
    except ValueError:
        name = "PENDING_ACTIVITY_STATE_UNSPECIFIED"
    return name.removeprefix(_STATE_PREFIX).lower()


def standalone_row(info: ActivityExecutionInfo) -> PendingActivity:
    """The row of a standalone Activity: its current attempt, state, ages, last heartbeat,
    last failure and next attempt, as a Workflow's Activity's row says them."""
    started = _time(info, "last_started_time")
    completed = _time(info, "last_attempt_complete_time")
    next_attempt = _time(info, "next_attempt_schedule_time")
    running = started is not None and (completed is None or started >= completed)
    details = info.heartbeat_details.payloads
    return PendingActivity(
        workflow_id="",
        run_id=info.run_id,
        activity_id=info.activity_id,
        activity_type=info.activity_type.name,
        attempt=max(info.attempt, 1),
        maximum_attempts=info.retry_policy.maximum_attempts,
        state=_state(info),
        waiting_since=started if running else (next_attempt or _time(info, "schedule_time")),
        last_heartbeat_time=_time(info, "last_heartbeat_time"),
        heartbeat_details=detail_text(details[0]) if details else None,
        last_failure=info.last_failure.message if info.HasField("last_failure") else None,
        next_attempt_time=next_attempt,
        standalone=True,
    )


class StandaloneLister(Lister):
    """Lists the running standalone Activities of a query into a sink: a page of
    ListActivityExecutions, then each one described (at most `concurrency` in flight)."""

    async def run_standalone(self, query: str, page_size: int, sink: StandaloneSink) -> None:
        token = b""
        while True:
            request = ListActivityExecutionsRequest(
                namespace=self._client.namespace,
                page_size=page_size,
                next_page_token=token,
                query=query,
            )
            try:
                with temporal_call("list", traced=True):
                    response = await self._call(
                        self._client.workflow_service.list_activity_executions(
                            request, retry=True, timeout=timedelta(seconds=self._timeout)
                        ),
                        query=True,
                    )
            except RPCError as err:
                if err.status == RPCStatusCode.UNIMPLEMENTED:
                    return  # a server without standalone Activities (or them disabled): none
                raise
            running = [
                (info.activity_id, info.run_id)
                for info in response.executions
                if info.status in (_RUNNING, _PAUSED)
            ]
            await self._describe_standalone_all(running, sink)
            sink.page()
            token = response.next_page_token
            if not token:
                return

    async def _describe_standalone_all(
        self, activities: Sequence[tuple[str, str]], sink: StandaloneSink
    ) -> None:
        async def describe_into(activity: tuple[str, str]) -> None:
            row = await self._describe_standalone(*activity)
            if row is not None:
                sink.standalone(row)

        await describe_bounded(activities, self._concurrency, describe_into)

    async def _describe_standalone(self, activity_id: str, run_id: str) -> PendingActivity | None:
        """One standalone Activity's row; None once it has closed or gone."""
        request = DescribeActivityExecutionRequest(
            namespace=self._client.namespace,
            activity_id=activity_id,
            run_id=run_id,
            include_heartbeat_details=True,
            include_last_failure=True,
        )
        try:
            with temporal_call("describe", traced=True):
                response = await self._call(
                    self._client.workflow_service.describe_activity_execution(
                        request, retry=True, timeout=timedelta(seconds=self._timeout)
                    ),
                    query=False,
                )
        except _Gone:
            return None  # deleted since visibility saw it: left out
        if response.info.status not in (_RUNNING, _PAUSED):
            return None  # closed since visibility saw it: left out
        return standalone_row(response.info)
