"""`complete`: finishes the Activity with a text result (also the verb of the exercise's own
form, `python-completer --tasktoken HEX [--result TEXT]`)."""

from __future__ import annotations

from typing import Any

import click

from async_completer.args import VerbCommand
from async_completer.batch.read import Defaults
from async_completer.files import read_result_file
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
def complete(ctx: click.Context, /, **_: Any) -> None:
    """Completes the Activity with a text result."""
    given, connection, workers = check_options(ctx)
    if given.batch is not None:
        from async_completer.verbs import batch as batches

        defaults = Defaults(
            "complete",
            result=given.result or "",
            identity=given.identity,
            idempotency_key=given.idempotency_key,
        )
        batches.run(
            given.batch, defaults, connection, workers, given.result_file, given.metrics_file
        )
        return
    target = target_of(given)
    result = given.result
    if given.result_file is not None:
        result = read_result_file(given.result_file)
    # Imported here, not at the top: temporalio takes a while to import, and --help and
    # inspect do not need it.
    from async_completer.send.limits import check_payload_size

    text = result or ""
    check_payload_size("result", text)
    job = Job(
        0, target, result=text, identity=given.identity, idempotency_key=given.idempotency_key
    )
    send_one("complete", connection, job)
