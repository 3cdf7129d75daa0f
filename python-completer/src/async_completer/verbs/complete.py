"""`complete`: finishes the Activity with a text result (also the verb of the exercise's own
form, `python-completer --tasktoken HEX [--result TEXT]`)."""

from __future__ import annotations

import click

from async_completer.args import VerbCommand
from async_completer.batch.read import Defaults
from async_completer.files import read_result_file
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
@click.option("--result", metavar="TEXT", help="The Activity's result (default: empty).")
@click.option(
    "--result-file",
    metavar="PATH",
    help="The result is this file's content, UTF-8 text, unchanged (for long results).",
)
@batch_options
@who_options
@connection_options
@click.pass_context
def complete(
    ctx: click.Context,
    tasktoken: str | None,
    workflow_id: str | None,
    activity_id: str | None,
    run_id: str | None,
    result: str | None,
    result_file: str | None,
    batch: str | None,
    concurrency: str,
    identity: str | None,
    idempotency_key: str | None,
    address: str | None,
    namespace: str | None,
    rpc_timeout: str,
) -> None:
    """Completes the Activity with a text result."""
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
        result=result,
        result_file=result_file,
        identity=identity,
        idempotency_key=idempotency_key,
    )
    if batch is not None:
        from async_completer.batch import run as batches

        defaults = Defaults(
            "complete", result=result or "", identity=identity, idempotency_key=idempotency_key
        )
        batches.run(batch, defaults, connection, workers, result_file)
        return
    target = resolve_target(tasktoken, workflow_id, activity_id, run_id)
    if result_file is not None:
        result = read_result_file(result_file)
    # Imported here, not at the top: temporalio takes a while to import, and --help and
    # inspect do not need it.
    from async_completer.send.limits import check_payload_size

    text = result or ""
    check_payload_size("result", text)
    job = Job(0, target, result=text, identity=identity, idempotency_key=idempotency_key)
    send_one("complete", connection, job)
