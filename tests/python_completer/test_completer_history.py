"""Who acted, and repeated requests (docs/completer-cli.md): the identity each request
carries, and what the completer answers after the server refused a request as "not pending
any more", from the histories a fake client hands it: every closing kind, a retry, the
Workflow's close, paging, keys, and a history that cannot be read. No server."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from async_completer import identity, lines
from async_completer.history import Reader, Seen, one_text
from async_completer.target import target_from_ids, target_from_token
from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.common.v1 import Payloads
from temporalio.api.enums.v1 import EventType, TimeoutType
from temporalio.api.failure.v1 import ApplicationFailureInfo, Failure, TimeoutFailureInfo
from temporalio.api.history.v1 import (
    ActivityTaskCanceledEventAttributes,
    ActivityTaskCompletedEventAttributes,
    ActivityTaskFailedEventAttributes,
    ActivityTaskScheduledEventAttributes,
    ActivityTaskStartedEventAttributes,
    ActivityTaskTimedOutEventAttributes,
    HistoryEvent,
)
from temporalio.api.workflow.v1 import PendingActivityInfo
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionResponse
from temporalio.converter import DataConverter
from temporalio.service import RPCError, RPCStatusCode

from tests.python_completer.conftest import REAL_DESC, REAL_TOKEN, FakeTemporal, invoke

HOST = socket.gethostname()
TOKEN = ["--tasktoken", REAL_TOKEN]  # Workflow t1, attempt 1, scheduled event 5
IDS = ["--workflow-id", "order-7", "--activity-id", "1"]
IDS_DESC = 'Activity "1" of Workflow "order-7"'
WHEN = (1796292131, 430000000)
TIME = "2026-12-03T10:02:11.43Z"
ALICE = "alice via go-completer serve@web-1"
GENERIC = (
    "it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a "
    "new token in the Worker's log"
)
GONE = RPCError("workflow execution already completed", RPCStatusCode.NOT_FOUND, b"")


# Histories, as the server writes them.


def _time(when: tuple[int, int] = WHEN) -> Timestamp:
    return Timestamp(seconds=when[0], nanos=when[1])


def text(value: str) -> Payloads:
    return Payloads(payloads=DataConverter.default.payload_converter.to_payloads([value]))


def scheduled(event_id: int = 5, activity_id: str = "1") -> HistoryEvent:
    return HistoryEvent(
        event_id=event_id,
        event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        activity_task_scheduled_event_attributes=ActivityTaskScheduledEventAttributes(
            activity_id=activity_id
        ),
    )


def started(attempt: int = 1, scheduled_id: int = 5) -> HistoryEvent:
    return HistoryEvent(
        event_id=scheduled_id + 1,
        event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
        activity_task_started_event_attributes=ActivityTaskStartedEventAttributes(
            scheduled_event_id=scheduled_id, attempt=attempt
        ),
    )


def completed(result: str | None = "done", who: str = ALICE, scheduled_id: int = 5) -> HistoryEvent:
    return HistoryEvent(
        event_id=scheduled_id + 2,
        event_time=_time(),
        event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
        activity_task_completed_event_attributes=ActivityTaskCompletedEventAttributes(
            scheduled_event_id=scheduled_id,
            identity=who,
            result=text(result) if result is not None else None,
        ),
    )


def failed(
    message: str = "no", non_retryable: bool = True, who: str = ALICE, scheduled_id: int = 5
) -> HistoryEvent:
    failure = Failure(
        message=message,
        application_failure_info=ApplicationFailureInfo(
            type="GoCompleterFailure", non_retryable=non_retryable
        ),
    )
    return HistoryEvent(
        event_id=scheduled_id + 2,
        event_time=_time(),
        event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
        activity_task_failed_event_attributes=ActivityTaskFailedEventAttributes(
            scheduled_event_id=scheduled_id, identity=who, failure=failure
        ),
    )


def timed_out(kind: int, nested: bool = False) -> HistoryEvent:
    failure = Failure(message="activity timeout", timeout_failure_info=TimeoutFailureInfo(
        timeout_type=kind  # type: ignore[arg-type]
    ))  # fmt: skip
    if nested:
        failure = Failure(message="retries exhausted", cause=failure)
    return HistoryEvent(
        event_id=7,
        event_time=_time(),
        event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
        activity_task_timed_out_event_attributes=ActivityTaskTimedOutEventAttributes(
            scheduled_event_id=5, failure=failure
        ),
    )


def canceled(details: str | None = None, who: str = ALICE) -> HistoryEvent:
    return HistoryEvent(
        event_id=7,
        event_time=_time(),
        event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
        activity_task_canceled_event_attributes=ActivityTaskCanceledEventAttributes(
            scheduled_event_id=5,
            identity=who,
            details=text(details) if details is not None else None,
        ),
    )


def workflow_closed(kind: int) -> HistoryEvent:
    return HistoryEvent(event_id=9, event_time=_time(), event_type=kind)  # type: ignore[arg-type]


def other(event_id: int) -> HistoryEvent:
    return HistoryEvent(event_id=event_id, event_type=EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)


def refused_by(temporal: FakeTemporal, *events: HistoryEvent) -> None:
    """The server refuses the request as not pending; the history holds events."""
    temporal.request_error = GONE
    temporal.history = [list(events)]


def ok(args: list[str], line: str) -> None:
    result = invoke(args)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", line + "\n")


def refused(args: list[str], desc: str, reason: str) -> None:
    result = invoke(args)
    line = f"error: {desc} is not pending any more: {reason}\n"
    assert (result.exit_code, result.stderr, result.stdout) == (3, line, "")


def already(desc: str, verbed: str, who: str = ALICE) -> str:
    return f"Already done: {desc} was {verbed} at {TIME} by {who}"


# The identity every request carries.


def test_a_request_without_identity_records_the_sdks_default_actor(
    temporal: FakeTemporal,
) -> None:
    ok(["complete", *TOKEN], f"Completed {REAL_DESC}")
    assert temporal.identities == [f"{os.getpid()}@{HOST} via python-completer cli@{HOST}"]
    assert temporal.history_reads == []  # the happy path reads nothing


@pytest.mark.parametrize(
    ("verb", "extra"),
    [("complete", []), ("fail", ["--reason", "r"]), ("heartbeat", []), ("cancel", [])],
)
def test_identity_and_key_are_recorded_by_every_verb(
    temporal: FakeTemporal, verb: str, extra: list[str]
) -> None:
    args = [verb, *IDS, *extra, "--identity", "Ada Lovelace ✓", "-idempotency-key=evt_1Q2w"]
    result = invoke(args)
    assert result.exit_code == 0, result.stderr
    assert temporal.identities == [f"Ada Lovelace ✓ via python-completer cli@{HOST} key=evt_1Q2w"]


def test_a_batch_jobs_identity_and_key_win_over_the_command_lines(
    temporal: FakeTemporal, tmp_path: Path
) -> None:
    jobs = tmp_path / "jobs"
    jobs.write_text(
        json.dumps({"workflow_id": "a", "activity_id": "1", "identity": "bob"})
        + "\n"
        + json.dumps({"workflow_id": "b", "activity_id": "1", "idempotency_key": "k-2"})
        + "\n"
    )
    args = ["complete", "--batch", str(jobs), "--identity", "ops", "--idempotency-key", "k-1"]
    result = invoke([*args, "--concurrency", "1"])
    assert result.exit_code == 0, result.stderr
    assert temporal.identities == [
        f"bob via python-completer cli@{HOST} key=k-1",
        f"ops via python-completer cli@{HOST} key=k-2",
    ]


BAD_IDENTITY = "error: --identity must be 1 to 128 characters without control characters\n"
BAD_KEY = "error: --idempotency-key must be 1 to 128 printable ASCII characters without spaces\n"


@pytest.mark.parametrize(
    ("option", "value", "line"),
    [
        ("--identity", "", BAD_IDENTITY),
        ("--identity", "x" * 129, BAD_IDENTITY),
        ("--identity", "tab\there", BAD_IDENTITY),
        ("--identity", "del\x7f", BAD_IDENTITY),
        ("--identity", "c1\x85", BAD_IDENTITY),
        ("--idempotency-key", "", BAD_KEY),
        ("--idempotency-key", "has space", BAD_KEY),
        ("--idempotency-key", "k" * 129, BAD_KEY),
        ("--idempotency-key", "caf\u00e9", BAD_KEY),
    ],
)
def test_a_bad_identity_or_key_is_a_usage_error(
    temporal: FakeTemporal, option: str, value: str, line: str
) -> None:
    result = invoke(["complete", *TOKEN, option, value])
    assert (result.exit_code, result.stderr, result.stdout) == (2, line, "")
    assert temporal.connects == 0


def test_the_longest_identity_and_key_are_taken(temporal: FakeTemporal) -> None:
    name, key = "ü" * 128, "~" * 128
    ok(["complete", *IDS, "--identity", name, "--idempotency-key", key], f"Completed {IDS_DESC}")
    assert temporal.identities == [f"{name} via python-completer cli@{HOST} key={key}"]


def test_identity_and_key_are_checked_after_result_file_and_before_the_token(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "r")
    result = invoke(["complete", *TOKEN, "--result", "a", "--result-file", path, "--identity", ""])
    assert result.stderr == "error: give either --result or --result-file, not both\n"
    result = invoke(["complete", "--tasktoken", "zz", "--identity", ""])
    assert result.stderr == BAD_IDENTITY
    result = invoke(["complete", "--tasktoken", "zz", "--idempotency-key", " "])
    assert result.stderr == BAD_KEY
    result = invoke(["fail", *TOKEN, "--identity", ""])
    assert result.stderr == "error: fail needs --reason TEXT: say why the Activity failed\n"


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ({"identity": ""}, lines.JOB_BAD_IDENTITY),
        ({"identity": "a\nb"}, lines.JOB_BAD_IDENTITY),
        ({"idempotency_key": "a b"}, lines.JOB_BAD_KEY),
        ({"identity": 7}, lines.NOT_A_JOB + '"identity" must be a text'),
    ],
)
def test_a_batch_jobs_bad_identity_or_key_is_a_malformed_line(
    temporal: FakeTemporal, tmp_path: Path, job: dict[str, Any], message: str
) -> None:
    jobs = tmp_path / "jobs"
    jobs.write_text(json.dumps({"workflow_id": "w", "activity_id": "1", **job}) + "\n")
    result = invoke(["complete", "--batch", str(jobs)])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "line": 1,
        "outcome": "malformed",
        "code": 2,
        "message": message,
    }


def test_the_recorded_identity_forms() -> None:
    assert identity.recorded("alice", "serve", "evt_1") == (
        f"alice via python-completer serve@{HOST} key=evt_1"
    )
    assert identity.unauthenticated(None) == "anonymous (unauthenticated)"
    assert identity.unauthenticated("Ada") == "Ada (unauthenticated)"
    assert identity.link_actor("ops") == "ops (link)"
    assert identity.carries_key("a via b key=evt_1", "evt_1")
    assert not identity.carries_key("a via b key=xevt_1", "evt_1")
    assert not identity.carries_key("a via b key=evt_1 ", "evt_1")


# Already done: the same action and payload (and attempt, and key).


def test_a_repeated_completion_is_already_done_by_token_and_by_ids(
    temporal: FakeTemporal,
) -> None:
    refused_by(temporal, other(1), scheduled(), started(), completed("done"))
    ok(["complete", *TOKEN, "--result", "done"], already(REAL_DESC, "completed"))
    [read] = temporal.history_reads
    assert (read.execution.workflow_id, read.execution.run_id) == ("t1", target_run_id())
    ok(["complete", *IDS, "--result", "done"], already(IDS_DESC, "completed"))
    assert temporal.history_reads[1].execution.run_id == ""  # the latest run
    ok(["complete", *IDS, "--run-id", "r-1", "--result", "done"], already(IDS_DESC, "completed"))
    assert temporal.history_reads[2].execution.run_id == "r-1"


def target_run_id() -> str:
    run_id = target_from_token(REAL_TOKEN).run_id
    assert run_id
    return run_id


def test_a_completion_with_another_result_is_refused_saying_who_completed_it(
    temporal: FakeTemporal,
) -> None:
    refused_by(temporal, scheduled(), started(), completed("done"))
    reason = f"it was completed at {TIME} by {ALICE}"
    refused(["complete", *TOKEN, "--result", "other"], REAL_DESC, reason)
    refused(["complete", *TOKEN], REAL_DESC, reason)
    refused(["fail", *TOKEN, "--reason", "done"], REAL_DESC, reason)
    refused(["cancel", *TOKEN], REAL_DESC, reason)


def test_an_empty_result_repeats_an_empty_result_only(temporal: FakeTemporal) -> None:
    refused_by(temporal, scheduled(), started(), completed(""))
    ok(["complete", *IDS], already(IDS_DESC, "completed"))
    refused_by(temporal, scheduled(), started(), completed(None))
    refused(["complete", *IDS], IDS_DESC, f"it was completed at {TIME} by {ALICE}")


def test_a_repeated_failure_needs_the_same_message_and_retryability(
    temporal: FakeTemporal,
) -> None:
    refused_by(temporal, scheduled(), started(), failed("disk\n  full", non_retryable=True))
    ok(["fail", *IDS, "--reason", "disk\n  full"], already(IDS_DESC, "failed"))
    reason = f"it failed at {TIME}: disk full (reported by {ALICE})"
    refused(["fail", *IDS, "--reason", "disk\n  full", "--retryable"], IDS_DESC, reason)
    refused(["fail", *IDS, "--reason", "disk full"], IDS_DESC, reason)
    refused(["complete", *IDS, "--result", "disk\n  full"], IDS_DESC, reason)
    refused_by(temporal, scheduled(), started(), failed("later", non_retryable=False))
    ok(["fail", *IDS, "--reason", "later", "--retryable"], already(IDS_DESC, "failed"))


def test_a_failure_that_is_no_application_error_is_never_a_repeat(
    temporal: FakeTemporal,
) -> None:
    event = failed("boom")
    event.activity_task_failed_event_attributes.failure.ClearField("application_failure_info")
    refused_by(temporal, scheduled(), started(), event)
    refused(
        ["fail", *IDS, "--reason", "boom"],
        IDS_DESC,
        f"it failed at {TIME}: boom (reported by {ALICE})",
    )


@pytest.mark.parametrize(
    ("recorded", "args", "is_repeat"),
    [
        (None, [], True),
        (None, ["--details", ""], False),
        ("", ["--details", ""], True),
        ("stopped", ["--details", "stopped"], True),
        ("stopped", [], False),
        ("stopped", ["--details", "other"], False),
    ],
)
def test_a_repeated_cancellation_needs_the_same_details(
    temporal: FakeTemporal, recorded: str | None, args: list[str], is_repeat: bool
) -> None:
    refused_by(temporal, scheduled(), started(), canceled(recorded))
    if is_repeat:
        ok(["cancel", *IDS, *args], already(IDS_DESC, "reported as cancelled"))
    else:
        reason = f"it was reported as cancelled at {TIME} by {ALICE}"
        refused(["cancel", *IDS, *args], IDS_DESC, reason)


def test_a_heartbeat_is_never_already_done_and_gets_the_reason(temporal: FakeTemporal) -> None:
    refused_by(temporal, scheduled(), started(), completed("done"))
    refused(["heartbeat", *TOKEN], REAL_DESC, f"it was completed at {TIME} by {ALICE}")


@pytest.mark.parametrize(
    ("recorded_key", "args", "is_repeat"),
    [
        ("evt_1", ["--idempotency-key", "evt_1"], True),
        ("evt_1", [], True),  # no key: the action and payload alone
        ("evt_1", ["--idempotency-key", "evt_2"], False),
        ("evt_1", ["--idempotency-key", "1"], False),
        (None, ["--idempotency-key", "evt_1"], False),
    ],
)
def test_a_key_must_be_the_recorded_one(
    temporal: FakeTemporal, recorded_key: str | None, args: list[str], is_repeat: bool
) -> None:
    who = f"{ALICE} key={recorded_key}" if recorded_key else ALICE
    refused_by(temporal, scheduled(), started(), completed("done", who))
    if is_repeat:
        ok(["complete", *IDS, "--result", "done", *args], already(IDS_DESC, "completed", who))
    else:
        reason = f"it was completed at {TIME} by {who}"
        refused(["complete", *IDS, "--result", "done", *args], IDS_DESC, reason)


def test_an_event_without_identity_names_an_unnamed_client(temporal: FakeTemporal) -> None:
    refused_by(temporal, scheduled(), started(), completed("done", who=""))
    ok(["complete", *IDS, "--result", "done"], already(IDS_DESC, "completed", "an unnamed client"))
    refused(["complete", *IDS], IDS_DESC, f"it was completed at {TIME} by an unnamed client")


# The other closing kinds, retries, and the Workflow's close.


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, "start-to-close"),
        (TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START, "schedule-to-start"),
        (TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, "schedule-to-close"),
        (TimeoutType.TIMEOUT_TYPE_HEARTBEAT, "heartbeat"),
    ],
)
@pytest.mark.parametrize("nested", [False, True], ids=["outer", "cause"])
def test_a_timed_out_activity_names_its_timeout(
    temporal: FakeTemporal, kind: int, words: str, nested: bool
) -> None:
    refused_by(temporal, scheduled(), started(), timed_out(kind, nested))
    refused(["complete", *TOKEN], REAL_DESC, f"it timed out at {TIME} (its {words} timeout)")


def test_a_later_attempt_that_closed_is_named_and_is_no_repeat(temporal: FakeTemporal) -> None:
    refused_by(temporal, scheduled(), started(attempt=2), completed("done"))
    reason = f"attempt 1 was retried: attempt 2 was completed at {TIME} by {ALICE}"
    refused(["complete", *TOKEN, "--result", "done"], REAL_DESC, reason)
    refused_by(temporal, scheduled(), started(attempt=3), failed("no"))
    reason = f"attempt 1 was retried: attempt 3 failed at {TIME}: no (reported by {ALICE})"
    refused(["fail", *TOKEN, "--reason", "no"], REAL_DESC, reason)
    refused_by(
        temporal, scheduled(), started(attempt=2), timed_out(TimeoutType.TIMEOUT_TYPE_HEARTBEAT)
    )
    reason = f"attempt 1 was retried: attempt 2 timed out at {TIME} (its heartbeat timeout)"
    refused(["heartbeat", *TOKEN], REAL_DESC, reason)


def test_a_retried_attempt_names_the_pending_one(temporal: FakeTemporal) -> None:
    refused_by(temporal, scheduled(), other(6))
    temporal.describe = DescribeWorkflowExecutionResponse(
        pending_activities=[
            PendingActivityInfo(activity_id="2", attempt=9),
            PendingActivityInfo(activity_id="1", attempt=3),
        ]
    )
    reason = "attempt 1 was retried: attempt 3 is pending now; its token is in the Worker's log"
    refused(["complete", *TOKEN], REAL_DESC, reason)
    refused(["heartbeat", *TOKEN], REAL_DESC, reason)
    # By IDs there is no attempt to compare: a pending Activity's history does not say.
    refused(["complete", *IDS], IDS_DESC, f"{GENERIC} (its history does not say)")


def test_a_pending_activity_at_the_tokens_own_attempt_does_not_say(
    temporal: FakeTemporal,
) -> None:
    refused_by(temporal, scheduled())
    temporal.describe = DescribeWorkflowExecutionResponse(
        pending_activities=[PendingActivityInfo(activity_id="1", attempt=1)]
    )
    refused(["complete", *TOKEN], REAL_DESC, f"{GENERIC} (its history does not say)")


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, "completed"),
        (EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, "failed"),
        (EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, "terminated"),
        (EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, "cancelled"),
        (EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, "timed out"),
        (EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, "continued as new"),
    ],
)
def test_a_workflow_that_closed_around_its_activity_is_named(
    temporal: FakeTemporal, kind: int, status: str
) -> None:
    refused_by(temporal, scheduled(), other(6), workflow_closed(kind))
    refused(["complete", *TOKEN], REAL_DESC, f"its Workflow was {status} at {TIME}")
    refused(["cancel", *IDS], IDS_DESC, f"its Workflow was {status} at {TIME}")


def test_the_activitys_closing_event_wins_over_the_workflows_close(
    temporal: FakeTemporal,
) -> None:
    closed = workflow_closed(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED)
    refused_by(temporal, scheduled(), started(), canceled("x"), closed)
    refused(["complete", *IDS], IDS_DESC, f"it was reported as cancelled at {TIME} by {ALICE}")


def test_by_ids_the_last_schedule_of_the_activity_id_counts(temporal: FakeTemporal) -> None:
    refused_by(
        temporal,
        scheduled(5),
        started(1, 5),
        completed("first", scheduled_id=5),
        scheduled(10, activity_id="2"),
        started(1, 10),
        completed("other activity", scheduled_id=10),
        scheduled(20),
        started(1, 20),
        failed("second", scheduled_id=20),
    )
    ok(["fail", *IDS, "--reason", "second"], already(IDS_DESC, "failed"))
    refused(
        ["complete", *IDS, "--result", "first"],
        IDS_DESC,
        f"it failed at {TIME}: second (reported by {ALICE})",
    )


def test_a_long_history_is_read_page_by_page(temporal: FakeTemporal) -> None:
    temporal.request_error = GONE
    temporal.history = [
        [other(1), other(2), other(3), other(4)],
        [scheduled(), started()],
        [other(8)] * 3,
        [completed("done")],
    ]
    ok(["complete", *TOKEN, "--result", "done"], already(REAL_DESC, "completed"))
    tokens = [read.next_page_token for read in temporal.history_reads]
    assert tokens == [b"", b"1", b"2", b"3"]


@pytest.mark.parametrize(
    ("setting", "asked"),
    [("1", 1), ("250", 250), ("1000", 1000), ("", 0), ("0", 0), ("1001", 0), ("+5", 0), ("x", 0)],
)
def test_the_history_page_size_comes_from_the_environment(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch, setting: str, asked: int
) -> None:
    monkeypatch.setenv("ASYNC_COMPLETER_HISTORY_PAGE_SIZE", setting)
    refused_by(temporal, scheduled(), started(), completed("done"))
    ok(["complete", *TOKEN, "--result", "done"], already(REAL_DESC, "completed"))
    assert [read.maximum_page_size for read in temporal.history_reads] == [asked]


# Never "already done" on a guess.


def test_a_history_that_cannot_be_read_keeps_the_refusal(temporal: FakeTemporal) -> None:
    temporal.request_error = GONE
    temporal.history_error = RPCError("history\nshard down", RPCStatusCode.UNAVAILABLE, b"")
    reason = f"{GENERIC} (its history could not be read: history shard down)"
    refused(["complete", *TOKEN, "--result", "done"], REAL_DESC, reason)


def test_a_history_read_is_bounded_by_the_rpc_timeout(temporal: FakeTemporal) -> None:
    refused_by(temporal, scheduled(), started(), completed("done"))
    temporal.history_delay = 5
    args = ["complete", *TOKEN, "--result", "done", "--rpc-timeout", "200ms"]
    reason = f"{GENERIC} (its history could not be read: no answer within 200ms)"
    refused(args, REAL_DESC, reason)


def test_a_run_that_does_not_exist_is_named(temporal: FakeTemporal) -> None:
    temporal.request_error = GONE
    temporal.history_error = RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b"")
    refused(["complete", *IDS], IDS_DESC, 'no such Workflow run in namespace "default"')
    refused(
        ["complete", *IDS, "--namespace", "orders"],
        IDS_DESC,
        'no such Workflow run in namespace "orders"',
    )


def test_a_history_that_shows_nothing_of_the_activity_does_not_say(
    temporal: FakeTemporal,
) -> None:
    refused_by(temporal, other(1), scheduled(5, activity_id="9"))
    refused(["complete", *IDS], IDS_DESC, f"{GENERIC} (its history does not say)")


def test_a_namespace_refusal_reads_no_history(temporal: FakeTemporal) -> None:
    temporal.request_error = RPCError("Namespace nope is not found.", RPCStatusCode.NOT_FOUND, b"")
    result = invoke(["complete", *IDS, "--namespace", "nope"])
    assert result.exit_code == 3
    assert temporal.history_reads == []


# A batch: "already":true after the message.


def test_a_batch_answers_a_repeat_as_ok_with_already(
    temporal: FakeTemporal, tmp_path: Path
) -> None:
    refused_by(temporal, scheduled(), started(), completed("done"))
    jobs = tmp_path / "jobs"
    jobs.write_text(
        json.dumps({"workflow_id": "order-7", "activity_id": "1", "result": "done"})
        + "\n"
        + json.dumps({"workflow_id": "order-7", "activity_id": "1", "result": "late"})
        + "\n"
    )
    result = invoke(["complete", "--batch", str(jobs), "--concurrency", "1"])
    assert result.exit_code == 3
    message = json.dumps(already(IDS_DESC, "completed"), ensure_ascii=False)
    reason = json.dumps(
        f"{IDS_DESC} is not pending any more: it was completed at {TIME} by {ALICE}"
    )
    assert result.stdout.splitlines() == [
        f'{{"line":1,"outcome":"ok","code":0,"message":{message},"already":true}}',
        f'{{"line":2,"outcome":"refused","code":3,"message":{reason}}}',
    ]


# The reading itself.


def test_one_text_reads_a_text_however_it_was_escaped() -> None:
    from temporalio.api.common.v1 import Payload

    def payloads(data: bytes, encoding: bytes = b"json/plain") -> Payloads:
        return Payloads(payloads=[Payload(metadata={"encoding": encoding}, data=data)])

    assert one_text(payloads(b'"\\u003cb\\u003e \\u0026"')) == "<b> &"
    assert one_text(payloads(b'"<b> &"')) == "<b> &"
    assert one_text(payloads(b"42")) is None
    assert one_text(payloads(b'"x"', b"binary/plain")) is None
    assert one_text(payloads(b"not json")) is None
    assert one_text(Payloads()) is None


def test_a_reader_by_token_follows_its_scheduled_event_only() -> None:
    reader = Reader(target_from_token(REAL_TOKEN))
    for event in [
        scheduled(2),
        started(1, 2),
        completed("a", scheduled_id=2),
        scheduled(5),
        started(4),
    ]:
        reader.see(event)
    assert reader.seen == Seen(scheduled=True, attempt=4, closing=None)
    reader = Reader(target_from_ids("wf", "1", None))
    reader.see(scheduled(3, activity_id="1"))
    assert reader.seen.scheduled


def test_a_history_read_past_its_deadline_says_no_answer(temporal: FakeTemporal) -> None:
    temporal.request_error = GONE
    temporal.history_error = RPCError("deadline", RPCStatusCode.DEADLINE_EXCEEDED, b"")
    reason = f"{GENERIC} (its history could not be read: no answer within 10s)"
    refused(["complete", *TOKEN], REAL_DESC, reason)
