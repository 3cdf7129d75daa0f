"""`cancel`: reports the Activity as cancelled, which the server accepts only after a
cancellation was requested for it."""

from __future__ import annotations

import click

from async_completer import lines
from async_completer.args import VerbCommand
from async_completer.output import print_result
from async_completer.verbs.options import (
    CONTEXT_SETTINGS,
    connection_options,
    single_target,
    target_options,
)


@click.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@target_options
@click.option("--details", metavar="TEXT", help="Cancellation details (default: none).")
@connection_options
@click.pass_context
def cancel(
    ctx: click.Context,
    tasktoken: str | None,
    workflow_id: str | None,
    activity_id: str | None,
    run_id: str | None,
    details: str | None,
    address: str | None,
    namespace: str | None,
    rpc_timeout: str,
) -> None:
    """Reports the Activity as cancelled (only after a cancellation was requested)."""
    target, connection = single_target(
        ctx, tasktoken, workflow_id, activity_id, run_id, rpc_timeout, address, namespace
    )
    from async_completer import send

    if details is not None:
        send.check_payload_size("details", details)
    send.send(target, connection, send.cancel_request(details))
    print_result(lines.reported_cancelled(target.description))
