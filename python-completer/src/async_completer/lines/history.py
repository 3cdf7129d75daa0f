"""What the Workflow's history says after the server refused a request as "not pending any
more": a repeat answered as already done, or the refusal with what closed the Activity
(docs/completer-cli.md, "When the server answers 'not pending any more'")."""

from __future__ import annotations

from async_completer.text import one_line

UNNAMED = "an unnamed client"
_GENERIC = (
    "it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new "
    "token in the Worker's log"
)


def who(identity: str) -> str:
    """IDENTITY: the event's identity as recorded, or a word for none."""
    return identity or UNNAMED


def already_done(desc: str, verbed: str, time: str, identity: str) -> str:
    """VERBED: completed, failed or reported as cancelled."""
    return f"Already done: {desc} was {verbed} at {time} by {who(identity)}"


def not_pending_because(desc: str, reason: str) -> str:
    return f"{desc} is not pending any more: {reason}"


# The clauses of REASON that name a closing event, without their subject (`it `, or
# `attempt N `).


def completed_clause(time: str, identity: str) -> str:
    return f"was completed at {time} by {who(identity)}"


def failed_clause(time: str, message: str, identity: str) -> str:
    return f"failed at {time}: {one_line(message)} (reported by {who(identity)})"


def timed_out_clause(time: str, kind: str) -> str:
    """KIND: start-to-close, schedule-to-start, schedule-to-close or heartbeat."""
    return f"timed out at {time} (its {kind} timeout)"


def cancelled_clause(time: str, identity: str) -> str:
    return f"was reported as cancelled at {time} by {who(identity)}"


def terminated_clause(time: str, reason: str) -> str:
    """A standalone Activity's: terminated (`temporal activity terminate`)."""
    clause = f"was terminated at {time}"
    return f"{clause}: {one_line(reason)}" if reason else clause


def closed_by(clause: str) -> str:
    return f"it {clause}"


def retried_and_pending(attempt: int, pending: int) -> str:
    return (
        f"attempt {attempt} was retried: attempt {pending} is pending now; its token is in the "
        "Worker's log"
    )


def retried_and_closed(attempt: int, closed: int, clause: str) -> str:
    return f"attempt {attempt} was retried: attempt {closed} {clause}"


def workflow_closed(status: str, time: str) -> str:
    """STATUS: completed, failed, terminated, cancelled, timed out or continued as new."""
    return f"its Workflow was {status} at {time}"


def no_such_run(namespace: str) -> str:
    return f'no such Workflow run in namespace "{namespace}"'


def no_such_standalone(namespace: str) -> str:
    return f'no such standalone Activity in namespace "{namespace}"'


def history_unreadable(message: str) -> str:
    """REASON when the history could not be read: the generic words, and why."""
    return f"{_GENERIC} (its history could not be read: {one_line(message)})"


HISTORY_SILENT = f"{_GENERIC} (its history does not say)"
# A standalone Activity whose record does not say what closed it (a status newer than this
# completer).
RECORD_SILENT = (
    "it was completed, failed, cancelled, terminated, timed out or retried (its record does "
    "not say)"
)
