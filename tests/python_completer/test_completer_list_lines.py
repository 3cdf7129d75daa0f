"""`list`'s words and bytes, without a server: ages as Go's Duration prints them, cells cut to
40 code points, the JSON line byte for byte, the table's blocks and the count line; and what
a row says of the server's PendingActivityInfo."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from async_completer import lines
from async_completer.connection import Server
from async_completer.model import Asked
from async_completer.pending import PendingActivity, detail_text, row_of
from async_completer.times import go_duration
from async_completer.verbs.list import Table
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.api.workflow.v1 import PendingActivityInfo
from temporalio.service import RPCError, RPCStatusCode

SECOND = 1_000_000_000
SERVER = Server("h:1", "default", "10s", False)
NOW = 1_800_000_000 * SECOND  # 2027-01-15T08:00:00Z


def activity(**fields: Any) -> PendingActivity:
    values: dict[str, Any] = {
        "workflow_id": "order-17",
        "run_id": "run-1",
        "activity_id": "1",
        "activity_type": "Activity",
        "attempt": 1,
        "maximum_attempts": 0,
        "state": "started",
        "waiting_since": (1_800_000_000 - 41, 0),
        "last_heartbeat_time": None,
        "heartbeat_details": None,
        "last_failure": None,
    }
    values.update(fields)
    return PendingActivity(**values)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (60, "1m0s"),
        (192, "3m12s"),
        (3600, "1h0m0s"),
        (3605, "1h0m5s"),
        (7205, "2h0m5s"),
        (93784, "26h3m4s"),
    ],
)
def test_ages_read_as_go_durations(seconds: int, text: str) -> None:
    assert go_duration(seconds) == text


@pytest.mark.parametrize(
    ("since", "waiting"),
    [
        ((1_800_000_000 - 192, 0), "3m12s"),
        ((1_800_000_000 - 193, 1), "3m12s"),  # 3m12.999999999s, rounded down
        ((1_800_000_000, 0), "0s"),
        ((1_800_000_000 + 30, 0), "0s"),  # a time in the future
        (None, "-"),
    ],
)
def test_waiting_is_rounded_down_to_whole_seconds(
    since: tuple[int, int] | None, waiting: str
) -> None:
    assert lines.table_cells(activity(waiting_since=since), NOW)[5] == waiting


def test_heartbeat_is_an_age_ago() -> None:
    cells = lines.table_cells(activity(last_heartbeat_time=(1_800_000_000 - 5, 500)), NOW)
    assert cells[6] == "4s ago"
    assert lines.table_cells(activity(), NOW)[6] == "-"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        (None, "-"),
        ("", ""),
        ("40%  done\n\tnearly ", "40% done nearly"),
        ("x" * 40, "x" * 40),
        ("x" * 41, "x" * 39 + "…"),
        ("é" * 41, "é" * 39 + "…"),  # code points, not bytes
        ("😀" * 40, "😀" * 40),
        ("a \u3000" * 30, ("a " * 20)[:39] + "…"),  # Go's white space, folded first
    ],
)
def test_details_and_last_failure_are_one_line_of_at_most_40(text: str | None, cell: str) -> None:
    cells = lines.table_cells(activity(heartbeat_details=text, last_failure=text), NOW)
    assert cells[7:] == (cell, cell, "-")


def test_attempt_and_state_cells() -> None:
    assert lines.table_cells(activity(attempt=2, maximum_attempts=3), NOW)[3] == "2/3"
    assert lines.table_cells(activity(attempt=7), NOW)[3] == "7"
    assert lines.table_cells(activity(state="cancel_requested"), NOW)[4] == "cancel requested"


def test_the_json_line_is_compact_in_the_page_order() -> None:
    row = activity(
        workflow_id='wf "ü" \\ ✓ \u2028',
        attempt=2,
        maximum_attempts=3,
        state="scheduled",
        waiting_since=(1_796_636_462, 500_000_000),
        last_heartbeat_time=(1_796_636_462, 0),
        heartbeat_details="40%\ndone",
        last_failure="Try later",
        asked=Asked(('"<b>Pay</b>"', '{"a":[1,2.50]}', "null"), "Pay <now>"),
    )
    expected = {
        "workflow_id": 'wf "ü" \\ ✓ \u2028',
        "run_id": "run-1",
        "activity_id": "1",
        "activity_type": "Activity",
        "attempt": 2,
        "maximum_attempts": 3,
        "state": "scheduled",
        "waiting_since": "2026-12-07T09:41:02.5Z",
        "last_heartbeat_time": "2026-12-07T09:41:02Z",
        "heartbeat_details": "40%\ndone",
        "last_failure": "Try later",
        "next_attempt_time": None,
        "paused_by": None,
        "pause_reason": None,
        "input": ["<b>Pay</b>", {"a": [1, 2.5]}, None],
        "summary": "Pay <now>",
    }
    line = lines.list_json_line(row)
    # The arguments' JSON is written as it was read (2.50 stays 2.50).
    assert line == json.dumps(expected, ensure_ascii=False, separators=(",", ":")).replace(
        "2.5]", "2.50]"
    )
    nulls = json.loads(lines.list_json_line(activity(waiting_since=None)))
    assert [nulls[key] for key in list(nulls)[7:]] == [None] * 9
    empty = json.loads(lines.list_json_line(activity(asked=Asked((), None))))
    assert (empty["input"], empty["summary"]) == ([], None)


@pytest.mark.parametrize(
    ("asked", "cell"),
    [
        (None, "-"),
        (Asked(('"Pay\\n invoice"', '{"a":1}'), None), 'Pay invoice, {"a":1}'),
        (Asked(('"x"',), "é" * 41), "é" * 39 + "…"),
        (Asked(('""',), None), "-"),
        (Asked((), None), "-"),
        (Asked(('"\\ud800"',), None), "\ufffd"),
    ],
)
def test_the_asks_cell_is_the_summary_else_the_arguments(asked: Asked | None, cell: str) -> None:
    assert lines.table_cells(activity(asked=asked), NOW)[-1] == cell
    assert lines.TABLE_HEADER[-1] == "ASKS"


def test_a_table_line_pads_all_but_the_last_cell() -> None:
    widths = [5, 3, 0]
    assert lines.table_line(("ab", "c", "last"), widths) == "ab     c    last"
    assert lines.table_line(("ab", "c", ""), widths) == "ab     c"
    # By display width: 注文 takes four columns, e + a combining accent one.
    assert lines.table_line(("注文", "e\u0301", "x"), [6, 2, 0]) == "注文    e\u0301   x"


# The same cases as go-completer/internal/lines/listing_test.go's.
@pytest.mark.parametrize(
    ("text", "cell", "width"),
    [
        ("order 42", "order 42", 8),
        ("tab\there", "tab\\there", 9),
        ("new\nline\r", "new\\nline\\r", 11),
        ("bell\a", "bell\\u0007", 10),
        ("del\x7f c1\x85 ls\u2028", "del\\u007f c1\\u0085 ls\\u2028", 27),
        ("注文", "注文", 4),
        ("\uff46\uff55\uff4c\uff4c", "\uff46\uff55\uff4c\uff4c", 8),  # fullwidth "full"
        ("🦊", "🦊", 2),
        ("e\u0301", "e\u0301", 1),
        ("a\u200db", "a\u200db", 2),
        ("שלום", "שלום", 4),
        ('back\\slash "q"', 'back\\slash "q"', 14),
    ],
)
def test_cells_are_one_line_and_measured_as_a_terminal_shows_them(
    text: str, cell: str, width: int
) -> None:
    assert lines.cell_text(text) == cell
    assert lines.display_width(cell) == width


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ((0, 0, 0), "0 pending Activities in 0 Workflows (0 Workflows looked at)"),
        ((1, 1, 1), "1 pending Activity in 1 Workflow (1 Workflow looked at)"),
        ((2, 1, 5), "2 pending Activities in 1 Workflow (5 Workflows looked at)"),
        ((3, 2, 1), "3 pending Activities in 2 Workflows (1 Workflow looked at)"),
    ],
)
def test_the_count_line(counts: tuple[int, int, int], line: str) -> None:
    assert lines.count_line(*counts) == line


def test_blocks_are_sorted_and_may_widen_later_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "time_ns", lambda: NOW)
    table = Table(SERVER)
    table.workflow([activity(workflow_id="b", activity_id="2"), activity(workflow_id="b")])
    table.workflow(
        [activity(workflow_id="a", run_id="r2", activity_id="x"), activity(workflow_id="a")]
    )
    table.workflow([])
    table.page()
    table.page()  # an empty block writes nothing
    table.workflow([activity(workflow_id="a-much-longer-workflow-id", last_failure="boom")])
    table.page()
    table.finish(looked_at=5)
    # Sorted by Workflow ID, then run ID, then the server's order (b: 2 before 1). The
    # second block widens the first column; the lines written before stay as they were.
    assert capsys.readouterr().out == (
        "WORKFLOW ID  ACTIVITY ID  TYPE      ATTEMPT  STATE    WAITING  HEARTBEAT  DETAILS  "
        "LAST FAILURE  ASKS\n"
        "a            x            Activity  1        started  41s      -          -        -"
        "             -\n"
        "a            1            Activity  1        started  41s      -          -        -"
        "             -\n"
        "b            2            Activity  1        started  41s      -          -        -"
        "             -\n"
        "b            1            Activity  1        started  41s      -          -        -"
        "             -\n"
        "a-much-longer-workflow-id  1            Activity  1        started  41s      -     "
        "     -        boom          -\n"
        "5 pending Activities in 3 Workflows (5 Workflows looked at)\n"
    )


def test_a_workflow_that_cannot_be_described_gets_a_row_that_says_why(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "time_ns", lambda: NOW)
    table = Table(SERVER)
    table.workflow([activity(workflow_id="order-17")])
    table.failed("odd\tone", "ro", RPCError("not yours", RPCStatusCode.PERMISSION_DENIED, b""))
    table.page()
    table.finish(looked_at=2)
    assert capsys.readouterr().out == (
        "WORKFLOW ID  ACTIVITY ID  TYPE      ATTEMPT  STATE                                      "
        "WAITING  HEARTBEAT  DETAILS  LAST FAILURE  ASKS\n"
        "odd\\tone     -            -         -        the server refused the request: not yours  "
        "-        -          -        -             -\n"
        "order-17     1            Activity  1        started                                    "
        "41s      -          -        -             -\n"
        "1 pending Activity in 1 Workflow (2 Workflows looked at, 1 could not be described)\n"
    )
    failure = table.failures.failure()
    assert failure is not None and failure.exit_code == 3
    assert failure.message == "1 Workflow could not be described: its row says why"
    assert lines.list_failed_json_line("odd\tone", "ro", "the server refused") == (
        '{"workflow_id":"odd\\tone","run_id":"ro","error":"the server refused"}'
    )


def test_nothing_pending_is_the_count_line_alone(capsys: pytest.CaptureFixture[str]) -> None:
    table = Table(SERVER)
    table.workflow([])
    table.page()
    table.finish(looked_at=1)
    assert capsys.readouterr().out == "0 pending Activities in 0 Workflows (1 Workflow looked at)\n"


# What a row says of the server's PendingActivityInfo.

STATE = PendingActivityState


@pytest.mark.parametrize(
    ("state", "paused", "text"),
    [
        (STATE.PENDING_ACTIVITY_STATE_SCHEDULED, False, "scheduled"),
        (STATE.PENDING_ACTIVITY_STATE_STARTED, False, "started"),
        (STATE.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED, False, "cancel_requested"),
        (STATE.PENDING_ACTIVITY_STATE_PAUSED, False, "paused"),
        (STATE.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED, False, "pause_requested"),
        (STATE.PENDING_ACTIVITY_STATE_UNSPECIFIED, False, "unspecified"),
        (99, False, "unspecified"),  # a state newer than the SDK
        # The server's paused mark on a state that does not say it (older servers set
        # the mark alone); the server's own words win over the mark.
        (STATE.PENDING_ACTIVITY_STATE_SCHEDULED, True, "paused"),
        (STATE.PENDING_ACTIVITY_STATE_STARTED, True, "paused"),
        (STATE.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED, True, "pause_requested"),
        (STATE.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED, True, "cancel_requested"),
    ],
)
def test_the_state(state: int, paused: bool, text: str) -> None:
    info = PendingActivityInfo(activity_id="1", state=state, paused=paused)  # type: ignore[arg-type]
    assert row_of("wf", "run", info).state == text


def payload(encoding: bytes, data: bytes) -> Payload:
    return Payload(metadata={"encoding": encoding}, data=data)


@pytest.mark.parametrize(
    ("detail", "text"),
    [
        (payload(b"json/plain", b'"40% done \\u2713"'), "40% done ✓"),
        (payload(b"json/plain", b"42"), "42"),
        (payload(b"json/plain", b'{"a": [1, 2]}'), '{"a": [1, 2]}'),
        (payload(b"json/plain", b'"cut'), '"cut'),
        (payload(b"json/plain", b' "spaced"'), ' "spaced"'),  # a text starts with its quote
        (payload(b"json/plain", b'"\\ud800"'), "\ufffd"),
        (payload(b"binary/plain", b"raw \xc3\xa9"), "raw é"),
        (payload(b"binary/null", b""), ""),
        (Payload(data=b"\xff"), "\ufffd"),
        (Payload(data=b"a\xff\xfe\xed\xa0\x80b"), "a\ufffdb"),  # a run of bad bytes: one
    ],
)
def test_a_heartbeat_detail_as_text(detail: Payload, text: str) -> None:
    assert detail_text(detail) == text


def test_a_row_of_the_server_info() -> None:
    info = PendingActivityInfo(activity_id="7", attempt=2, maximum_attempts=3)
    info.activity_type.name = "Activity"
    info.scheduled_time.FromSeconds(100)
    assert row_of("wf", "run", info).waiting_since == (100, 0)
    info.last_started_time.FromNanoseconds(200 * SECOND + 5)
    info.last_failure.message = "Try later"
    info.heartbeat_details.payloads.append(payload(b"json/plain", b'"first"'))
    info.heartbeat_details.payloads.append(payload(b"json/plain", b'"second"'))
    info.last_heartbeat_time.FromSeconds(300)
    # The attempt running started after it was scheduled.
    assert row_of("wf", "run", info) == PendingActivity(
        workflow_id="wf",
        run_id="run",
        activity_id="7",
        activity_type="Activity",
        attempt=2,
        maximum_attempts=3,
        state="unspecified",
        waiting_since=(200, 5),
        last_heartbeat_time=(300, 0),
        heartbeat_details="first",
        last_failure="Try later",
    )
    # A retry waits: the start is the attempt before's, earlier than the new schedule.
    info.scheduled_time.FromSeconds(250)
    assert row_of("wf", "run", info).waiting_since == (250, 0)
    bare = row_of("wf", "run", PendingActivityInfo(activity_id="1"))
    assert (bare.waiting_since, bare.last_heartbeat_time, bare.heartbeat_details) == (
        None,
        None,
        None,
    )
    assert bare.last_failure is None
