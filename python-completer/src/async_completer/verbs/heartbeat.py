"""`heartbeat`: records a heartbeat, with details if given; exit 5 when the server answers
that cancellation was requested."""

from __future__ import annotations

import click

from async_completer.args import VerbCommand
from async_completer.model import Job
from async_completer.verbs.options import (
    CONTEXT_SETTINGS,
    connection_options,
    send_one,
    single_target,
    target_options,
    who_options,
)


@click.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@target_options
@click.option("--details", metavar="TEXT", help="Heartbeat details (default: none).")
@who_options
@connection_options
@click.pass_context
def heartbeat(
    ctx: click.Context,
    tasktoken: str | None,
    workflow_id: str | None,
    activity_id: str | None,
    run_id: str | None,
    details: str | None,
    identity: str | None,
    idempotency_key: str | None,
    address: str | None,
    namespace: str | None,
    rpc_timeout: str,
) -> None:
    """Records a heartbeat; exits 5 when the server asks the Activity to cancel."""
    target, connection = single_target(
        ctx,
        tasktoken,
        workflow_id,
        activity_id,
        run_id,
        rpc_timeout,
        address,
        namespace,
        identity,
        idempotency_key,
    )
    from async_completer.send.limits import check_payload_size

    if details is not None:
        check_payload_size("details", details)
    job = Job(0, target, details=details, identity=identity, idempotency_key=idempotency_key)
    send_one("heartbeat", connection, job)
