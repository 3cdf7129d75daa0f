"""`list` of an Activity that waits besides running, without a server: waiting for its next
attempt (the STATE cell says "retrying at" the time, the JSON line next_attempt_time), and
paused (who and why in the JSON line), read from the server's PendingActivityInfo."""

from __future__ import annotations

import json

import pytest
from async_completer import lines
from async_completer.pending import PendingActivity, row_of
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.api.workflow.v1 import PendingActivityInfo

STATE = PendingActivityState
NOW = 1_800_000_000 * 1_000_000_000  # 2027-01-15T08:00:00Z


def activity(**fields: object) -> PendingActivity:
    values: dict[str, object] = {
        "workflow_id": "order-17",
        "run_id": "run-1",
        "activity_id": "1",
        "activity_type": "Activity",
        "attempt": 2,
        "maximum_attempts": 0,
        "state": "scheduled",
        "waiting_since": None,
        "last_heartbeat_time": None,
        "heartbeat_details": None,
        "last_failure": "Try later",
    }
    values.update(fields)
    return PendingActivity(**values)  # type: ignore[arg-type]


def test_a_retry_that_waits_is_retrying_at_its_time_to_the_second() -> None:
    waiting = activity(next_attempt_time=(1_800_000_007, 900_000_000))
    assert lines.table_cells(waiting, NOW)[4] == "retrying at 2027-01-15T08:00:07Z"
    line = json.loads(lines.list_json_line(waiting))
    assert (line["state"], line["next_attempt_time"]) == ("scheduled", "2027-01-15T08:00:07.9Z")
    # Scheduled with no time for a next attempt: the retry was dispatched, or it is the first.
    assert lines.table_cells(activity(), NOW)[4] == "scheduled"


@pytest.mark.parametrize(
    ("state", "cell"), [("paused", "paused"), ("pause_requested", "pause requested")]
)
def test_paused_states_and_who_paused(state: str, cell: str) -> None:
    paused = activity(state=state, paused_by="ops@example", pause_reason="waiting for stock")
    assert lines.table_cells(paused, NOW)[4] == cell
    assert lines.list_json_line(paused).endswith(
        ',"last_failure":"Try later","next_attempt_time":null,'
        '"paused_by":"ops@example","pause_reason":"waiting for stock","input":null,"summary":null}'
    )


def test_the_row_of_a_retry_that_waits() -> None:
    info = PendingActivityInfo(activity_id="1", state=STATE.PENDING_ACTIVITY_STATE_SCHEDULED)
    assert row_of("wf", "run", info).next_attempt_time is None
    info.next_attempt_schedule_time.FromSeconds(500)
    assert row_of("wf", "run", info).next_attempt_time == (500, 0)


def test_the_row_of_a_paused_activity() -> None:
    info = PendingActivityInfo(
        activity_id="1", state=STATE.PENDING_ACTIVITY_STATE_PAUSED, paused=True
    )
    row = row_of("wf", "run", info)
    assert (row.state, row.paused_by, row.pause_reason) == ("paused", None, None)
    info.pause_info.manual.identity = "ops@example"
    info.pause_info.manual.reason = "waiting for stock"
    row = row_of("wf", "run", info)
    assert (row.paused_by, row.pause_reason) == ("ops@example", "waiting for stock")
    # Paused by a rule: its creator and description, else the rule's ID.
    info.pause_info.rule.rule_id = "r-9"
    row = row_of("wf", "run", info)
    assert (row.paused_by, row.pause_reason) == ("rule r-9", None)
    info.pause_info.rule.identity = "admin"
    info.pause_info.rule.reason = "too many failures"
    row = row_of("wf", "run", info)
    assert (row.paused_by, row.pause_reason) == ("admin", "too many failures")
