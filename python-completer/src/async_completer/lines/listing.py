"""`list`: its table (header, rows, the count line), its JSON lines, and its failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from async_completer.lines.asked import asked_text
from async_completer.lines.batch import json_string
from async_completer.lines.cells import cell_text, pad
from async_completer.text import one_line
from async_completer.times import format_rfc3339nano, go_duration

if TYPE_CHECKING:
    from async_completer.model import Asked, PendingActivity, Time

BOTH_SCOPES = "give either --workflow-id or --query, not both"
TABLE_HEADER = (
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
)
# The WORKFLOW ID cell of a standalone Activity (started without a Workflow).
STANDALONE_CELL = "(standalone)"
# DETAILS, LAST FAILURE and ASKS are cut to this many code points, the last of them an ellipsis.
CELL_LIMIT = 40


def bad_page_size(text: str, maximum: int) -> str:
    return f'--page-size "{text}" must be a whole number from 1 to {maximum}'


def query_refused(message: str) -> str:
    return f"the server refused the query: {one_line(message)}"


def listing_stdout_failed(reason: str) -> str:
    return f"could not write to standard output ({reason}): the listing stopped"


def _time(value: Time | None) -> str:
    return "null" if value is None else f'"{format_rfc3339nano(*value)}"'


def _text(value: str | None) -> str:
    return "null" if value is None else json_string(value)


def list_json_line(a: PendingActivity) -> str:
    """One compact JSON line, keys in the page's order, strings as a batch's lines encode
    them (so `list --json | complete --batch -` reads them back)."""
    return (
        f'{{"workflow_id":{"null" if a.standalone else json_string(a.workflow_id)},'
        f'"run_id":{json_string(a.run_id)},'
        f'"activity_id":{json_string(a.activity_id)},'
        f'"activity_type":{json_string(a.activity_type)},"attempt":{a.attempt},'
        f'"maximum_attempts":{a.maximum_attempts},"state":{json_string(a.state)},'
        f'"waiting_since":{_time(a.waiting_since)},'
        f'"last_heartbeat_time":{_time(a.last_heartbeat_time)},'
        f'"heartbeat_details":{_text(a.heartbeat_details)},'
        f'"last_failure":{_text(a.last_failure)},'
        f'"next_attempt_time":{_time(a.next_attempt_time)},'
        f'"paused_by":{_text(a.paused_by)},"pause_reason":{_text(a.pause_reason)},'
        f"{_asked_keys(a.asked)}}}"
    )


def _asked_keys(asked: Asked | None) -> str:
    """The input and summary keys: the input as a JSON array of its arguments (each as
    history/asked.py wrote it), null when the history was not read."""
    if asked is None:
        return '"input":null,"summary":null'
    return f'"input":[{",".join(asked.input)}],"summary":{_text(asked.summary)}'


def _age(value: Time | None, now_ns: int) -> str | None:
    """now minus a time, rounded down to whole seconds; 0s for a time in the future."""
    if value is None:
        return None
    seconds, nanos = value
    elapsed = now_ns - (seconds * 1_000_000_000 + nanos)
    return go_duration(max(elapsed, 0) // 1_000_000_000)


def _cut(value: str | None) -> str:
    if value is None:
        return "-"
    text = one_line(value)
    return cell_text(text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…")


def table_cells(a: PendingActivity, now_ns: int) -> tuple[str, ...]:
    """The cells of one row, in TABLE_HEADER's order."""
    attempt = f"{a.attempt}/{a.maximum_attempts}" if a.maximum_attempts else str(a.attempt)
    waiting = _age(a.waiting_since, now_ns)
    heartbeat = _age(a.last_heartbeat_time, now_ns)
    return (
        STANDALONE_CELL if a.standalone else cell_text(a.workflow_id),
        cell_text(a.activity_id),
        cell_text(a.activity_type),
        attempt,
        state_cell(a),
        "-" if waiting is None else waiting,
        "-" if heartbeat is None else f"{heartbeat} ago",
        _cut(a.heartbeat_details),
        _cut(a.last_failure),
        _cut(asked_text(a.asked)),
    )


def state_cell(a: PendingActivity) -> str:
    """The STATE cell: the JSON state with "_" as a space, or, while a retry waits,
    "retrying at" its time in UTC to the second."""
    if a.next_attempt_time is not None and a.state == "scheduled":
        return f"retrying at {format_rfc3339nano(a.next_attempt_time[0], 0)}"
    return a.state.replace("_", " ")


def table_line(cells: tuple[str, ...], widths: list[int]) -> str:
    """Cells separated by two spaces, each left-aligned to its column's width (in display
    width, cells.py), the last one not padded, no trailing spaces."""
    padded = [pad(cell, width) for cell, width in zip(cells[:-1], widths, strict=False)]
    return "  ".join([*padded, cells[-1]]).rstrip(" ")


def count_line(activities: int, workflows: int, looked_at: int, standalone: int = 0) -> str:
    """The last line; with standalone Activities listed, ` and S standalone` after the
    Workflows (S of the N Activities)."""

    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    alone = f" and {standalone} standalone" if standalone else ""
    return (
        f"{count(activities, 'pending Activity', 'pending Activities')} in "
        f"{count(workflows, 'Workflow', 'Workflows')}{alone} "
        f"({count(looked_at, 'Workflow', 'Workflows')} looked at)"
    )
