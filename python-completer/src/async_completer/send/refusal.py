"""The answer to a request the server refused as "not pending any more" (docs/completer-cli.md,
"When the server answers 'not pending any more'"): the history is read (history/), and a
repeat of what closed the Activity is answered as already done; anything else is refused
with what closed it, when and by whom (the words are lines/history.py's). The happy path
never comes here, and a history that cannot be read keeps the refusal: never "already done"
on a guess. Go: internal/send/refusal.go.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from async_completer import lines, model
from async_completer.connection import Server
from async_completer.history import read_history, read_record, repeats
from async_completer.lines.errors import ServerRefused
from async_completer.model import Closing, Finding, Job, Outcome, Target
from async_completer.pending.attempt import pending_attempt
from async_completer.send.verbs import VERBS
from async_completer.text import one_line


@dataclass
class Found:
    """What the history says (finding), and the attempt pending now when the target's
    attempt may have been retried; or why it could not be read (refusal)."""

    finding: Finding
    attempt_now: int | None = None
    refusal: ServerRefused | None = None


async def find(client: Client, server: Server, target: Target, timeout: float) -> Found:
    """Reads the history (and, for an attempt that may have been retried, describes the
    run), all of it within timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    found = Found(Finding())
    try:
        async with asyncio.timeout(timeout):
            if target.standalone:
                found.finding, found.attempt_now = await read_record(client, target, deadline)
                return found
            found.finding = await read_history(client, target, deadline)
            if retried_perhaps(found.finding, target):
                now = await pending_attempt(
                    client,
                    target.workflow_id,
                    target.run_id,
                    target.activity_id,
                    max(deadline - loop.time(), 0.001),
                    running_only=False,
                )
                found.attempt_now = None if now is None else now[1]
    except Exception as err:
        if isinstance(err, RPCError) and err.status == RPCStatusCode.NOT_FOUND:
            reason = (
                lines.no_such_standalone(server.namespace)
                if target.standalone
                else lines.no_such_run(server.namespace)
            )
        else:
            reason = lines.history_unreadable(unreadable_because(err, server))
        found.refusal = ServerRefused(lines.not_pending_because(target.description, reason))
    return found


async def explain(client: Client, server: Server, target: Target, timeout: float) -> ServerRefused:
    """The refusal of an Activity that is not pending (any more), saying what closed it:
    for a link, or any request that cannot be a repeat."""
    found = await find(client, server, target, timeout)
    if found.refusal is not None:
        return found.refusal
    reason = reason_of(found.finding, target, found.attempt_now)
    return ServerRefused(lines.not_pending_because(target.description, reason))


async def answer_refusal(
    client: Client,
    server: Server,
    verb: str,
    job: Job,
    timeout: float,
    cause: Exception | None = None,
) -> Outcome:
    """The answer to a request the server refused as not pending any more: already done
    (a success), or raises ServerRefused with the reason the history gives. cause is the
    refusal itself, raised as it is when a standalone Activity's record shows the attempt
    still pending (the request did not fit its state)."""
    target = job.target
    found = await find(client, server, target, timeout)
    if found.refusal is not None:
        raise found.refusal
    still = found.attempt_now is not None and target.attempt in (None, found.attempt_now)
    if target.standalone and cause is not None and still:
        raise cause
    closing = found.finding.closing
    row = VERBS[verb]
    if closing is not None and repeats(closing, row.closes, job):
        done = lines.already_done(target.description, row.verbed, closing.time, closing.identity)
        return Outcome(job.line, 0, done, already=True)
    reason = reason_of(found.finding, target, found.attempt_now)
    raise ServerRefused(lines.not_pending_because(target.description, reason))


def retried_perhaps(finding: Finding, target: Target) -> bool:
    """A token's Activity that neither closed nor saw its Workflow close: its attempt may
    have been retried, which only describe tells (the history has no event for a retry)."""
    return (
        target.attempt is not None
        and finding.scheduled
        and finding.closing is None
        and finding.workflow_closed is None
    )


def unreadable_because(err: BaseException, server: Server) -> str:
    """M of `its history could not be read: M`."""
    deadline = isinstance(err, RPCError) and err.status == RPCStatusCode.DEADLINE_EXCEEDED
    if isinstance(err, TimeoutError) or deadline:
        return f"no answer within {server.rpc_timeout_text}"
    if isinstance(err, RPCError):
        return one_line(err.message) or err.status.name
    return one_line(str(err)) or type(err).__name__


def closing_clause(closing: Closing) -> str | None:
    """What closed the Activity, without its subject (`was completed at ...`)."""
    if closing.kind == model.COMPLETED:
        return lines.completed_clause(closing.time, closing.identity)
    if closing.kind == model.FAILED:
        return lines.failed_clause(closing.time, closing.message, closing.identity)
    if closing.kind == model.CANCELED:
        return lines.cancelled_clause(closing.time, closing.identity)
    if closing.kind == model.TERMINATED:
        return lines.terminated_clause(closing.time, closing.message)
    return (
        None if closing.timeout is None else lines.timed_out_clause(closing.time, closing.timeout)
    )


def reason_of(finding: Finding, target: Target, attempt_now: int | None) -> str:
    """REASON of the refusal: what closed the Activity (or which attempt did, when the
    token's was retried), a retry that is pending now, the Workflow's close, or the generic
    words when the history does not say."""
    closing = finding.closing
    if closing is not None:
        clause = closing_clause(closing)
        if clause is not None:
            attempt = target.attempt
            if attempt is not None and closing.attempt is not None and closing.attempt != attempt:
                return lines.retried_and_closed(attempt, closing.attempt, clause)
            return lines.closed_by(clause)
    elif target.attempt is not None and attempt_now is not None and attempt_now != target.attempt:
        return lines.retried_and_pending(target.attempt, attempt_now)
    if finding.workflow_closed is not None:
        return lines.workflow_closed(finding.workflow_closed, finding.workflow_closed_at)
    return lines.RECORD_SILENT if target.standalone else lines.HISTORY_SILENT
