"""`inspect`: decodes a task token and prints it as JSON. Offline: contacts no server, and
does not import temporalio."""

from __future__ import annotations

import click

from async_completer import lines
from async_completer.args import VerbCommand, reject_extra_args
from async_completer.lines.errors import UsageFailure
from async_completer.lines.stdout import print_result
from async_completer.tasktoken import parse_task_token, read_token_text, standalone_ref
from async_completer.verbs.options import CONTEXT_SETTINGS, tasktoken_option


@click.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@tasktoken_option
@click.pass_context
def inspect(ctx: click.Context, tasktoken: str | None) -> None:
    """Decodes a task token and prints it as JSON. Offline: contacts no server."""
    reject_extra_args(ctx)
    if tasktoken is None:
        raise UsageFailure(lines.INSPECT_NEEDS_TOKEN)
    _, task = parse_task_token(read_token_text(tasktoken))
    ref = standalone_ref(task)
    run_id = None if ref is None else ref.run_id
    print_result(lines.inspect_json(task, run_id), lines.stdout_failed)
