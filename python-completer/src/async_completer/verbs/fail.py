"""`fail`: finishes the Activity with an application error, non-retryable unless
--retryable."""

from __future__ import annotations

import click

from async_completer.args import VerbCommand
from async_completer.batch.read import Defaults
from async_completer.model import Job
from async_completer.target import resolve_target
from async_completer.verbs.options import (
    CONTEXT_SETTINGS,
    batch_options,
    check_options,
    connection_options,
    send_one,
    target_options,
    who_options,
)


@click.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@target_options
@click.option(
    "--reason",
    metavar="TEXT",
    help="Required: the failure's message (with --batch: for the jobs without one).",
)
@click.option(
    "--retryable",
    is_flag=True,
    help="Record a retryable failure: the server runs the Activity again (default: non-retryable).",
)
@batch_options
@who_options
@connection_options
@click.pass_context
def fail(
    ctx: click.Context,
    tasktoken: str | None,
    workflow_id: str | None,
    activity_id: str | None,
    run_id: str | None,
    reason: str | None,
    retryable: bool,
    batch: str | None,
    concurrency: str,
    identity: str | None,
    idempotency_key: str | None,
    address: str | None,
    namespace: str | None,
    rpc_timeout: str,
) -> None:
    """Fails the Activity with an application error."""
    connection, workers = check_options(
        ctx,
        tasktoken=tasktoken,
        workflow_id=workflow_id,
        activity_id=activity_id,
        run_id=run_id,
        rpc_timeout=rpc_timeout,
        address=address,
        namespace=namespace,
        concurrency=concurrency,
        batch=batch,
        reason=reason,
        needs_reason=True,
        identity=identity,
        idempotency_key=idempotency_key,
    )
    if batch is not None:
        from async_completer.batch import run as batches

        defaults = Defaults(
            "fail",
            reason=reason or "",
            retryable=retryable,
            identity=identity,
            idempotency_key=idempotency_key,
        )
        batches.run(batch, defaults, connection, workers)
        return
    target = resolve_target(tasktoken, workflow_id, activity_id, run_id)
    assert reason is not None
    job = Job(
        0,
        target,
        reason=reason,
        retryable=retryable,
        identity=identity,
        idempotency_key=idempotency_key,
    )
    send_one("fail", connection, job)
