"""`fail`: finishes the Activity with an application error, non-retryable unless
--retryable."""

from __future__ import annotations

from typing import Any

import click

from async_completer.args import VerbCommand
from async_completer.batch.read import Defaults
from async_completer.model import Job
from async_completer.verbs.options import (
    CONTEXT_SETTINGS,
    batch_options,
    check_options,
    connection_options,
    send_one,
    target_of,
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
def fail(ctx: click.Context, /, **_: Any) -> None:
    """Fails the Activity with an application error."""
    given, connection, workers = check_options(ctx, needs_reason=True)
    if given.batch is not None:
        from async_completer.verbs import batch as batches

        defaults = Defaults(
            "fail",
            reason=given.reason or "",
            retryable=given.retryable,
            identity=given.identity,
            idempotency_key=given.idempotency_key,
        )
        batches.run(given.batch, defaults, connection, workers, metrics_file=given.metrics_file)
        return
    target = target_of(given)
    assert given.reason is not None
    job = Job(
        0,
        target,
        reason=given.reason,
        retryable=given.retryable,
        identity=given.identity,
        idempotency_key=given.idempotency_key,
    )
    send_one("fail", connection, job)
