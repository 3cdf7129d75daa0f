"""`list`'s words for a Workflow that visibility listed but that could not be described (any
error: refused, no answer in time): it gets a row of its own, and the others are listed all
the same. Mirrors go-completer/internal/lines/listfailures.go."""

from __future__ import annotations

from async_completer.lines.batch import json_string
from async_completer.lines.cells import cell_text
from async_completer.lines.listing import TABLE_HEADER, count_line
from async_completer.text import one_line


def list_failed_json_line(workflow_id: str, run_id: str, message: str) -> str:
    """The `list --json` line of a Workflow that could not be described: its IDs and the
    failure's line (without `error: `), no Activity keys, so a batch refuses it as a job."""
    return (
        f'{{"workflow_id":{json_string(workflow_id)},"run_id":{json_string(run_id)},'
        f'"error":{json_string(message)}}}'
    )


def failed_cells(workflow_id: str, message: str) -> tuple[str, ...]:
    """The table's cells for it: the failure's line in place of the state, `-` elsewhere."""
    cells = ["-"] * len(TABLE_HEADER)
    cells[0] = cell_text(workflow_id)
    cells[4] = cell_text(one_line(message))
    return tuple(cells)


def count_line_with_failures(
    activities: int, workflows: int, looked_at: int, failed: int, standalone: int = 0
) -> str:
    """The count line, and how many Workflows could not be described when some could not."""
    line = count_line(activities, workflows, looked_at, standalone)
    return line if failed == 0 else f"{line[:-1]}, {failed} could not be described)"


def not_described(failed: int) -> str:
    if failed == 1:
        return "1 Workflow could not be described: its row says why"
    return f"{failed} Workflows could not be described: their rows say why"
