"""Faults, with real processes: the server down or hanging, the Worker down or stopped,
the dev server restarted, an attempt timed out, completers racing on one token.

What must hold is the contract's list (shared/DESIGN.md, "Bad input and faults"): nothing
reported as done is lost or done twice, and a completer always ends, in bounded time, with
the exit code of what happened. Tests that stop a Worker run their own on a task queue of
their own; tests that stop the server run their own server."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.converter import DataConverter

from tests.conftest import Demo
from tests.faults import helpers as h
from tests.harness import (
    DevServer,
    EventLoopThread,
    TokenLine,
    WorkerProcess,
    clean_env,
    free_port,
    stop_process,
    unique_id,
    wait_until,
)
from tests.serve import contract as c
from tests.serve.history import closing

COMPLETED = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
FAILED = EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
TIMED_OUT = EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
WORKFLOW_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED

# How much longer than its --rpc-timeout a completer may take to give up: process start-up
# (the Python completer imports the SDK) on a busy machine. A bound, not a benchmark.
MARGIN = 5.0


def history(loop: EventLoopThread, handle: Any) -> list[Any]:
    return list(loop.run(handle.fetch_history()).events)


def completed_results(events: list[Any]) -> list[str]:
    """The results of the Activity completions in a history, as texts."""
    converter = DataConverter.default.payload_converter
    return [
        converter.from_payload(e.activity_task_completed_event_attributes.result.payloads[0], str)
        for e in events
        if e.event_type == COMPLETED
    ]


def assert_completed_once(loop: EventLoopThread, handle: Any, result: str) -> None:
    events = history(loop, handle)
    types = [e.event_type for e in events]
    assert completed_results(events) == [result]
    assert FAILED not in types and TIMED_OUT not in types


def assert_pending(loop: EventLoopThread, handle: Any, attempt: int = 1) -> None:
    description = loop.run(handle.describe())
    assert description.status == WorkflowExecutionStatus.RUNNING
    [activity] = description.raw_description.pending_activities
    assert activity.attempt == attempt


def complete_args(line: TokenLine, result: str, *extra: str) -> list[str]:
    return ["complete", "--tasktoken", line.token, "--result", result, *extra]


class QueueWorkers:
    """Workers on the session's server that poll a task queue of the test's own, one
    after another; each logs to its own file."""

    def __init__(self, address: str, folder: Path) -> None:
        self.address = address
        self.folder = folder
        self.task_queue = unique_id("faults-queue")
        self.started: list[h.QueueWorker] = []

    def start(self) -> h.QueueWorker:
        log = self.folder / f"worker-{len(self.started) + 1}.log"
        worker = h.QueueWorker(self.address, log, task_queue=self.task_queue)
        self.started.append(worker.start())
        worker.wait_started()
        return worker


@pytest.fixture
def workers(dev_server: DevServer, tmp_path: Path) -> Iterator[QueueWorkers]:
    started = QueueWorkers(dev_server.address, tmp_path)
    yield started
    for worker in started.started:
        worker.stop()


def sigterm_and_wait(worker: WorkerProcess, timeout: float = 15) -> int:
    """Stops the Worker as a service manager would; returns its exit code."""
    worker.process.send_signal(signal.SIGTERM)
    code: int = worker.process.wait(timeout)
    return code


# The server down, or hanging.


def test_server_down_exits_4_in_bounded_time_and_the_activity_survives_a_restart(
    loop: EventLoopThread, tmp_path: Path
) -> None:
    """With the server down, each completer ends within its --rpc-timeout with exit 4;
    the dev server, restarted on the same port with its database file, still has the
    Activity pending, and its old token completes it."""
    server = h.RestartableServer(tmp_path)
    server.start()
    worker = WorkerProcess(server.address, tmp_path / "worker.log").start()
    try:
        worker.wait_started()
        client = loop.run(Client.connect(server.address))
        handles = h.start_workflows(loop, client, "async", 2, prefix="server-down")
        lines = [worker.wait_for_token(handle.id) for handle in handles]

        server.stop()
        assert not h.listening(server.address)
        # One job by each completer, and a batch of both tokens by each.
        batch = "".join(f"{line.token}\n" for line in lines)
        timed = h.run_all(
            [(kind, complete_args(lines[0], "lost", "--rpc-timeout", "3s")) for kind in h.KINDS]
            + [(kind, ["complete", "--batch", "-", "--rpc-timeout", "3s"]) for kind in h.KINDS],
            server.address,
            stdins=["", "", batch, batch],
        )
        for kind, each in zip(h.KINDS * 2, timed, strict=True):
            h.assert_clean_failure(each.run, 4)
            assert each.run.stderr == h.unreachable(server.address, "3s") + "\n", kind
            assert each.seconds < 3 + MARGIN, f"{kind} took {each.seconds:.1f}s"
            h.assert_no_token([each.run.stdout, each.run.stderr], *(t.token for t in lines))

        server.start()
        client = loop.run(Client.connect(server.address))
        handles = [client.get_workflow_handle(handle.id) for handle in handles]
        for handle in handles:
            assert_pending(loop, handle)
        timed = h.run_all(
            [
                (kind, complete_args(line, f"after the restart, by {kind}"))
                for kind, line in zip(h.KINDS, lines, strict=True)
            ],
            server.address,
        )
        for handle, each in zip(handles, timed, strict=True):
            assert (each.run.returncode, each.run.stderr) == (0, ""), each.run
            assert each.run.stdout == h.completed(handle.id) + "\n"
        assert h.results(loop, handles) == [f"after the restart, by {kind}" for kind in h.KINDS]
        for kind, handle in zip(h.KINDS, handles, strict=True):
            assert_completed_once(loop, handle, f"after the restart, by {kind}")
    finally:
        worker.stop()
        server.stop()


HANGING_TOKEN = h.make_token().hex()
HANGING_BATCH = f"{HANGING_TOKEN}\n" + json.dumps({"tasktoken": HANGING_TOKEN}) + "\n"
# case: (arguments, standard input, the --rpc-timeout in effect, in seconds)
HANGING_CASES = {
    "token-3s": (["--tasktoken", HANGING_TOKEN, "--rpc-timeout", "3s"], "", "3s", 3.0),
    "token-default-10s": (["--tasktoken", HANGING_TOKEN], "", "10s", 10.0),
    "ids-1.5s": (
        ["heartbeat", "--workflow-id", "wf-1", "--activity-id", "1", "--rpc-timeout", "1.5s"],
        "",
        "1.5s",
        1.5,
    ),
    # A batch connects once, before any job: when that fails, no job is sent.
    "batch-1s": (["complete", "--batch", "-", "--rpc-timeout", "1s"], HANGING_BATCH, "1s", 1.0),
}


@pytest.mark.parametrize("case", HANGING_CASES.values(), ids=HANGING_CASES.keys())
def test_a_server_that_never_answers_ends_the_completer_within_its_rpc_timeout(
    case: tuple[list[str], str, str, float],
) -> None:
    """A server that accepts the connection and then hangs: no connection error comes to
    end the wait, only the completer's own bound does. The bound is on the wait, so each
    completer's start-up (the same run against a closed port, which fails at once) is
    added: on a busy machine, importing the Python SDK alone can take seconds."""
    args, stdin, timeout, seconds = case
    jobs = [(kind, args) for kind in h.KINDS]
    closed = h.run_all(jobs, f"127.0.0.1:{free_port()}", stdins=[stdin] * len(jobs))
    with h.black_hole() as address:
        timed = h.run_all(jobs, address, stdins=[stdin] * len(jobs))
    for kind, start_up, each in zip(h.KINDS, closed, timed, strict=True):
        assert start_up.run.returncode == 4, start_up.run
        h.assert_clean_failure(each.run, 4)
        assert each.run.stderr == h.unreachable(address, timeout) + "\n", kind
        bound = start_up.seconds + seconds + MARGIN
        assert seconds - 1 < each.seconds < bound, (
            f"{kind}: {each.seconds:.1f}s, not < {bound:.1f}s"
        )
        h.assert_no_token([each.run.stdout, each.run.stderr], HANGING_TOKEN)


# The Worker down, or stopped.


def test_with_the_worker_down_completion_succeeds_and_the_workflow_finishes_later(
    dev_server: DevServer,
    loop: EventLoopThread,
    client: Any,
    workers: QueueWorkers,
) -> None:
    worker = workers.start()
    handles = h.start_workflows(loop, client, workers.task_queue, 2, prefix="worker-down")
    lines = [worker.wait_for_token(handle.id) for handle in handles]
    assert sigterm_and_wait(worker) == 0

    results = [f"sent by {kind} while no Worker ran" for kind in h.KINDS]
    timed = h.run_all(
        [
            (kind, complete_args(line, result))
            for kind, line, result in zip(h.KINDS, lines, results, strict=True)
        ],
        dev_server.address,
    )
    for handle, each in zip(handles, timed, strict=True):
        assert (each.run.returncode, each.run.stderr) == (0, ""), each.run
        assert each.run.stdout == h.completed(handle.id) + "\n"
    for handle, result in zip(handles, results, strict=True):
        # Recorded, but nothing runs the Workflow on until a Worker polls its queue.
        assert loop.run(handle.describe()).status == WorkflowExecutionStatus.RUNNING
        assert_completed_once(loop, handle, result)
        assert WORKFLOW_COMPLETED not in [e.event_type for e in history(loop, handle)]

    workers.start()
    assert h.results(loop, handles) == results


def test_a_worker_stopped_with_sigterm_loses_no_pending_activity(
    dev_server: DevServer,
    loop: EventLoopThread,
    client: Any,
    workers: QueueWorkers,
) -> None:
    worker = workers.start()
    handles = h.start_workflows(loop, client, workers.task_queue, 6, prefix="sigterm")
    lines = [worker.wait_for_token(handle.id) for handle in handles]

    assert sigterm_and_wait(worker) == 0, f"see {worker.log.with_suffix('.err')}"
    assert "Worker stopped" in worker.log.read_text()

    second = workers.start()
    kinds = [h.KINDS[i % 2] for i in range(len(lines))]
    results = [f"workflow {i} by {kind}" for i, kind in enumerate(kinds)]
    timed = h.run_all(
        [
            (kind, complete_args(line, result))
            for kind, line, result in zip(kinds, lines, results, strict=True)
        ],
        dev_server.address,
    )
    for each in timed:
        assert (each.run.returncode, each.run.stderr) == (0, ""), each.run
    assert h.results(loop, handles) == results
    for handle, result in zip(handles, results, strict=True):
        assert_completed_once(loop, handle, result)
        # The same attempt, completed: the stop did not fail it or start a new one.
        assert [t.attempt for t in worker.token_lines(handle.id)] == [1]
        assert second.token_lines(handle.id) == []


# Attempts and tokens.


def pending_attempt(loop: EventLoopThread, handle: Any) -> int:
    [activity] = loop.run(handle.describe()).raw_description.pending_activities
    attempt: int = activity.attempt
    return attempt


# Each attempt's start-to-close timeout. The second attempt must be completed within it,
# so it leaves room for a completer's start-up on a busy machine.
START_TO_CLOSE = 8


def test_after_a_start_to_close_timeout_the_old_token_is_refused_and_the_new_one_completes(
    dev_server: DevServer,
    loop: EventLoopThread,
    client: Any,
    workers: QueueWorkers,
) -> None:
    worker = workers.start()
    handles = h.start_workflows(
        loop,
        client,
        workers.task_queue,
        2,
        prefix="timeout",
        start_to_close=START_TO_CLOSE,
        max_attempts=2,
    )
    first = [worker.wait_for_token(handle.id) for handle in handles]
    # No Worker while the first attempt times out: the retry waits in the task queue, so
    # the old token is tried while the new attempt is pending, however slow the machine.
    assert sigterm_and_wait(worker) == 0
    wait_until(
        lambda: all(pending_attempt(loop, handle) == 2 for handle in handles),
        START_TO_CLOSE + 30,
        "the second attempts",
        interval=0.2,
    )

    tries = [
        (handle, line, kind)
        for handle, line in zip(handles, first, strict=True)
        for kind in h.KINDS
    ]
    refusals = h.run_all(
        [(kind, complete_args(line, "too late")) for _, line, kind in tries], dev_server.address
    )
    for (handle, line, kind), each in zip(tries, refusals, strict=True):
        h.assert_clean_failure(each.run, 3)
        told = h.not_pending(handle.id, c.was_retried(1, 2), attempt=1)
        assert each.run.stderr == told + "\n", kind
        h.assert_no_token([each.run.stdout, each.run.stderr], line.token)

    # The completers start first and wait for the new token on standard input: once the
    # new attempt logs it, only the request itself remains.
    results = [f"attempt 2 by {kind}" for kind in h.KINDS]
    waiting = [
        subprocess.Popen(
            h.completer_command(kind, "complete", "--tasktoken", "-", "--result", result),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(dev_server.address),
        )
        for kind, result in zip(h.KINDS, results, strict=True)
    ]
    try:
        second_worker = workers.start()
        second = []
        for process, handle in zip(waiting, handles, strict=True):
            line = second_worker.wait_for_token(handle.id, attempt=2)
            assert line.token not in {old.token for old in first}
            assert process.stdin is not None
            process.stdin.write(line.token + "\n")
            process.stdin.close()
            second.append(line)
        for process, handle, line in zip(waiting, handles, second, strict=True):
            # One line of output each: it fits the pipe, so waiting first cannot block.
            process.wait(60)
            assert process.stdout is not None and process.stderr is not None
            stdout, stderr = process.stdout.read(), process.stderr.read()
            assert (process.returncode, stderr) == (0, ""), (stdout, stderr)
            assert stdout == h.completed(handle.id, attempt=2) + "\n"
            h.assert_no_token([stdout, stderr], line.token)
    finally:
        for process in waiting:
            stop_process(process)
            for pipe in (process.stdin, process.stdout, process.stderr):
                if pipe is not None:
                    pipe.close()
    assert h.results(loop, handles) == results


@pytest.mark.parametrize("first", h.KINDS)
def test_a_second_completion_of_one_attempt_is_refused_and_the_first_stands(
    demo: Demo, first: str
) -> None:
    second = "go" if first == "python" else "python"
    handle, line = demo.pending()
    run = demo.run(first, *complete_args(line, f"first, by {first}"))
    assert (run.returncode, run.stderr) == (0, ""), run

    again = demo.run(second, *complete_args(line, f"second, by {second}"))
    h.assert_clean_failure(again, 3)
    closed = closing(demo, handle)
    told = h.not_pending(handle.id, c.was_completed(closed.time, closed.identity))
    assert again.stderr == told + "\n"
    assert demo.result(handle) == f"first, by {first}"
    assert_completed_once(demo.loop, handle, f"first, by {first}")


def test_twenty_completers_racing_on_one_token_complete_it_exactly_once(demo: Demo) -> None:
    handle, line = demo.pending()
    kinds = [h.KINDS[i % 2] for i in range(20)]
    results = [f"racer {i} ({kind})" for i, kind in enumerate(kinds)]
    # A generous bound: twenty processes starting at once on a small machine.
    timed = h.run_all(
        [
            (kind, complete_args(line, result, "--rpc-timeout", "60s"))
            for kind, result in zip(kinds, results, strict=True)
        ],
        demo.server.address,
    )
    runs = [each.run for each in timed]
    winners = [i for i, run in enumerate(runs) if run.returncode == 0]
    assert len(winners) == 1, [(r.returncode, r.stderr) for r in runs]
    [winner] = winners
    assert (runs[winner].stdout, runs[winner].stderr) == (h.completed(handle.id) + "\n", "")
    # Every other racer sent another result: each is told who won, and when.
    closed = closing(demo, handle)
    assert f" via {kinds[winner]}-completer cli@" in closed.identity, closed
    told = h.not_pending(handle.id, c.was_completed(closed.time, closed.identity))
    for i, run in enumerate(runs):
        h.assert_no_token([run.stdout, run.stderr], line.token)
        if i != winner:
            h.assert_clean_failure(run, 3)
            assert run.stderr == told + "\n", kinds[i]
    assert demo.result(handle) == results[winner]
    assert_completed_once(demo.loop, handle, results[winner])
