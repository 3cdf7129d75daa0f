"""The Workflow, with the SDK's test environment over the session's dev server and a mock
Activity registered under the real Activity's name."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from async_worker.shared import ACTIVITY_TYPE, ActivitySettings
from async_worker.workflows import Workflow
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import CancelledError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests.harness import EventLoopThread, unique_id


@activity.defn(name=ACTIVITY_TYPE)
async def echo_activity(input: str) -> str:
    return f"echo: {input}"


@activity.defn(name=ACTIVITY_TYPE)
async def cancellable_activity(input: str) -> str:
    try:
        while True:
            activity.heartbeat()
            await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        # Report the cancellation a little later: a Workflow that did not wait for it
        # would have closed by then.
        await asyncio.sleep(0.5)
        raise


async def run_workflow(client: Any, activity_fn: Any, *args: Any, cancel: bool = False) -> Any:
    env = WorkflowEnvironment.from_client(client)
    task_queue = unique_id("tq")
    async with Worker(
        env.client, task_queue=task_queue, workflows=[Workflow], activities=[activity_fn]
    ):
        handle = await env.client.start_workflow(
            Workflow.run, args=list(args), id=unique_id("wf"), task_queue=task_queue
        )
        if cancel:
            await asyncio.sleep(0.5)
            await handle.cancel()
        result: Any
        try:
            result = await handle.result()
        except WorkflowFailureError as err:
            result = err
        return result, [e async for e in handle.fetch_history_events()]


def scheduled(events: list[Any]) -> Any:
    [event] = [e for e in events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]
    return event.activity_task_scheduled_event_attributes


def test_workflow_returns_the_activity_result_with_the_exercise_defaults(
    loop: EventLoopThread, client: Any
) -> None:
    result, events = loop.run(run_workflow(client, echo_activity, "Plain text input"))
    assert result == "echo: Plain text input"
    attributes = scheduled(events)
    assert attributes.activity_type.name == "Activity"
    assert attributes.start_to_close_timeout.ToTimedelta() == timedelta(seconds=300)
    assert attributes.heartbeat_timeout.ToTimedelta() == timedelta(0)
    assert attributes.retry_policy.maximum_attempts == 0


def test_workflow_applies_the_settings_of_one_run(loop: EventLoopThread, client: Any) -> None:
    settings = ActivitySettings(
        start_to_close_seconds=7, heartbeat_timeout_seconds=2, maximum_attempts=3
    )
    result, events = loop.run(run_workflow(client, echo_activity, "x", settings))
    assert result == "echo: x"
    attributes = scheduled(events)
    assert attributes.start_to_close_timeout.ToTimedelta() == timedelta(seconds=7)
    assert attributes.heartbeat_timeout.ToTimedelta() == timedelta(seconds=2)
    assert attributes.retry_policy.maximum_attempts == 3


def summary_of(events: list[Any]) -> str:
    [event] = [e for e in events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]
    assert event.user_metadata.summary.metadata["encoding"] == b"json/plain"
    text: str = json.loads(event.user_metadata.summary.data)
    return text


def test_workflow_gives_the_activity_a_summary(loop: EventLoopThread, client: Any) -> None:
    # The starter's --summary, as the settings carry it.
    settings = ActivitySettings(summary="Pay invoice 3 of 1,200 EUR to ACME")
    _, events = loop.run(run_workflow(client, echo_activity, "invoice 3", settings))
    assert summary_of(events) == "Pay invoice 3 of 1,200 EUR to ACME"
    # Without one: the input's first line, cut to 200 characters.
    _, events = loop.run(run_workflow(client, echo_activity, "  Pay invoice 4\nline 2"))
    assert summary_of(events) == "Pay invoice 4"
    _, events = loop.run(run_workflow(client, echo_activity, "x" * 300))
    assert summary_of(events) == "x" * 199 + "…"


def test_cancelled_workflow_waits_for_the_activity_to_report_cancellation(
    loop: EventLoopThread, client: Any
) -> None:
    settings = ActivitySettings(heartbeat_timeout_seconds=5)
    result, events = loop.run(
        run_workflow(client, cancellable_activity, "x", settings, cancel=True)
    )
    assert isinstance(result, WorkflowFailureError)
    assert isinstance(result.cause, CancelledError)
    types = [e.event_type for e in events]
    # The Activity's cancellation is in the history before the Workflow's own.
    assert types.index(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED) < types.index(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED
    )


@pytest.fixture(autouse=True)
def _uses_dev_server(dev_server: Any) -> None:
    """These tests need the session's dev server, not the Worker process."""
