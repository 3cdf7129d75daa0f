"""What became of a request: the server's answers about an Activity (DESC names it), the
success lines, and the failures that are nobody's fault in particular (exit 1)."""

from __future__ import annotations

from async_completer.lines.cells import cell_text
from async_completer.text import one_line

# The server's answers. DESC names the Activity.


def desc(workflow_id: str, activity_id: str, attempt: int | None) -> str:
    """DESC: with a token the attempt is known and named. The IDs' control characters are
    escaped as in list's table: a line stays one line whatever they hold."""
    text = f'Activity "{cell_text(activity_id)}" of Workflow "{cell_text(workflow_id)}"'
    return text if attempt is None else f"{text} (attempt {attempt})"


def standalone_desc(activity_id: str, attempt: int | None) -> str:
    """DESC of an Activity started without a Workflow."""
    text = f'standalone Activity "{cell_text(activity_id)}"'
    return text if attempt is None else f"{text} (attempt {attempt})"


def not_pending(desc: str) -> str:
    return (
        f"{desc} is not pending any more: it was completed, failed, timed out or retried, or "
        "its Workflow closed; a retry logs a new token in the Worker's log"
    )


def namespace_not_found(namespace: str, address: str) -> str:
    return (
        f'namespace "{namespace}" was not found on the server at {address}: check --namespace '
        "or TEMPORAL_NAMESPACE"
    )


def other_namespace(namespace: str) -> str:
    return (
        f'the task token is for another namespace than "{namespace}": set --namespace or '
        "TEMPORAL_NAMESPACE to the namespace of its Workflow"
    )


def cancel_refused(desc: str, workflow_id: str) -> str:
    return (
        f"the server refused to report {desc} as cancelled: no cancellation was requested for "
        f"it; request one first (make cancel WORKFLOW_ID={workflow_id})"
    )


def standalone_cancel_refused(desc: str, activity_id: str) -> str:
    return (
        f"the server refused to report {desc} as cancelled: no cancellation was requested for "
        f"it; request one first (temporal activity cancel --activity-id {activity_id})"
    )


SERVER_CANNOT_READ_TOKEN = (
    "the server could not read the task token (was it cut short?): copy the whole taskToken= "
    "value from the Worker's log"
)


def server_refused(message: str) -> str:
    return f"the server refused the request: {one_line(message)}"


def cancel_requested(desc: str) -> str:
    return (
        f"cancellation was requested for {desc}: stop its work, then report it with the "
        "cancel command"
    )


def paused(desc: str) -> str:
    return (
        f"{desc} is paused on the server: the heartbeat was recorded; stop its work until it "
        "is unpaused"
    )


def reset(desc: str) -> str:
    return (
        f"{desc} was reset on the server: the heartbeat was recorded; stop its work, its next "
        "attempt logs a new token in the Worker's log"
    )


# Success: one line on standard output.


def completed(desc: str) -> str:
    return f"Completed {desc}"


def failed(desc: str, retryable: bool) -> str:
    kind = "retryable: the server will run it again" if retryable else "non-retryable"
    return f"Failed {desc} ({kind})"


def heartbeat_recorded(desc: str) -> str:
    return f"Recorded a heartbeat for {desc}"


def reported_cancelled(desc: str) -> str:
    return f"Reported {desc} as cancelled"


# Anything else (exit 1).

INTERRUPTED = "interrupted"


def stdout_failed_after_request(reason: str) -> str:
    return f"could not write to standard output ({reason}): the request was sent and succeeded"


def stdout_failed(reason: str) -> str:
    return f"could not write to standard output ({reason})"


def unexpected_failure(err: BaseException) -> str:
    return f"unexpected failure: {type(err).__name__}: {one_line(str(err))}"


def server_message(message: str) -> str:
    return one_line(message)


def other_failure(err: BaseException) -> str:
    return one_line(str(err)) or type(err).__name__
