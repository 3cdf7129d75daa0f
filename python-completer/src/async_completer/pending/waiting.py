"""How a pending Activity waits besides running: for its next attempt after a retryable
failure, or paused (by a person with `temporal activity pause`, or by a rule). Read from
the server's PendingActivityInfo; mirrors go-completer/internal/pending/waiting.go."""

from __future__ import annotations

from temporalio.api.workflow.v1 import PendingActivityInfo

from async_completer.model import Time


def next_attempt_time(info: PendingActivityInfo) -> Time | None:
    """When the next attempt is due: the server sets it only while a retry waits for its
    backoff (never for a paused Activity)."""
    if not info.HasField("next_attempt_schedule_time"):
        return None
    stamp = info.next_attempt_schedule_time
    return stamp.seconds, stamp.nanos


def _pauser(info: PendingActivityInfo) -> PendingActivityInfo.PauseInfo.Manual | None:
    if not info.HasField("pause_info"):
        return None
    pause = info.pause_info
    which = pause.WhichOneof("paused_by")
    if which == "manual":
        return pause.manual
    if which == "rule":
        return pause.rule  # type: ignore[return-value]  # identity and reason, as Manual
    return None


def paused_by(info: PendingActivityInfo) -> str | None:
    """Who paused the Activity: the identity the pause request carried (a rule's: its
    creator, else "rule RULE_ID"); None when it is not paused or no one is named."""
    pauser = _pauser(info)
    if pauser is None:
        return None
    if pauser.identity:
        return pauser.identity
    if info.pause_info.WhichOneof("paused_by") == "rule" and info.pause_info.rule.rule_id:
        return f"rule {info.pause_info.rule.rule_id}"
    return None


def pause_reason(info: PendingActivityInfo) -> str | None:
    """Why it was paused, as the pause request said; None when no reason was given."""
    pauser = _pauser(info)
    return pauser.reason if pauser is not None and pauser.reason else None
