"""Fixtures for the Python completer's own tests: no server, no network.

A fake Temporal client stands in for Client.connect, so the whole program (parsing, the
target, the request, the error mapping, the printed line) runs in-process with CliRunner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from async_completer.cli import cli
from async_completer.tasktokenpb.task_token_pb2 import Task
from click.testing import CliRunner, Result
from temporalio.converter import DataConverter

# Captured from the dev server: workflow_id t1, activity_id 1, attempt 1, activity_type
# Activity, no workflow_type.
REAL_TOKEN = (
    "0a2430316132316565322d613533612d376363362d386437382d333930613235663732383431120274311a"
    "2430316132316565322d626635372d373765322d383131362d37633061626139613435306620052801320131"
    "420841637469766974794a080801109580401801"
)
REAL_DESC = 'Activity "1" of Workflow "t1" (attempt 1)'


def make_token(**fields: Any) -> bytes:
    """A serialized Task with the fields the server always sets, and any others given."""
    task = Task(
        namespace_id=fields.pop("namespace_id", "ns-id"),
        workflow_id=fields.pop("workflow_id", "wf"),
        run_id=fields.pop("run_id", "run"),
        activity_id=fields.pop("activity_id", "1"),
        attempt=fields.pop("attempt", 1),
        **fields,
    )
    return task.SerializeToString()


@dataclass
class FakeTemporal:
    """What the completer did with the fake client, and how the fake answers.

    The completer sends the SDK's raw requests (so that each names its own identity); the
    fake reads them back into calls: ("complete", result, timeout), ("fail", the
    ApplicationError, timeout), ("heartbeat", details, timeout), ("report_cancellation",
    details, timeout), details a tuple of texts. handle_kwargs names the Activity of the
    last request as AsyncActivityHandle would (task_token, or workflow_id, run_id and
    activity_id), and identities the identity each request carried.

    errors answers one Activity (by its token's bytes or its Workflow ID) with an error;
    request_error answers every other request (an AsyncActivityCancelledError answers a
    heartbeat with its flags). delay holds each request that long, and most_in_flight says
    how many requests were waiting at once, at most. history holds the pages that a read of
    the history gets (history_error fails it, history_delay holds each page), and describe
    the answer of describe."""

    connect_kwargs: dict[str, Any] | None = None
    runtime: Any = None
    handle_kwargs: dict[str, Any] | None = None
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    identities: list[str] = field(default_factory=list)
    connects: int = 0
    connect_error: BaseException | None = None
    connect_delay: float = 0.0
    request_error: BaseException | None = None
    errors: dict[bytes | str, BaseException] = field(default_factory=dict)
    delay: float = 0.0
    in_flight: int = 0
    most_in_flight: int = 0
    namespace: str = "default"
    history: list[list[Any]] = field(default_factory=list)
    history_error: BaseException | None = None
    history_delay: float = 0.0
    history_reads: list[Any] = field(default_factory=list)
    describe: Any = None
    describe_error: BaseException | None = None
    data_converter: DataConverter = DataConverter.default

    async def connect(self, **kwargs: Any) -> FakeTemporal:
        # The runtime is the completer's own (SDK logging off), not a connection setting.
        self.runtime = kwargs.pop("runtime", None)
        self.connect_kwargs = kwargs
        self.namespace = kwargs.get("namespace", "default")
        self.connects += 1
        if self.connect_delay:
            await asyncio.sleep(self.connect_delay)
        if self.connect_error is not None:
            raise self.connect_error
        return self

    @property
    def workflow_service(self) -> FakeWorkflowService:
        return FakeWorkflowService(self)


def _texts(payloads: Any) -> tuple[Any, ...]:
    converter = DataConverter.default.payload_converter
    return tuple(converter.from_payloads(list(payloads.payloads))) if payloads.payloads else ()


class FakeWorkflowService:
    """The raw gRPC calls the completer makes, answered by the FakeTemporal."""

    def __init__(self, temporal: FakeTemporal) -> None:
        self.temporal = temporal

    async def _record(self, request: Any, *call: Any) -> None:
        temporal = self.temporal
        token: bytes = getattr(request, "task_token", b"")  # the requests by ID have none
        if token:
            temporal.handle_kwargs = {"task_token": token}
        else:
            temporal.handle_kwargs = {
                "workflow_id": request.workflow_id,
                "run_id": request.run_id or None,
                "activity_id": request.activity_id,
            }
        assert request.namespace == temporal.namespace
        temporal.identities.append(request.identity)
        temporal.calls.append(call)
        temporal.in_flight += 1
        temporal.most_in_flight = max(temporal.most_in_flight, temporal.in_flight)
        try:
            if temporal.delay:
                await asyncio.sleep(temporal.delay)
        finally:
            temporal.in_flight -= 1
        key = token or request.workflow_id or b""
        error = temporal.errors.get(key, temporal.request_error)
        if error is not None:
            raise error

    async def respond_activity_task_completed(self, request: Any, **kw: Any) -> None:
        await self._record(request, "complete", _texts(request.result)[0], kw["timeout"])

    respond_activity_task_completed_by_id = respond_activity_task_completed

    async def respond_activity_task_failed(self, request: Any, **kw: Any) -> None:
        converter = DataConverter.default
        error = converter.failure_converter.from_failure(
            request.failure, converter.payload_converter
        )
        await self._record(request, "fail", error, kw["timeout"])

    respond_activity_task_failed_by_id = respond_activity_task_failed

    async def record_activity_task_heartbeat(self, request: Any, **kw: Any) -> Any:
        from temporalio.api.workflowservice.v1 import RecordActivityTaskHeartbeatResponse
        from temporalio.client import AsyncActivityCancelledError

        try:
            await self._record(request, "heartbeat", _texts(request.details), kw["timeout"])
        except AsyncActivityCancelledError as err:
            details = err.details
            assert details is not None
            return RecordActivityTaskHeartbeatResponse(
                cancel_requested=details.cancel_requested,
                activity_paused=details.paused,
                activity_reset=details.reset,
            )
        return RecordActivityTaskHeartbeatResponse()

    record_activity_task_heartbeat_by_id = record_activity_task_heartbeat

    async def respond_activity_task_canceled(self, request: Any, **kw: Any) -> None:
        details = _texts(request.details)
        await self._record(request, "report_cancellation", details, kw["timeout"])

    respond_activity_task_canceled_by_id = respond_activity_task_canceled

    async def get_workflow_execution_history(self, request: Any, **kw: Any) -> Any:
        from temporalio.api.history.v1 import History
        from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryResponse

        temporal = self.temporal
        temporal.history_reads.append(request)
        if temporal.history_delay:
            await asyncio.sleep(temporal.history_delay)
        if temporal.history_error is not None:
            raise temporal.history_error
        page = int(request.next_page_token or b"0")
        events = temporal.history[page] if page < len(temporal.history) else []
        following = str(page + 1).encode() if page + 1 < len(temporal.history) else b""
        return GetWorkflowExecutionHistoryResponse(
            history=History(events=events), next_page_token=following
        )

    async def describe_workflow_execution(self, request: Any, **kw: Any) -> Any:
        from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionResponse

        if self.temporal.describe_error is not None:
            raise self.temporal.describe_error
        return self.temporal.describe or DescribeWorkflowExecutionResponse()


@pytest.fixture(autouse=True)
def no_temporal_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Temporal's environment configuration from the machine running the tests must not
    leak in: no TEMPORAL_* variables, no config file in the home folder."""
    import os

    for name in list(os.environ):
        if name.startswith("TEMPORAL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def temporal(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTemporal]:
    from temporalio.client import Client

    fake = FakeTemporal()
    monkeypatch.setattr(Client, "connect", fake.connect)
    yield fake


def invoke(args: list[str], input: str | None = None) -> Result:
    """Runs the program in-process, the way the console script does (bar os._exit)."""
    return CliRunner().invoke(cli, args, input=input, prog_name="python-completer")


def error_of(result: Result) -> tuple[int, str, str]:
    return result.exit_code, result.stderr, result.stdout
