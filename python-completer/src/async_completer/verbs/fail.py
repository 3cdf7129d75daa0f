"""`fail`: finishes the Activity with an application error, non-retryable unless
--retryable."""

from __future__ import annotations

import click

from async_completer import lines
from async_completer.args import VerbCommand
from async_completer.output import print_result
from async_completer.target import resolve_target
from async_completer.verbs.options import (
    CONTEXT_SETTINGS,
    batch_options,
    check_options,
    connection_options,
    target_options,
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
    )
    if batch is not None:
        from async_completer import batch as batches
        from async_completer.jobs import Defaults

        defaults = Defaults("fail", reason=reason or "", retryable=retryable)
        batches.run(batch, defaults, connection, workers)
        return
    target = resolve_target(tasktoken, workflow_id, activity_id, run_id)
    from async_completer import send

    assert reason is not None
    send.send(target, connection, send.fail_request(reason, retryable))
    print_result(lines.failed(target.description, retryable))
