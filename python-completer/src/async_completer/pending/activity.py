"""One pending Activity as `list` shows it, read from the server's PendingActivityInfo.

This module imports temporalio's protobuf messages only, and nothing of the completer but
text helpers: the row is model.PendingActivity, which lines/listing.py formats without
depending on how it is found.
"""

from __future__ import annotations

import json
import re

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.api.workflow.v1 import PendingActivityInfo

from async_completer.model import PendingActivity, Time
from async_completer.pending.waiting import next_attempt_time, pause_reason, paused_by

_STATE_PREFIX = "PENDING_ACTIVITY_STATE_"
_UNPAUSED_STATES = (
    PendingActivityState.PENDING_ACTIVITY_STATE_UNSPECIFIED,
    PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
)
# What Go's JSON decoder turns a lone surrogate escape (\ud800) into; Python keeps it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# The bytes that are not UTF-8, as surrogateescape keeps them: a run of them is one U+FFFD,
# as Go's strings.ToValidUTF8 makes it.
_INVALID_RUN = re.compile("[\udc80-\udcff]+")


def _time(timestamp: Timestamp) -> Time:
    return timestamp.seconds, timestamp.nanos


def _state(info: PendingActivityInfo) -> str:
    # A server older than the paused states marks a paused Activity with the flag alone;
    # newer ones say paused or pause requested in the state, and keep cancel requested.
    if info.paused and info.state in _UNPAUSED_STATES:
        return "paused"
    try:
        name = PendingActivityState.Name(info.state)
    except ValueError:
        name = "PENDING_ACTIVITY_STATE_UNSPECIFIED"  # a state newer than this SDK
    return name.removeprefix(_STATE_PREFIX).lower()


def detail_text(payload: Payload) -> str:
    """A heartbeat detail as text: a text (a JSON string in a json/plain payload, as the
    SDKs encode one) as that text, any other payload as its data read as UTF-8."""
    data = payload.data
    if payload.metadata.get("encoding") == b"json/plain" and data.startswith(b'"'):
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, str):
            return _LONE_SURROGATE.sub("\ufffd", value)
    return _INVALID_RUN.sub("\ufffd", data.decode("utf-8", "surrogateescape"))


def _waiting_since(info: PendingActivityInfo) -> Time | None:
    """When the current attempt started, or, before it has started (scheduled, or waiting
    for a retry), when it was scheduled. While a retry waits the server keeps the start of
    the attempt before: a start before the schedule is no start of the current attempt."""
    started = _time(info.last_started_time) if info.HasField("last_started_time") else None
    scheduled = _time(info.scheduled_time) if info.HasField("scheduled_time") else None
    if started is not None and (scheduled is None or started >= scheduled):
        return started
    return scheduled if scheduled is not None else started


def row_of(workflow_id: str, run_id: str, info: PendingActivityInfo) -> PendingActivity:
    details = info.heartbeat_details.payloads
    return PendingActivity(
        workflow_id=workflow_id,
        run_id=run_id,
        activity_id=info.activity_id,
        activity_type=info.activity_type.name,
        attempt=info.attempt,
        maximum_attempts=info.maximum_attempts,
        state=_state(info),
        waiting_since=_waiting_since(info),
        last_heartbeat_time=(
            _time(info.last_heartbeat_time) if info.HasField("last_heartbeat_time") else None
        ),
        heartbeat_details=detail_text(details[0]) if details else None,
        last_failure=info.last_failure.message if info.HasField("last_failure") else None,
        next_attempt_time=next_attempt_time(info),
        paused_by=paused_by(info),
        pause_reason=pause_reason(info),
    )
