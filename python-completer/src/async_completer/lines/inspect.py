"""inspect's JSON: the decoded token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from async_completer.times import format_rfc3339nano

if TYPE_CHECKING:
    from async_completer.tasktokenpb.task_token_pb2 import Task

# inspect: the decoded token.


def inspect_json(task: Task, standalone_run_id: str | None = None) -> str:
    """Every field of the token, in the contract's order, 2-space indent; then whether it
    is a standalone Activity's, and that Activity's run (None: of a Workflow)."""
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
        "standalone": standalone_run_id is not None,
        "activity_run_id": standalone_run_id,
    }
    # ensure_ascii=False escapes exactly what the Go completer's encoder escapes (quote,
    # backslash, control characters) and writes everything else as is.
    return json.dumps(fields, indent=2, ensure_ascii=False)
