"""Whether a refused request repeats what closed the Activity: the same action with the
same payload (with a token, of the same attempt), and when the request has an idempotency
key, an identity that carries it. Never on a guess: a history that says less answers no."""

from __future__ import annotations

from async_completer import model
from async_completer.identity import carries_key
from async_completer.model import Closing, Job


def repeats(closing: Closing | None, kind: str | None, job: Job) -> bool:
    """kind is the Closing.kind the job's verb writes (None: a heartbeat, which repeats
    nothing)."""
    if closing is None or kind is None or closing.kind != kind:
        return False
    if job.target.attempt is not None and closing.attempt != job.target.attempt:
        return False
    if job.idempotency_key is not None and not carries_key(closing.identity, job.idempotency_key):
        return False
    if kind == model.COMPLETED:
        return closing.text == job.result
    if kind == model.FAILED:
        return (
            closing.application
            and closing.message == job.reason
            and closing.non_retryable == (not job.retryable)
        )
    if job.details is None:
        return closing.no_details
    return closing.text == job.details
