"""The Workflow: runs the Activity and returns whatever text its completer sent."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from async_worker.activities import AsyncActivity
    from async_worker.shared import WORKFLOW_TYPE, ActivitySettings, default_summary


@workflow.defn(name=WORKFLOW_TYPE)
class Workflow:
    @workflow.run
    async def run(self, input: str, settings: ActivitySettings | None = None) -> str:
        settings = settings or ActivitySettings()
        heartbeat = settings.heartbeat_timeout_seconds
        return await workflow.execute_activity_method(
            AsyncActivity.run,
            input,
            # What the person who decides reads first (list, the approval page, the
            # announcement), written into the scheduled event's user metadata.
            summary=settings.summary or default_summary(input),
            activity_id=settings.activity_id,
            start_to_close_timeout=timedelta(seconds=settings.start_to_close_seconds),
            heartbeat_timeout=timedelta(seconds=heartbeat) if heartbeat else None,
            retry_policy=_retry_policy(settings),
            # When the Workflow is cancelled, wait until a completer reports the Activity
            # as cancelled, so the Workflow's history shows who stopped the work.
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )


def _retry_policy(settings: ActivitySettings) -> RetryPolicy | None:
    """The settings' retry policy; None (the server's default) when they set nothing."""
    initial = settings.retry_initial_interval_seconds
    if not settings.maximum_attempts and not initial:
        return None
    policy = RetryPolicy(maximum_attempts=settings.maximum_attempts or 0)
    if initial:
        policy.initial_interval = timedelta(seconds=initial)
    return policy
