"""Finding the pending Activities: visibility finds the Workflows, describe reads each
one's pending Activities, then (unless told not to) its history for what they ask.

Visibility is read one page at a time, and each page's running Workflows are described
concurrently (at most `concurrency` describes in flight) before the next page is read: memory
stays flat in the number of Workflows. The rows go to a Sink as they are found: one call per
described Workflow, one per finished page. Imported only by `list`, when it runs: this module
imports temporalio.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Protocol, TypeVar

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionResponse,
    ListWorkflowExecutionsRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from async_completer import lines
from async_completer.connection import Server
from async_completer.history.asked import read_asked
from async_completer.lines.errors import ServerRefused, ServerUnreachable
from async_completer.model import PendingActivity
from async_completer.pending.activity import row_of
from async_completer.pending.attempt import RUNNING, describe, gone
from async_completer.telemetry import temporal_call

DEFAULT_QUERY = 'TaskQueue = "async" AND ExecutionStatus = "Running"'
T = TypeVar("T")


class Sink(Protocol):
    def workflow(self, rows: Sequence[PendingActivity]) -> None:
        """A described Workflow's pending Activities (maybe none), as soon as it returns."""

    def page(self) -> None:
        """Every Workflow of a visibility page (or the one of --workflow-id) is described."""

    def failed(self, workflow_id: str, run_id: str, err: Exception) -> None:
        """A Workflow visibility listed could not be described: what its describe raised
        (send/errors.py's listing_failure says what it means). The others are listed."""


@dataclass(frozen=True)
class Scope:
    """Which Workflows: one by ID (describe alone, no visibility), or a visibility query."""

    workflow_id: str | None = None
    query: str = DEFAULT_QUERY


def pending_of(
    listed: WorkflowExecution, response: DescribeWorkflowExecutionResponse
) -> list[PendingActivity] | None:
    """A described Workflow's rows, in the server's order; None once it has closed."""
    info = response.workflow_execution_info
    if info.status != RUNNING:
        return None
    execution = info.execution if info.execution.workflow_id else listed
    return [
        row_of(execution.workflow_id, execution.run_id, activity)
        for activity in response.pending_activities
    ]


class Lister:
    """One listing on a connected client. Each request (a visibility page, a describe) is
    bounded by --rpc-timeout on its own."""

    def __init__(
        self,
        client: Client,
        server: Server,
        timeout: float,
        concurrency: int,
        *,
        read_input: bool = True,
    ) -> None:
        self._client = client
        # Whether each Workflow's history is read for what its Activities ask
        # (`list --no-input` reads none).
        self._read_input = read_input
        self._server = server
        self._timeout = timeout
        self._concurrency = concurrency
        # L of the count line: every Workflow visibility returned, or for a Workflow ID 1
        # when it exists.
        self.looked_at = 0

    async def run(self, scope: Scope, page_size: int, sink: Sink) -> None:
        """Lists the scope into sink. Raises the contract's error when a request times out or
        a query is refused, else what the request raised (send/errors.py's listing_failure
        says what it means)."""
        if scope.workflow_id is not None:
            execution = WorkflowExecution(workflow_id=scope.workflow_id)
            if await self._describe(execution, sink, listed=False):
                self.looked_at += 1
            sink.page()
            return
        token = b""
        while True:
            request = ListWorkflowExecutionsRequest(
                namespace=self._client.namespace,
                page_size=page_size,
                next_page_token=token,
                query=scope.query,
            )
            with temporal_call("list", traced=True):
                response = await self._call(
                    self._client.workflow_service.list_workflow_executions(
                        request, retry=True, timeout=timedelta(seconds=self._timeout)
                    ),
                    query=True,
                )
            self.looked_at += len(response.executions)
            # A closed Workflow has nothing pending: no describe for it.
            running = [info.execution for info in response.executions if info.status == RUNNING]
            await self._describe_all(running, sink)
            sink.page()
            token = response.next_page_token
            if not token:
                return

    async def _describe_all(self, executions: Sequence[WorkflowExecution], sink: Sink) -> None:
        # A failure of writing rows ends the others: the listing stops with that one error.
        # (A describe that fails is a row of its own: _describe.)
        async def describe_into(execution: WorkflowExecution) -> None:
            await self._describe(execution, sink, listed=True)

        await describe_bounded(executions, self._concurrency, describe_into)

    async def _describe_execution(
        self, execution: WorkflowExecution
    ) -> DescribeWorkflowExecutionResponse:
        """DescribeWorkflowExecution within --rpc-timeout; raises _Gone when the Workflow
        does not exist (any more)."""
        return await self._call(describe(self._client, execution, self._timeout), query=False)

    async def _describe(self, execution: WorkflowExecution, sink: Sink, *, listed: bool) -> bool:
        """Describes one Workflow into sink; False when it does not exist (any more). listed:
        visibility listed it, and others with it."""
        try:
            response = await self._describe_execution(execution)
        except _Gone:
            return False  # deleted since visibility saw it: left out
        except Exception as err:
            if not listed:
                raise  # --workflow-id: this Workflow is the whole listing
            # One Workflow that cannot be described, for any reason, never hides the others.
            sink.failed(execution.workflow_id, execution.run_id, err)
            return True
        rows = pending_of(execution, response)
        if rows is None:  # closed since visibility saw it: left out
            return True
        if rows and self._read_input:
            try:
                rows = await self._with_asked(rows)
            except _Gone:
                return False  # deleted since its describe: left out
        sink.workflow(rows)
        return True

    async def _with_asked(self, rows: list[PendingActivity]) -> list[PendingActivity]:
        """The rows with what each Activity asks, from one read of their run's history,
        bounded by --rpc-timeout as a whole."""
        execution = WorkflowExecution(workflow_id=rows[0].workflow_id, run_id=rows[0].run_id)
        deadline = asyncio.get_running_loop().time() + self._timeout
        asked = await self._call(
            read_asked(self._client, execution, {row.activity_id for row in rows}, deadline),
            query=False,
        )
        return [replace(row, asked=asked.get(row.activity_id)) for row in rows]

    async def _call(self, call: Awaitable[T], *, query: bool) -> T:
        try:
            async with asyncio.timeout(self._timeout):
                return await call
        except Exception as err:
            raise self._failure(err, query) from err

    def _failure(self, err: Exception, query: bool) -> Exception:
        if isinstance(err, TimeoutError):
            return ServerUnreachable(
                lines.unreachable(self._server.address, self._server.rpc_timeout_text)
            )
        if isinstance(err, RPCError):
            if gone(err) and not query:
                return _Gone()
            if err.status == RPCStatusCode.INVALID_ARGUMENT and query:
                return ServerRefused(lines.query_refused(err.message))
        # The caller says what any other failure means (send/errors.py's listing_failure).
        return err


async def describe_bounded(
    items: Sequence[T], concurrency: int, describe: Callable[[T], Awaitable[None]]
) -> None:
    """Awaits describe for each item, at most `concurrency` in flight. The first failure ends
    the describes still in flight and is the one raised. Go: describeBounded in
    internal/pending/listing.go."""
    pending = iter(items)

    async def worker() -> None:
        for item in pending:
            await describe(item)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, len(items))):
                group.create_task(worker())
    except BaseExceptionGroup as failures:
        raise _first(failures) from None


def _first(failures: BaseExceptionGroup[BaseException]) -> BaseException:
    first = failures.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


class _Gone(Exception):
    """Describe answered NOT_FOUND: the Workflow is no more."""
