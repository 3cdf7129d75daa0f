"""`list` as a whole program against a fake Temporal client (no server): the command line's
errors, paging, bounded describes, Workflows that are gone, and every failure's line."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from async_completer.batch.read import Defaults, parse_batch
from async_completer.cli import run
from async_completer.telemetry import STATE
from async_completer.telemetry.metrics import Metrics
from temporalio.api.activity.v1 import ActivityExecutionInfo, ActivityExecutionListInfo
from temporalio.api.common.v1 import Payload, WorkflowExecution
from temporalio.api.enums.v1 import (
    ActivityExecutionStatus,
    EventType,
    PendingActivityState,
    WorkflowExecutionStatus,
)
from temporalio.api.history.v1 import History, HistoryEvent
from temporalio.api.workflow.v1 import PendingActivityInfo, WorkflowExecutionInfo
from temporalio.api.workflowservice.v1 import (
    DescribeActivityExecutionRequest,
    DescribeActivityExecutionResponse,
    DescribeWorkflowExecutionRequest,
    DescribeWorkflowExecutionResponse,
    GetWorkflowExecutionHistoryRequest,
    GetWorkflowExecutionHistoryResponse,
    ListActivityExecutionsRequest,
    ListActivityExecutionsResponse,
    ListWorkflowExecutionsRequest,
    ListWorkflowExecutionsResponse,
)
from temporalio.service import RPCError, RPCStatusCode

from tests.python_completer.conftest import invoke
from tests.python_completer.test_completer_output import ClosedPipe

RUNNING = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
COMPLETED = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
SA_RUNNING = ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING
DEFAULT_QUERY = 'TaskQueue = "async" AND ExecutionStatus = "Running"'
UNREACHABLE = (
    "error: could not reach the Temporal server at localhost:7233 within {}: start one with "
    "make server, or point TEMPORAL_ADDRESS or --address at yours\n"
)


def rpc(status: RPCStatusCode, message: str) -> RPCError:
    return RPCError(message, status, b"")


@dataclass
class FakeService:
    """The workflow service of a server holding `workflows` (ID -> number of pending
    Activities, or None for a closed Workflow), in pages of the requested size."""

    workflows: dict[str, int | None] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)  # listed, but describe says NOT_FOUND
    list_error: BaseException | None = None
    describe_error: dict[str, BaseException] = field(default_factory=dict)
    delay: float = 0.0
    lists: list[ListWorkflowExecutionsRequest] = field(default_factory=list)
    describes: list[str] = field(default_factory=list)
    histories: list[str] = field(default_factory=list)  # the Workflow of each history read
    in_flight: int = 0
    most_in_flight: int = 0
    # Running standalone Activities: their IDs.
    standalone: list[str] = field(default_factory=list)
    activity_lists: list[ListActivityExecutionsRequest] = field(default_factory=list)
    activity_list_error: BaseException | None = None

    async def list_activity_executions(
        self, req: ListActivityExecutionsRequest, retry: bool, timeout: Any
    ) -> ListActivityExecutionsResponse:
        self.activity_lists.append(req)
        if self.activity_list_error is not None:
            raise self.activity_list_error
        return ListActivityExecutionsResponse(
            executions=[
                ActivityExecutionListInfo(activity_id=i, run_id=f"run-{i}", status=SA_RUNNING)
                for i in self.standalone
            ]
        )

    async def describe_activity_execution(
        self, req: DescribeActivityExecutionRequest, retry: bool, timeout: Any
    ) -> DescribeActivityExecutionResponse:
        info = ActivityExecutionInfo(
            activity_id=req.activity_id,
            run_id=req.run_id,
            status=SA_RUNNING,
            run_state=PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
            attempt=1,
        )
        info.activity_type.name = "Activity"
        info.last_started_time.FromSeconds(1_700_000_000)
        return DescribeActivityExecutionResponse(info=info)

    async def list_workflow_executions(
        self, req: ListWorkflowExecutionsRequest, retry: bool, timeout: Any
    ) -> ListWorkflowExecutionsResponse:
        self.lists.append(req)
        if self.list_error is not None:
            raise self.list_error
        ids = sorted(self.workflows, reverse=True)  # any order: the table sorts
        start = int(req.next_page_token or b"0")
        page = ids[start : start + req.page_size]
        more = start + req.page_size < len(ids)
        return ListWorkflowExecutionsResponse(
            executions=[
                WorkflowExecutionInfo(
                    execution=WorkflowExecution(workflow_id=i, run_id=f"run-{i}"),
                    status=COMPLETED if self.workflows[i] is None else RUNNING,
                )
                for i in page
            ],
            next_page_token=str(start + req.page_size).encode() if more else b"",
        )

    async def describe_workflow_execution(
        self, req: DescribeWorkflowExecutionRequest, retry: bool, timeout: Any
    ) -> DescribeWorkflowExecutionResponse:
        workflow_id = req.execution.workflow_id
        self.describes.append(workflow_id)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        if workflow_id in self.describe_error:
            raise self.describe_error[workflow_id]
        if workflow_id in self.gone or workflow_id not in self.workflows:
            raise rpc(RPCStatusCode.NOT_FOUND, f"workflow not found for ID: {workflow_id}")
        count = self.workflows[workflow_id]
        activities = [
            PendingActivityInfo(
                activity_id=str(n),
                attempt=1,
                state=PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
            )
            for n in range(1, (count or 0) + 1)
        ]
        for info in activities:
            info.activity_type.name = "Activity"
            info.last_started_time.FromSeconds(1_700_000_000)
        return DescribeWorkflowExecutionResponse(
            workflow_execution_info=WorkflowExecutionInfo(
                execution=WorkflowExecution(workflow_id=workflow_id, run_id=f"run-{workflow_id}"),
                status=COMPLETED if count is None else RUNNING,
            ),
            pending_activities=activities,
        )

    async def get_workflow_execution_history(
        self, req: GetWorkflowExecutionHistoryRequest, retry: bool, timeout: Any
    ) -> GetWorkflowExecutionHistoryResponse:
        """Each pending Activity's scheduled event, asking "Pay <workflow>/<activity>"."""
        workflow_id = req.execution.workflow_id
        self.histories.append(workflow_id)
        events = []
        for n in range(1, (self.workflows.get(workflow_id) or 0) + 1):
            event = HistoryEvent(
                event_id=n, event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            )
            attributes = event.activity_task_scheduled_event_attributes
            attributes.activity_id = str(n)
            attributes.input.payloads.append(
                Payload(
                    metadata={"encoding": b"json/plain"}, data=f'"Pay {workflow_id}/{n}"'.encode()
                )
            )
            events.append(event)
        return GetWorkflowExecutionHistoryResponse(history=History(events=events))


@dataclass
class FakeClient:
    workflow_service: FakeService
    namespace: str = "default"
    connect_kwargs: dict[str, Any] | None = None
    connect_error: BaseException | None = None

    async def connect(self, **kwargs: Any) -> FakeClient:
        kwargs.pop("runtime", None)
        self.connect_kwargs = kwargs
        self.namespace = kwargs["namespace"]
        if self.connect_error is not None:
            raise self.connect_error
        return self


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClient]:
    from temporalio.client import Client

    fake = FakeClient(FakeService())
    monkeypatch.setattr(Client, "connect", fake.connect)
    yield fake


def listed(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


# The command line.

UNKNOWN = 'error: unknown option "--{}": see --help'
PAGE_SIZE = 'error: --page-size "{}" must be a whole number from 1 to 1000'
BOTH = "error: give either --workflow-id or --query, not both"
CONCURRENCY_0 = 'error: --concurrency "0" must be a whole number from 1 to 1000'
STRAY = 'error: unexpected argument "extra": options take the form --name VALUE (see --help)'
TIMEOUT = 'error: --rpc-timeout "{}" is not a duration: use for example 10s, 500ms or 1m'
SCHEME = (
    'error: the Temporal address starts with "http://": give HOST:PORT without a scheme, for '
    "example localhost:7233, in --address or TEMPORAL_ADDRESS"
)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--workflow-id", "a", "--query", "b"], BOTH),
        (["--query", "", "--workflow-id", "a"], BOTH),
        (["--tasktoken", "ab"], UNKNOWN.format("tasktoken")),
        (["--activity-id", "1"], UNKNOWN.format("activity-id")),
        (["--run-id", "r"], UNKNOWN.format("run-id")),
        (["--batch", "-"], UNKNOWN.format("batch")),
        (["--result", "x"], UNKNOWN.format("result")),
        (["-json=maybe"], 'error: option "--json" does not take a value'),
        (["--page-size"], 'error: option "--page-size" needs a value'),
        *[(["--page-size", v], PAGE_SIZE.format(v)) for v in ["0", "1001", "x", " 5", "+1", ""]],
        (["--concurrency", "0"], CONCURRENCY_0),
        (["extra"], STRAY),
        (["--rpc-timeout", "soon"], TIMEOUT.format("soon")),
        # The check order: stray argument, --rpc-timeout, --concurrency, --page-size, scope.
        (["--page-size", "0", "--concurrency", "0", "--rpc-timeout", "x", "extra"], STRAY),
        (["--page-size", "0", "--concurrency", "0", "--rpc-timeout", "x"], TIMEOUT.format("x")),
        (["--page-size", "0", "--concurrency", "0"], CONCURRENCY_0),
        (["--workflow-id", "a", "--query", "b", "--page-size", "0"], PAGE_SIZE.format("0")),
        (["--address", "http://h:1"], SCHEME),
    ],
)  # fmt: skip
def test_usage_errors(server: FakeClient, args: list[str], line: str) -> None:
    result = invoke(["list", *args])
    assert (result.exit_code, result.stderr, result.stdout) == (2, line + "\n", "")
    assert server.connect_kwargs is None


def test_the_unknown_command_line_names_list() -> None:
    result = invoke(["lsit"])
    assert (result.exit_code, result.stderr) == (
        2,
        'error: unknown command "lsit": use complete, fail, heartbeat, cancel, inspect, list, '
        "serve or link (see --help)\n",
    )


def test_help_says_that_visibility_can_lag() -> None:
    result = invoke(["list", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Visibility can lag a Workflow started a moment ago" in text
    assert "finished by its IDs" in text
    assert "list" in invoke(["--help"]).stdout


# Listing.


def test_the_default_scope_pages_and_bounds_the_describes(server: FakeClient) -> None:
    service = server.workflow_service
    service.workflows = {f"wf-{n:02}": 1 for n in range(10)}
    service.delay = 0.01
    result = invoke(["list", "--json", "--page-size", "4", "--concurrency", "3"])
    assert (result.exit_code, result.stderr) == (0, "")
    rows = listed(result.stdout)
    assert sorted(row["workflow_id"] for row in rows) == sorted(service.workflows)
    assert [(r.query, r.page_size, r.namespace) for r in service.lists] == [
        (DEFAULT_QUERY, 4, "default")
    ] * 3
    assert [r.next_page_token for r in service.lists] == [b"", b"4", b"8"]
    assert service.most_in_flight == 3


@pytest.mark.parametrize(
    ("args", "reads"),
    [
        (["list", "--json"], 2),
        (["list"], 2),
        (["list", "--json", "--no-input"], 0),
        (["list", "--no-input"], 0),
    ],
)
def test_no_input_reads_no_history(server: FakeClient, args: list[str], reads: int) -> None:
    service = server.workflow_service
    service.workflows = {"a": 2, "b": 0, "c": 1}
    result = invoke(args)
    assert (result.exit_code, result.stderr) == (0, "")
    # One read per Workflow with pending Activities; none with --no-input.
    assert len(service.histories) == reads
    assert ("Pay a/2" in result.stdout) == (reads > 0)


def test_a_query_is_sent_as_is(server: FakeClient) -> None:
    result = invoke(["list", "--query", "WorkflowType = 'X'", "--namespace", "ns"])
    assert result.exit_code == 0
    [request] = server.workflow_service.lists
    assert (request.query, request.namespace) == ("WorkflowType = 'X'", "ns")


def test_closed_and_gone_workflows_are_left_out(server: FakeClient) -> None:
    service = server.workflow_service
    service.workflows = {"a": 2, "b": None, "c": 0, "d": 1}
    service.gone = {"d"}
    result = invoke(["list"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout.splitlines()
    assert [line.split()[:2] for line in out[1:-1]] == [["a", "1"], ["a", "2"]]
    # b closed (no describe), c nothing pending, d deleted between list and describe: all
    # four were found.
    assert out[-1] == "2 pending Activities in 1 Workflow (4 Workflows looked at)"
    assert sorted(service.describes) == ["a", "c", "d"]


def test_a_workflow_id_is_described_without_visibility(server: FakeClient) -> None:
    service = server.workflow_service
    service.workflows = {"order-7": 1}
    result = invoke(["list", "--json", "--workflow-id", "order-7"])
    assert result.exit_code == 0
    [row] = listed(result.stdout)
    assert (row["workflow_id"], row["run_id"], row["activity_id"]) == (
        "order-7",
        "run-order-7",
        "1",
    )
    assert service.lists == []
    missing = invoke(["list", "--workflow-id", "nobody"])
    assert (missing.exit_code, missing.stdout) == (
        0,
        "0 pending Activities in 0 Workflows (0 Workflows looked at)\n",
    )
    service.workflows["closed"] = None
    closed = invoke(["list", "--workflow-id", "closed"])
    assert (closed.exit_code, closed.stdout) == (
        0,
        "0 pending Activities in 0 Workflows (1 Workflow looked at)\n",
    )


def test_listed_lines_are_batch_jobs() -> None:
    line = (
        '{"workflow_id":"order-17","run_id":"01a2","activity_id":"1",'
        '"activity_type":"Activity","attempt":2,"maximum_attempts":3,"state":"scheduled",'
        '"waiting_since":"2026-12-03T09:41:02.5Z","last_heartbeat_time":null,'
        '"heartbeat_details":{"any":["value"]},"last_failure":"Try later",'
        '"next_attempt_time":"2026-12-03T09:41:05Z","paused_by":"ops","pause_reason":null}'
    )
    for defaults in (Defaults("complete", result="ok"), Defaults("fail", reason="no")):
        [job], malformed = parse_batch(line.encode(), defaults, lambda result: None)
        assert malformed == []
        target = job.target
        assert (target.workflow_id, target.run_id, target.activity_id) == ("order-17", "01a2", "1")
    _, [outcome] = parse_batch(
        b'{"workflow_id":"w","activity_id":"1","status":"x"}', Defaults("complete")
    )
    assert outcome.message.startswith(
        'the line is not a hex task token or a JSON job: unknown key "status"'
    )


# Failures.


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (rpc(RPCStatusCode.INVALID_ARGUMENT, "invalid query:\n NoSuchField"), 3,
         "error: the server refused the query: invalid query: NoSuchField\n"),
        (rpc(RPCStatusCode.NOT_FOUND, "Namespace nope is not found."), 3,
         'error: namespace "default" was not found on the server at localhost:7233: check '
         "--namespace or TEMPORAL_NAMESPACE\n"),
        (rpc(RPCStatusCode.PERMISSION_DENIED, "no"), 3,
         "error: the server refused the request: no\n"),
        (rpc(RPCStatusCode.UNAVAILABLE, "down"), 4, UNREACHABLE.format("10s")),
        (KeyError("odd"), 1, "error: 'odd'\n"),
    ],
)  # fmt: skip
def test_a_refused_listing(server: FakeClient, error: Exception, code: int, line: str) -> None:
    server.workflow_service.list_error = error
    result = invoke(["list"])
    assert (result.exit_code, result.stderr, result.stdout) == (code, line, "")


def test_a_refused_describe_is_a_refused_request_not_a_query(server: FakeClient) -> None:
    service = server.workflow_service
    service.workflows = {"a": 1}
    service.describe_error = {"a": rpc(RPCStatusCode.INVALID_ARGUMENT, "bad")}
    result = invoke(["list", "--workflow-id", "a"])
    assert (result.exit_code, result.stderr) == (3, "error: the server refused the request: bad\n")


def test_unreachable_and_unanswered(server: FakeClient) -> None:
    server.connect_error = RuntimeError("Failed client connect: connection refused")
    result = invoke(["list", "--rpc-timeout", "2s"])
    assert (result.exit_code, result.stderr) == (4, UNREACHABLE.format("2s"))
    server.connect_error = None
    server.workflow_service.workflows = {"a": 1}
    server.workflow_service.delay = 5
    result = invoke(["list", "--rpc-timeout", "100ms", "--json"])
    # A describe that does not answer in time is that Workflow's row.
    assert (result.exit_code, result.stderr) == (4, NOT_DESCRIBED)
    assert json.loads(result.stdout) == {
        "workflow_id": "a",
        "run_id": "run-a",
        "error": UNREACHABLE.format("100ms")[len("error: ") : -1],
    }


NOT_DESCRIBED = "error: 1 Workflow could not be described: its row says why\n"


def test_a_workflow_that_cannot_be_described_never_hides_the_others(server: FakeClient) -> None:
    service = server.workflow_service
    service.workflows = {"a": 1, "b": 1, "c": 1}
    service.describe_error = {"a": rpc(RPCStatusCode.UNAVAILABLE, "gone away")}
    result = invoke(["list", "--page-size", "2"])  # pages: [c, b], then [a]
    assert (result.exit_code, result.stderr) == (4, NOT_DESCRIBED)
    out = result.stdout.splitlines()
    assert [line.split()[0] for line in out[:-1]] == ["WORKFLOW", "b", "c", "a"]
    assert out[-1].endswith("(3 Workflows looked at, 1 could not be described)")
    assert "could not reach the Temporal server" in out[3]


@pytest.mark.parametrize("mode", [[], ["--json"]])
def test_standard_output_closed_stops_the_listing(
    server: FakeClient,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    mode: list[str],
) -> None:
    server.workflow_service.workflows = {f"wf-{n}": 1 for n in range(5)}
    stream = io.TextIOWrapper(io.BufferedWriter(ClosedPipe()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    assert run(["list", *mode, "--page-size", "1", "--concurrency", "1"]) == 1
    assert capsys.readouterr().err == (
        "error: could not write to standard output (broken pipe): the listing stopped\n"
    )
    assert len(server.workflow_service.describes) == 1


def test_the_default_scope_lists_running_standalone_activities_too(server: FakeClient) -> None:
    service = server.workflow_service
    service.workflows = {"wf-1": 1}
    service.standalone = ["sa-1"]
    result = invoke(["list"])
    assert result.exit_code == 0, result.stderr
    _, workflow_row, standalone_row, count = result.stdout.splitlines()
    assert workflow_row.split()[:2] == ["wf-1", "1"]
    assert standalone_row.split()[:4] == ["(standalone)", "sa-1", "Activity", "1"]
    assert count == "2 pending Activities in 1 Workflow and 1 standalone (1 Workflow looked at)"
    [request] = service.activity_lists
    assert (request.query, request.namespace) == (DEFAULT_QUERY, "default")
    lines = listed(invoke(["list", "--json"]).stdout)
    assert [(row["workflow_id"], row["activity_id"], row["run_id"]) for row in lines] == [
        ("wf-1", "1", "run-wf-1"),
        (None, "sa-1", "run-sa-1"),
    ]
    # A Workflow ID or a query names Workflows: no standalone Activity.
    assert "(standalone)" not in invoke(["list", "--query", "X = 1"]).stdout
    assert "(standalone)" not in invoke(["list", "--workflow-id", "wf-1"]).stdout


def test_the_standalone_listings_requests_are_counted(
    server: FakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the Workflows' are: one list and one describe, by operation and result.
    metrics = Metrics(http=False)
    monkeypatch.setattr(STATE, "metrics", metrics)
    server.workflow_service.standalone = ["sa-1"]
    assert invoke(["list"]).exit_code == 0

    def counted(operation: str) -> float | None:
        labels = {"operation": operation, "result": "OK"}
        return metrics.registry.get_sample_value("completer_temporal_requests_total", labels)

    assert (counted("list"), counted("describe")) == (2, 1)  # Workflows' list, then standalone


def test_a_server_without_standalone_activities_lists_the_workflows(server: FakeClient) -> None:
    service = server.workflow_service
    service.workflows = {"wf-1": 1}
    service.activity_list_error = rpc(
        RPCStatusCode.UNIMPLEMENTED, "Standalone activity is disabled"
    )
    result = invoke(["list"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == (
        "1 pending Activity in 1 Workflow (1 Workflow looked at)"
    )
