"""Which Activity a request is for: a task token, or Workflow ID plus Activity ID.

Checked in two steps, so that every verb reports a missing target before its own missing
options (`fail` with nothing else says "no Activity given", not "needs --reason"), and the
token is decoded last.
"""

from __future__ import annotations

from async_completer import lines
from async_completer.lines.errors import UsageFailure
from async_completer.model import Target
from async_completer.tasktoken import parse_task_token, read_token_text, standalone_ref


def check_target_options(
    tasktoken: str | None, workflow_id: str | None, activity_id: str | None, run_id: str | None
) -> None:
    """Exactly one way of naming the Activity was given. --tasktoken counts as given
    even when empty (its text is checked later, with its own message); an empty ID counts
    as missing."""
    by_ids = bool(workflow_id or activity_id or run_id)
    if tasktoken is not None and by_ids:
        raise UsageFailure(lines.BOTH_GIVEN)
    if tasktoken is not None:
        return
    if not by_ids:
        raise UsageFailure(lines.NO_ACTIVITY)
    if workflow_id and not activity_id:
        raise UsageFailure(lines.NEEDS_ACTIVITY_ID)
    if not activity_id:
        raise UsageFailure(lines.RUN_ID_NEEDS_ACTIVITY_ID)


def check_batch_target(
    tasktoken: str | None, workflow_id: str | None, activity_id: str | None, run_id: str | None
) -> None:
    """--batch names its Activities in the file: no target on the command line as well.
    As for a single Activity, an empty ID counts as not given."""
    if tasktoken is not None or workflow_id or activity_id or run_id:
        raise UsageFailure(lines.BATCH_AND_TARGET)


def target_from_token(text: str) -> Target:
    """The Target of a token's text (not `-`: the caller has read standard input)."""
    token, task = parse_task_token(text)
    ref = standalone_ref(task)
    if ref is not None:
        return Target(
            task_token=token,
            workflow_id="",
            activity_id=task.activity_id,
            run_id=ref.run_id,
            attempt=task.attempt,
            description=lines.standalone_desc(task.activity_id, task.attempt),
            standalone=True,
        )
    return Target(
        task_token=token,
        workflow_id=task.workflow_id,
        activity_id=task.activity_id,
        run_id=task.run_id,
        attempt=task.attempt,
        scheduled_event_id=task.scheduled_event_id or None,
        description=lines.desc(task.workflow_id, task.activity_id, task.attempt),
    )


def target_from_ids(workflow_id: str, activity_id: str, run_id: str | None) -> Target:
    """By IDs; without a Workflow ID, a standalone Activity (its latest run, or run_id)."""
    if not workflow_id:
        return Target(
            task_token=None,
            workflow_id="",
            activity_id=activity_id,
            run_id=run_id or None,
            description=lines.standalone_desc(activity_id, None),
            standalone=True,
        )
    return Target(
        task_token=None,
        workflow_id=workflow_id,
        activity_id=activity_id,
        run_id=run_id or None,
        description=lines.desc(workflow_id, activity_id, None),
    )


def target_of_attempt(workflow_id: str, activity_id: str, run_id: str, attempt: int) -> Target:
    """One attempt of an Activity, by IDs with the run ID (a signed link's): sent by IDs,
    named with its attempt in messages. Without a Workflow ID, a standalone Activity."""
    if not workflow_id:
        return Target(
            task_token=None,
            workflow_id="",
            activity_id=activity_id,
            run_id=run_id,
            attempt=attempt,
            description=lines.standalone_desc(activity_id, attempt),
            standalone=True,
        )
    return Target(
        task_token=None,
        workflow_id=workflow_id,
        activity_id=activity_id,
        run_id=run_id,
        attempt=attempt,
        description=lines.desc(workflow_id, activity_id, attempt),
    )


def resolve_target(
    tasktoken: str | None, workflow_id: str | None, activity_id: str | None, run_id: str | None
) -> Target:
    """The Target, after check_target_options passed; decodes the token (reading standard
    input for `-`)."""
    if tasktoken is not None:
        return target_from_token(read_token_text(tasktoken))
    assert activity_id
    return target_from_ids(workflow_id or "", activity_id, run_id)
