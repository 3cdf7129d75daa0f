"""Task tokens: from the text a person pasted to the decoded token.

A token is the server's serialized `Task` message (proto/tasktoken/v1/task_token.proto). The
Worker logs it as hex. Checking it here, offline, turns the common mistakes (a line cut short,
a base64 copy from another tool, a stray quote) into a message that says what went wrong,
instead of a refusal from the server. This module does not import temporalio: `inspect` runs
without it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
from typing import Any

from google.protobuf.message import DecodeError

from async_completer.errors import GO_WHITE_SPACE, UsageFailure
from async_completer.tasktokenpb.task_token_pb2 import Task

# The first character that is not a hex digit (a batch checks thousands of tokens).
_NOT_HEX = re.compile("[^0-9a-fA-F]")
_STD_BASE64 = re.compile(r"[A-Za-z0-9+/]+")
_URL_BASE64 = re.compile(r"[A-Za-z0-9_-]+")

_COPY_HINT = "copy the taskToken= value from the Worker's log"
EMPTY = f"the task token is empty: {_COPY_HINT}"
LOOKS_LIKE_BASE64 = f"the task token looks like base64, but hex is expected: {_COPY_HINT}"
NOT_A_TOKEN = (
    "the task token is not a Temporal task token (was it cut short?): "
    "copy the whole taskToken= value from the Worker's log"
)


def read_token_text(value: str) -> str:
    """The token text as given; `-` reads the first line of standard input, so the token
    never shows in `ps`."""
    if value != "-":
        return value
    stdin = sys.stdin
    if stdin is None:
        return ""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return stdin.readline()
    line: bytes = buffer.readline()
    return line.decode("utf-8", "surrogateescape")


def clean(text: str) -> str:
    """Trims white space and one leading 0x/0X, as both completers do before checking."""
    text = text.strip(GO_WHITE_SPACE)
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    return text


def decode_task(data: bytes) -> Task | None:
    """The Task in data, or None when data is not a task token: it does not parse, or a
    field the server needs to find the Activity is empty."""
    task = Task()
    try:
        task.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError):
        return None
    if not (task.namespace_id and task.workflow_id and task.run_id and task.activity_id):
        return None
    return task


def _is_base64_of_a_token(text: str) -> bool:
    """Whether text is a token in base64, standard or URL alphabet. Padding is optional:
    up to two `=` are dropped and the rest decoded unpadded, as the Go completer does."""
    unpadded = text.rstrip("=")
    if len(text) - len(unpadded) > 2:
        return False
    for pattern, altchars in ((_STD_BASE64, None), (_URL_BASE64, b"-_")):
        if not pattern.fullmatch(unpadded):
            continue
        padded = unpadded + "=" * (-len(unpadded) % 4)
        try:
            data = base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
        if data and decode_task(data) is not None:
            return True
    return False


def parse_task_token(text: str) -> tuple[bytes, Task]:
    """The token's bytes (sent to the server as they are) and the decoded Task.

    Raises UsageFailure (exit 2) with the contract's message for each way a pasted token
    goes wrong."""
    token = clean(text)
    if not token:
        raise UsageFailure(EMPTY)
    not_hex = _NOT_HEX.search(token)
    if not_hex is not None:
        if _is_base64_of_a_token(token):
            raise UsageFailure(LOOKS_LIKE_BASE64)
        raise UsageFailure(
            f'the task token is not hex: "{not_hex.group()}" at position {not_hex.start() + 1} '
            f"is not 0-9 or a-f; {_COPY_HINT}"
        )
    if len(token) % 2:
        raise UsageFailure(
            f"the task token has an odd number of hex digits ({len(token)}): it was cut "
            "short; copy the whole taskToken= value from the Worker's log"
        )
    data = bytes.fromhex(token)
    task = decode_task(data)
    if task is None:
        raise UsageFailure(NOT_A_TOKEN)
    return data, task


def _civil_from_days(days: int) -> tuple[int, int, int]:
    """Year, month, day of a day count since 1970-01-01 in the proleptic Gregorian
    calendar, for any count (H. Hinnant's algorithm): a token may carry any int64 seconds,
    which datetime cannot hold."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return year, month, day


def format_rfc3339nano(seconds: int, nanos: int) -> str:
    """A protobuf Timestamp as Go's time.RFC3339Nano in UTC: trailing zeros of the fraction
    dropped, no fraction at all for whole seconds."""
    seconds += nanos // 1_000_000_000
    nanos %= 1_000_000_000
    days, second_of_day = divmod(seconds, 86400)
    year, month, day = _civil_from_days(days)
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    year_text = f"-{-year:04d}" if year < 0 else f"{year:04d}"
    fraction = f".{nanos:09d}".rstrip("0") if nanos else ""
    return f"{year_text}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{fraction}Z"


def inspect_json(task: Task) -> str:
    """The `inspect` output: every field, in the contract's order, 2-space indent."""
    fields: dict[str, Any] = {
        "namespace_id": task.namespace_id,
        "workflow_id": task.workflow_id,
        "run_id": task.run_id,
        "scheduled_event_id": task.scheduled_event_id,
        "attempt": task.attempt,
        "activity_id": task.activity_id,
        "workflow_type": task.workflow_type,
        "activity_type": task.activity_type,
        "clock": (
            {
                "shard_id": task.clock.shard_id,
                "clock": task.clock.clock,
                "cluster_id": task.clock.cluster_id,
            }
            if task.HasField("clock")
            else None
        ),
        "started_event_id": task.started_event_id,
        "version": task.version,
        "started_time": (
            format_rfc3339nano(task.started_time.seconds, task.started_time.nanos)
            if task.HasField("started_time")
            else None
        ),
        "start_version": task.start_version,
        "component_ref": task.component_ref.hex(),
        "activity_attempt_stamp": task.activity_attempt_stamp,
    }
    # ensure_ascii=False escapes exactly what the Go completer's encoder escapes (quote,
    # backslash, control characters) and writes everything else as is.
    return json.dumps(fields, indent=2, ensure_ascii=False)
