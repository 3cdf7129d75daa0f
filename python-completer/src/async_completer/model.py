"""The data the completer's layers hand each other: which Activity (Target), one job to
send and its outcome, what closed an Activity (Closing, Finding), and a pending Activity's
row, and what a signed link names. Plain values: this module imports nothing of the
completer but times.py, nor temporalio, so every layer may use it (Go: internal/model).
"""

from __future__ import annotations

from dataclasses import dataclass

from async_completer.times import format_rfc3339nano

# A signed link's actions (Link.action).
APPROVE = "approve"
REJECT = "reject"
# The events that close an Activity (Closing.kind).
COMPLETED = "completed"
FAILED = "failed"
TIMED_OUT = "timed out"
CANCELED = "cancelled"
TERMINATED = "terminated"  # a standalone Activity's record only


@dataclass(frozen=True)
class Target:
    """The Activity to complete, fail, heartbeat or cancel.

    With a token, workflow_id, activity_id, run_id, attempt and scheduled_event_id come
    from the decoded token: they name the Activity in messages, and find its events in the
    history after a refusal; the token alone is sent. description is DESC of the contract
    (target.py composes it with lines/)."""

    task_token: bytes | None
    workflow_id: str
    activity_id: str
    run_id: str | None = None
    attempt: int | None = None
    scheduled_event_id: int | None = None
    description: str = ""
    # Started without a Workflow (workflow_id is ""): run_id is the Activity's own run.
    standalone: bool = False


@dataclass(frozen=True, slots=True)
class Job:
    """One line that can be sent. result is complete's; reason and retryable are fail's;
    details (None: none) heartbeat's and cancel's. identity is the ACTOR the job names
    (None: the surface's default) and idempotency_key its key (None: none)."""

    line: int
    target: Target
    result: str = ""
    reason: str = ""
    retryable: bool = False
    details: str | None = None
    identity: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one line: the exit code a single command would have, and its line
    without `error: ` (the success line when code is 0). already: a repeat of what closed
    the Activity, answered as done."""

    line: int
    code: int
    message: str
    already: bool = False


@dataclass(frozen=True)
class Closing:
    """The event that closed an Activity, as the history says it. kind is one of COMPLETED,
    FAILED, TIMED_OUT, CANCELED; time is RFC 3339; attempt is the attempt that closed (from
    its started event), None when the history does not say. text is a completion's result
    or a cancellation's details when they are exactly one text (None: not one text);
    no_details: a cancellation without details. A failure's message, whether it is an
    application failure and whether it is non-retryable; a timeout's KIND (None: unknown)."""

    kind: str
    time: str
    identity: str
    attempt: int | None = None
    text: str | None = None
    no_details: bool = False
    message: str = ""
    application: bool = False
    non_retryable: bool = False
    timeout: str | None = None


@dataclass(frozen=True)
class Finding:
    """What a history says of one Activity: whether its scheduled event was found, the
    event that closed it, and the STATUS and time of the Workflow run's close (None: still
    running)."""

    scheduled: bool = False
    closing: Closing | None = None
    workflow_closed: str | None = None
    workflow_closed_at: str = ""


Time = tuple[int, int]  # a protobuf Timestamp: seconds and nanoseconds since the epoch


@dataclass(frozen=True, slots=True)
class PendingActivity:
    """One row: what `list` shows of a pending Activity (docs/completer-cli.md, the JSON
    line's keys)."""

    workflow_id: str
    run_id: str
    activity_id: str
    activity_type: str
    attempt: int
    maximum_attempts: int
    state: str
    waiting_since: Time | None
    last_heartbeat_time: Time | None
    heartbeat_details: str | None
    last_failure: str | None
    # What the Activity asks (history/asked.py), None when the history was not read
    # (`list --no-input`) or holds no scheduled event for it.
    asked: Asked | None = None
    # Waiting for its next attempt (after a retryable failure): when that attempt is due.
    next_attempt_time: Time | None = None
    # Paused (or pause requested): who paused it and why, as the server records them.
    paused_by: str | None = None
    pause_reason: str | None = None
    # Started without a Workflow (workflow_id is "", null in JSON): run_id is its own run.
    standalone: bool = False


@dataclass(frozen=True, slots=True)
class Asked:
    """What a pending Activity was asked to do, from its scheduled event: input holds one
    compact JSON text per argument, as the `input` key writes it (docs/completer-cli.md);
    summary the Workflow's summary of the Activity as text, or None."""

    input: tuple[str, ...]
    summary: str | None


@dataclass(frozen=True)
class Link:
    """What a link names. action is approve (complete with text as the result) or reject
    (fail, non-retryable, with text as the reason); expires is whole seconds since the
    epoch."""

    namespace: str
    workflow_id: str
    run_id: str
    activity_id: str
    attempt: int
    action: str
    text: str
    for_name: str
    expires: int

    @property
    def expires_at(self) -> str:
        """EXPIRES: RFC 3339 in UTC."""
        return format_rfc3339nano(self.expires, 0)
