"""`list`, by both completers: the same pending set gives the same table and the same JSON
lines (up to order), the JSON lines pipe into `complete --batch -`, visibility is paged, and
every failure is the line of docs/completer-cli.md.

Each test scopes its listing to its own Workflows (a query on an ID prefix, or
--workflow-id): the session's server holds other tests' pending Activities."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Demo
from tests.faults import helpers as h
from tests.harness import (
    COMPLETERS,
    CompleterRun,
    DevServer,
    clean_env,
    free_port,
    run_completer,
    unique_id,
    wait_until,
)

KINDS = ("python", "go")
JSON_KEYS = [
    "workflow_id",
    "run_id",
    "activity_id",
    "activity_type",
    "attempt",
    "maximum_attempts",
    "state",
    "waiting_since",
    "last_heartbeat_time",
    "heartbeat_details",
    "last_failure",
    "next_attempt_time",
    "paused_by",
    "pause_reason",
    "input",
    "summary",
]
HEADER = [
    "WORKFLOW ID",
    "ACTIVITY ID",
    "TYPE",
    "ATTEMPT",
    "STATE",
    "WAITING",
    "HEARTBEAT",
    "DETAILS",
    "LAST FAILURE",
    "ASKS",
]
DURATION = re.compile(r"^(\d+h)?(\d+m)?\d+s$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$")


def count_line(activities: int, workflows: int, looked_at: int) -> str:
    def plural(n: int, word: str, many: str) -> str:
        return f"{n} {word if n == 1 else many}"

    return (
        f"{plural(activities, 'pending Activity', 'pending Activities')} in "
        f"{plural(workflows, 'Workflow', 'Workflows')} "
        f"({plural(looked_at, 'Workflow', 'Workflows')} looked at)"
    )


def start(demo: Demo, workflow_id: str, **settings: Any) -> Any:
    from async_worker.shared import TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings

    return demo.loop.run(
        demo.client.start_workflow(
            WORKFLOW_TYPE,
            args=["Plain text input", ActivitySettings(**settings)],
            id=workflow_id,
            task_queue=TASK_QUEUE,
            result_type=str,
        )
    )


def prefix_query(prefix: str) -> str:
    return f'WorkflowId STARTS_WITH "{prefix}" AND ExecutionStatus = "Running"'


def wait_visible(demo: Demo, query: str, count: int) -> None:
    """Visibility lags a just-started Workflow: wait until the query sees them all."""

    def visible() -> bool:
        found: int = demo.loop.run(demo.client.count_workflows(query)).count
        return found == count

    wait_until(visible, 30, f"{count} Workflows visible to {query!r}", interval=0.2)


def start_visible(demo: Demo, name: str, count: int) -> tuple[str, list[Any]]:
    """count pending Workflows under a new prefix, once visibility shows them all: the query
    that lists them, and their handles."""
    prefix = unique_id(name)
    handles = [start(demo, f"{prefix}-{i}") for i in range(count)]
    for handle in handles:
        demo.worker.wait_for_token(handle.id)
    query = prefix_query(prefix)
    wait_visible(demo, query, count)
    return query, handles


def list_json(demo: Demo, kind: str, *args: str) -> list[dict[str, Any]]:
    run = demo.run(kind, "list", "--json", *args)
    assert run.returncode == 0 and run.stderr == "", run
    lines = run.stdout.splitlines()
    return [json.loads(line) for line in lines]


def cells(line: str) -> list[str]:
    return re.split(r" {2,}", line)


def column_starts(line: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r" {2,}", line)]


@pytest.fixture(scope="module")
def pending_set(demo_module: Demo) -> Iterator[tuple[str, dict[str, Any]]]:
    """Four Workflows, each with an Activity in another state: plain, cancel requested,
    retried after a failure, heartbeated with details."""
    demo = demo_module
    prefix = unique_id("list")
    handles = {
        name: start(demo, f"{prefix}-{name}", **settings)
        for name, settings in {
            "plain": {},
            "cancel": {},
            "retried": {"maximum_attempts": 3},
            "heartbeat": {},
        }.items()
    }
    tokens = {name: demo.worker.wait_for_token(handle.id) for name, handle in handles.items()}
    demo.loop.run(handles["cancel"].cancel())
    fail = demo.run(
        "go", "fail", "--tasktoken", tokens["retried"].token, "--reason", "Try later",
        "--retryable",
    )  # fmt: skip
    assert fail.returncode == 0, fail
    demo.worker.wait_for_token(handles["retried"].id, attempt=2)
    beat = demo.run(
        "python", "heartbeat", "--tasktoken", tokens["heartbeat"].token, "--details",
        "40%  done\nnearly",
    )  # fmt: skip
    assert beat.returncode == 0, beat

    def cancel_requested() -> bool:
        info = demo.describe(handles["cancel"]).raw_description.pending_activities
        return bool(info) and info[0].state == 3  # PENDING_ACTIVITY_STATE_CANCEL_REQUESTED

    wait_until(cancel_requested, 30, "the cancel request to reach the Activity")
    query = prefix_query(prefix)
    wait_visible(demo, query, 4)
    yield query, handles
    for handle in handles.values():
        demo.loop.run(handle.terminate("test over"))


@pytest.fixture(scope="module")
def demo_module(dev_server: Any, worker: Any, loop: Any, client: Any) -> Demo:
    return Demo(dev_server, worker, loop, client)


def test_both_completers_list_the_same_json_lines(
    demo_module: Demo, pending_set: tuple[str, dict[str, Any]]
) -> None:
    query, handles = pending_set
    demo = demo_module
    raw = {kind: demo.run(kind, "list", "--json", "--query", query) for kind in KINDS}
    for run in raw.values():
        assert run.returncode == 0 and run.stderr == "", run
    assert sorted(raw["python"].stdout.splitlines()) == sorted(raw["go"].stdout.splitlines())

    rows = {row["workflow_id"]: row for row in map(json.loads, raw["go"].stdout.splitlines())}
    assert set(rows) == {handle.id for handle in handles.values()}
    for row in rows.values():
        assert list(row) == JSON_KEYS
        assert row["activity_id"] == "1" and row["activity_type"] == "Activity"
        assert RFC3339.match(row["waiting_since"]), row
    by_name = {name: rows[handle.id] for name, handle in handles.items()}
    assert by_name["plain"]["run_id"] == handles["plain"].result_run_id
    assert by_name["plain"]["state"] == "started"
    assert by_name["plain"]["attempt"] == 1 and by_name["plain"]["maximum_attempts"] == 0
    assert by_name["plain"]["last_heartbeat_time"] is None
    assert by_name["plain"]["heartbeat_details"] is None
    assert by_name["plain"]["last_failure"] is None
    assert by_name["cancel"]["state"] == "cancel_requested"
    assert by_name["retried"]["attempt"] == 2 and by_name["retried"]["maximum_attempts"] == 3
    assert by_name["retried"]["last_failure"] == "Try later"
    # What is asked: the scheduled event's input, the same for every attempt.
    assert all(row["input"] == ["Plain text input"] for row in rows.values())
    assert by_name["heartbeat"]["heartbeat_details"] == "40%  done\nnearly"
    assert RFC3339.match(by_name["heartbeat"]["last_heartbeat_time"])


def test_both_completers_print_the_same_table(
    demo_module: Demo, pending_set: tuple[str, dict[str, Any]]
) -> None:
    query, handles = pending_set
    tables: dict[str, list[list[str]]] = {}
    for kind in KINDS:
        run = demo_module.run(kind, "list", "--query", query)
        assert run.returncode == 0 and run.stderr == "", run
        lines = run.stdout.splitlines()
        assert lines[-1] == count_line(4, 4, 4)
        table = lines[:-1]
        assert len(table) == 5 and cells(table[0]) == HEADER
        assert all(line == line.rstrip() for line in table)
        # Aligned: every cell starts where its header does.
        for line in table[1:]:
            assert column_starts(line) == column_starts(table[0]), table
        rows = [cells(line) for line in table[1:]]
        # Sorted by Workflow ID within the block.
        assert [row[0] for row in rows] == sorted(row[0] for row in rows)
        for row in rows:
            assert DURATION.match(row[5]), row
            row[5] = "<waiting>"
            if row[6] != "-":
                assert row[6].endswith(" ago") and DURATION.match(row[6][: -len(" ago")]), row
                row[6] = "<ago>"
        tables[kind] = rows
    assert tables["python"] == tables["go"]
    by_workflow = {row[0]: row for row in tables["go"]}
    assert by_workflow[handles["plain"].id][2:] == [
        "Activity", "1", "started", "<waiting>", "-", "-", "-", "Plain text input",
    ]  # fmt: skip
    assert by_workflow[handles["cancel"].id][4] == "cancel requested"
    assert by_workflow[handles["retried"].id][3:5] == ["2/3", "started"]
    assert by_workflow[handles["retried"].id][8] == "Try later"
    assert by_workflow[handles["heartbeat"].id][6:8] == ["<ago>", "40% done nearly"]


@pytest.mark.parametrize(("lister", "finisher"), [("go", "python"), ("python", "go")])
def test_listed_activities_pipe_into_a_batch(demo: Demo, lister: str, finisher: str) -> None:
    query, handles = start_visible(demo, "pipe", 3)
    env = clean_env(demo.server.address)
    listing = subprocess.Popen(
        [str(COMPLETERS[lister]), "list", "--json", "--query", query],
        stdout=subprocess.PIPE,
        env=env,
    )
    finishing = subprocess.run(
        [str(COMPLETERS[finisher]), "complete", "--batch", "-", "--result", "Approved"],
        stdin=listing.stdout,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert listing.stdout is not None
    listing.stdout.close()
    assert listing.wait(30) == 0
    assert finishing.returncode == 0, finishing
    outcomes = [json.loads(line) for line in finishing.stdout.splitlines()]
    assert [o["outcome"] for o in outcomes] == ["ok"] * 3
    assert [demo.result(handle) for handle in handles] == ["Approved"] * 3
    # Nothing is left to list: --workflow-id reads describe, which does not lag.
    for handle in handles:
        assert list_json(demo, lister, "--workflow-id", handle.id) == []


def test_visibility_is_paged(demo: Demo, completer: str) -> None:
    query, handles = start_visible(demo, "page", 5)
    rows = list_json(demo, completer, "--query", query, "--page-size", "2", "--concurrency", "2")
    assert sorted(row["workflow_id"] for row in rows) == sorted(h.id for h in handles)
    table = demo.run(completer, "list", "--query", query, "--page-size", "2")
    assert table.returncode == 0, table
    lines = table.stdout.splitlines()
    # Three blocks (2 + 2 + 1 Workflows), one header, one count line.
    assert cells(lines[0]) == HEADER and lines.count(lines[0]) == 1
    assert len(lines) == 1 + 5 + 1 and lines[-1] == count_line(5, 5, 5)
    for handle in handles:
        demo.loop.run(handle.terminate("test over"))


def test_closed_workflows_a_query_finds_are_left_out(demo: Demo, completer: str) -> None:
    prefix = unique_id("closed")
    running, completed, terminated = (start(demo, f"{prefix}-{i}") for i in range(3))
    for handle in (running, completed, terminated):
        demo.worker.wait_for_token(handle.id)
    done = demo.run("go", "complete", "--workflow-id", completed.id, "--activity-id", "1")
    assert done.returncode == 0, done
    assert demo.result(completed) == ""
    demo.loop.run(terminated.terminate("gone"))
    query = f'WorkflowId STARTS_WITH "{prefix}"'
    wait_visible(demo, query + ' AND ExecutionStatus != "Running"', 2)
    run = demo.run(completer, "list", "--query", query)
    assert run.returncode == 0 and run.stderr == "", run
    lines = run.stdout.splitlines()
    assert lines[-1] == count_line(1, 1, 3)
    assert [cells(line)[0] for line in lines[1:-1]] == [running.id]
    demo.loop.run(running.terminate("test over"))


def test_the_default_scope_is_the_task_queue(demo: Demo, completer: str) -> None:
    handle = start(demo, unique_id("default"))
    demo.worker.wait_for_token(handle.id)
    wait_visible(demo, f'WorkflowId = "{handle.id}" AND ExecutionStatus = "Running"', 1)
    rows = list_json(demo, completer)
    assert handle.id in {row["workflow_id"] for row in rows}
    demo.loop.run(handle.terminate("test over"))


def test_a_workflow_id_lists_its_activity_at_once(demo: Demo, completer: str) -> None:
    handle = start(demo, unique_id("byid"))
    demo.worker.wait_for_token(handle.id)
    rows = list_json(demo, completer, "--workflow-id", handle.id)
    assert [(r["workflow_id"], r["run_id"]) for r in rows] == [(handle.id, handle.result_run_id)]
    demo.loop.run(handle.terminate("test over"))
    missing = demo.run(completer, "list", "--workflow-id", unique_id("nobody"))
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        0,
        count_line(0, 0, 0) + "\n",
        "",
    )


# Failures.


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    server = DevServer.start(tmp_path_factory.mktemp("empty") / "server.log")
    yield server
    server.stop()


def test_an_empty_namespace_lists_nothing(empty_server: DevServer, completer: str) -> None:
    table = run_completer(completer, ["list"], empty_server.address)
    assert (table.returncode, table.stdout, table.stderr) == (0, count_line(0, 0, 0) + "\n", "")
    lines = run_completer(completer, ["list", "--json"], empty_server.address)
    assert (lines.returncode, lines.stdout, lines.stderr) == (0, "", "")


def test_an_unreachable_server_is_exit_4(completer: str) -> None:
    nowhere = f"127.0.0.1:{free_port()}"
    run = run_completer(completer, ["list", "--rpc-timeout", "1s"], nowhere)
    h.assert_clean_failure(run, 4)
    assert run.stderr == h.unreachable(nowhere, "1s") + "\n"


def test_an_unknown_namespace_is_exit_3(empty_server: DevServer, completer: str) -> None:
    run = run_completer(completer, ["list", "--namespace", "nope"], empty_server.address)
    h.assert_clean_failure(run, 3)
    assert run.stderr == h.unknown_namespace("nope", empty_server.address) + "\n"


def test_a_query_the_server_refuses_is_exit_3_with_its_reason(empty_server: DevServer) -> None:
    runs: dict[str, CompleterRun] = {
        kind: run_completer(kind, ["list", "--query", "NoSuchField = 1"], empty_server.address)
        for kind in KINDS
    }
    for run in runs.values():
        h.assert_clean_failure(run, 3)
        assert run.stderr.startswith("error: the server refused the query: "), run
        assert len(run.stderr) > len("error: the server refused the query: ") + 5
    assert runs["python"].stderr == runs["go"].stderr


USAGE = {
    "both-scopes": (
        ["list", "--workflow-id", "a", "--query", "b"],
        "error: give either --workflow-id or --query, not both",
    ),
    "a-token": (["list", "--tasktoken", "ab"], h.unknown_option("tasktoken")),
    "batch": (["list", "--batch", "-"], h.unknown_option("batch")),
    "page-size-0": (
        ["list", "--page-size", "0"],
        'error: --page-size "0" must be a whole number from 1 to 1000',
    ),
    "page-size-big": (
        ["list", "--page-size", "1001"],
        'error: --page-size "1001" must be a whole number from 1 to 1000',
    ),
    "concurrency": (
        ["list", "--concurrency", "x"],
        'error: --concurrency "x" must be a whole number from 1 to 1000',
    ),
    "stray": (["list", "extra"], h.unexpected_argument("extra")),
}


@pytest.mark.parametrize("case", USAGE.values(), ids=USAGE.keys())
def test_list_usage_errors(completer: str, case: tuple[list[str], str]) -> None:
    args, line = case
    run = run_completer(completer, args, f"127.0.0.1:{free_port()}")
    h.assert_clean_failure(run, 2)
    assert run.stderr == line + "\n"


def test_list_with_stdout_closed_stops_with_one_line(
    empty_server: DevServer, completer: str, tmp_path: Path
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [str(COMPLETERS[completer]), "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(empty_server.address),
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 1
    assert proc.stderr == (
        "error: could not write to standard output (broken pipe): the listing stopped\n"
    )
