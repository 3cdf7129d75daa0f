"""What pending Activities ask: the input and the summary their Workflow gave them, read
from their scheduled events in the run's history (the same paged, bounded read the
refusals use). Decoded as the default data converter would, without ever handing out raw
bytes: a JSON payload as its JSON, binary/null as null, anything else named by its
encoding and size. Go: internal/history/asked.go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection

from temporalio.api.common.v1 import Payload, WorkflowExecution
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from async_completer.history.read import SCHEDULED, history_events
from async_completer.model import Asked

_json_string = json.encoder.encode_basestring
# What Go's JSON decoder turns a lone surrogate escape (\ud800) into; Python keeps it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Bytes that are not UTF-8, as surrogateescape keeps them: a run of them is one U+FFFD, as
# Go's strings.ToValidUTF8 makes it.
_INVALID_RUN = re.compile("[\udc80-\udcff]+")
# A JSON string, or a run of the white space JSON allows between tokens: compacting drops
# the white space and keeps each string's bytes (Go's json.Compact).
_STRING_OR_SPACE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[ \t\n\r]+', re.DOTALL)


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is no JSON")  # Python's json reads NaN and Infinity; Go's not


def _compact(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if text[0] == '"' else ""


def payload_json(payload: Payload) -> str:
    """One argument as compact JSON text: a text as a JSON string (written as `list --json`
    writes strings), other JSON as its own text without the white space between tokens,
    binary/null as null, anything else (another encoding, data that is not JSON in UTF-8)
    as {"encoding":E,"size":N}."""
    encoding = payload.metadata.get("encoding", b"")
    data = payload.data
    if encoding == b"binary/null":
        return "null"
    if encoding == b"json/plain":
        try:
            text = data.decode("utf-8")
            value = json.loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            pass
        else:
            if isinstance(value, str):
                return _json_string(_LONE_SURROGATE.sub("\ufffd", value))
            return _STRING_OR_SPACE.sub(_compact, text)
    name = _json_string(_INVALID_RUN.sub("\ufffd", encoding.decode("utf-8", "surrogateescape")))
    return f'{{"encoding":{name},"size":{len(data)}}}'


def summary_text(payload: Payload) -> str | None:
    """A summary as text: a text payload as that text; None for anything else."""
    if payload.metadata.get("encoding") != b"json/plain":
        return None
    try:
        value = json.loads(payload.data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else None


def asked_of(event: HistoryEvent) -> Asked:
    """What a scheduled event asks."""
    attributes = event.activity_task_scheduled_event_attributes
    summary = None
    if event.HasField("user_metadata") and event.user_metadata.HasField("summary"):
        summary = summary_text(event.user_metadata.summary)
    return Asked(tuple(payload_json(p) for p in attributes.input.payloads), summary)


async def read_asked(
    client: Client, execution: WorkflowExecution, activity_ids: Collection[str], deadline: float
) -> dict[str, Asked]:
    """What each of the activity IDs asks, by the last scheduled event with that ID in the
    run's history (a pending Activity is its ID's latest schedule; a retry is no new
    schedule, so every attempt asks the same). An ID without a scheduled event is left out.
    Raises what the history request raised."""
    found: dict[str, HistoryEvent] = {}
    async for event in history_events(client, execution, deadline):
        if event.event_type == SCHEDULED:
            activity_id = event.activity_task_scheduled_event_attributes.activity_id
            if activity_id in activity_ids:
                found[activity_id] = event
    return {activity_id: asked_of(event) for activity_id, event in found.items()}
