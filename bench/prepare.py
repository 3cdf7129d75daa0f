"""Pending Activities, made fast: all Workflows started concurrently on one client, then
one wait for their token lines in the Worker's log; and the wait for them to close."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime

from async_worker.shared import TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings
from temporalio.client import Client, WorkflowExecutionStatus

from bench.procs import Pending, TokenLog

INPUT = "bench"
# Long enough that no Activity times out and retries while a full run holds it pending
# (a retry would log a second token and make the Worker busy in the middle of a measurement).
SETTINGS = ActivitySettings(start_to_close_seconds=6 * 3600)
# Starts in flight at once: enough to keep the server busy; the server, not this number,
# limits the rate (about 100 starts/s with 1, 8 or 64 in flight on the 2-core machine).
START_CONCURRENCY = 64


@dataclass
class Preparation:
    count: int
    start_seconds: float  # until the server accepted every start
    ready_seconds: float  # until every Activity's token line was in the Worker's log

    @property
    def per_second(self) -> float:
        return self.count / self.ready_seconds if self.ready_seconds else 0.0


async def prepare(
    client: Client, tokens: TokenLog, prefix: str, count: int
) -> tuple[list[Pending], Preparation]:
    """Starts count Workflows with IDs prefix-000000..., returns their pending Activities."""
    workflow_ids = [f"{prefix}-{i:06d}" for i in range(count)]
    limit = asyncio.Semaphore(START_CONCURRENCY)

    async def start(workflow_id: str) -> None:
        async with limit:
            await client.start_workflow(
                WORKFLOW_TYPE,
                args=[INPUT, SETTINGS],
                id=workflow_id,
                task_queue=TASK_QUEUE,
            )

    began = time.perf_counter()
    await asyncio.gather(*(start(w) for w in workflow_ids))
    started = time.perf_counter() - began
    # The Worker needs about three server round trips per Workflow after its start; allow a
    # slow machine 5 per second.
    pending = await tokens.wait_for(workflow_ids, timeout=60 + count / 5)
    return pending, Preparation(count, started, time.perf_counter() - began)


@dataclass
class Closed:
    completed: int  # Workflows of the prefix that closed as Completed
    other: int  # closed otherwise (failed, terminated, ...), or still running at the timeout
    last_close: datetime | None


async def wait_closed(client: Client, prefix: str, count: int) -> Closed:
    """Waits until no Workflow of the prefix runs, then reads their close times: the last one
    is exact (the server's record), however late this polling noticed it."""
    running = f'WorkflowId STARTS_WITH "{prefix}-" AND ExecutionStatus = "Running"'
    deadline = time.monotonic() + 60 + count / 5
    while (await client.count_workflows(running)).count and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
    completed = other = 0
    last: datetime | None = None
    async for execution in client.list_workflows(f'WorkflowId STARTS_WITH "{prefix}-"'):
        if execution.status == WorkflowExecutionStatus.COMPLETED:
            completed += 1
        else:
            other += 1
        if execution.close_time and (last is None or execution.close_time > last):
            last = execution.close_time
    return Closed(completed, other + max(0, count - completed - other), last)
