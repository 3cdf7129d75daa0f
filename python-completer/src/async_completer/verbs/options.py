"""What the verbs share: their options (the page's table of options) and the checks every
sending verb makes, in the page's check order, before it reads or sends anything."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from async_completer import lines
from async_completer.args import DEFAULT_CONCURRENCY, parse_concurrency, reject_extra_args
from async_completer.batch.read import check_identity
from async_completer.connection import Connection
from async_completer.durations import DEFAULT_RPC_TIMEOUT, parse_rpc_timeout
from async_completer.identity import cli_identity
from async_completer.lines.errors import UsageFailure
from async_completer.lines.stdout import print_result
from async_completer.model import Job, Target
from async_completer.target import (
    check_batch_target,
    check_target_options,
    resolve_target,
)

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


def _apply(decorators: Sequence[Callable[[F], F]], function: F) -> F:
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def tasktoken_option(function: F) -> F:
    return click.option(
        "--tasktoken",
        "--task-token",
        "tasktoken",
        metavar="HEX",
        help="The task token from the Worker's log (taskToken=...). `-` reads it from the "
        "first line of standard input, so it never shows in `ps`.",
    )(function)


def target_options(function: F) -> F:
    return _apply(
        [
            tasktoken_option,
            click.option(
                "--workflow-id",
                metavar="ID",
                help="Name the Activity by IDs instead of a token (needs --activity-id).",
            ),
            click.option("--activity-id", metavar="ID", help="(needs --workflow-id)"),
            click.option("--run-id", metavar="ID", help="Optional, with the two above."),
        ],
        function,
    )


def concurrency_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--concurrency", metavar="N", default=DEFAULT_CONCURRENCY, show_default=True, help=help
    )


def batch_options(function: F) -> F:
    return _apply(
        [
            click.option(
                "--batch",
                metavar="FILE",
                help="Many Activities, one job per line instead of a target: a hex task token, "
                'or a JSON object with "tasktoken" or "workflow_id" + "activity_id" '
                '(+ "run_id") and the verb\'s values; - reads standard input. Prints one JSON '
                "line per job as each finishes.",
            ),
            concurrency_option("With --batch: requests in flight at most, 1 to 1000."),
        ],
        function,
    )


def who_options(function: F) -> F:
    """Who acts, and the request's idempotency key: recorded in the history event that
    closes the Activity (docs/completer-cli.md, "Who acted, and repeated requests")."""
    return _apply(
        [
            click.option(
                "--identity",
                metavar="TEXT",
                help="Who acts, recorded in the Workflow's history as `TEXT via "
                'python-completer cli@HOST` (default: PID@HOST; a batch job\'s "identity" '
                "wins).",
            ),
            click.option(
                "--idempotency-key",
                metavar="KEY",
                help="Recorded with the identity: a repeat with the same key, after the "
                "Activity closed, is answered as already done (exit 0).",
            ),
        ],
        function,
    )


def connection_options(
    function: F, rpc_timeout_help: str = "Bound on connecting plus the request"
) -> F:
    return _apply(
        [
            click.option(
                "--address",
                metavar="HOST:PORT",
                help="Temporal server (default: TEMPORAL_ADDRESS or localhost:7233).",
            ),
            click.option(
                "--namespace",
                metavar="NS",
                help="Namespace (default: TEMPORAL_NAMESPACE or default).",
            ),
            click.option(
                "--rpc-timeout",
                metavar="DURATION",
                default=DEFAULT_RPC_TIMEOUT,
                show_default=True,
                help=f"{rpc_timeout_help}: 500ms, 10s, 1m, 1.5s or seconds.",
            ),
        ],
        function,
    )


def check_options(
    ctx: click.Context,
    *,
    tasktoken: str | None,
    workflow_id: str | None,
    activity_id: str | None,
    run_id: str | None,
    rpc_timeout: str,
    address: str | None,
    namespace: str | None,
    concurrency: str | None = None,
    batch: str | None = None,
    reason: str | None = None,
    needs_reason: bool = False,
    result: str | None = None,
    result_file: str | None = None,
    identity: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[Connection, int]:
    """The checks every sending verb makes before it reads anything, in the page's check
    order: stray arguments, --rpc-timeout, --concurrency, the target (or --batch), --reason,
    --result with --result-file, --identity, --idempotency-key. Returns the Connection and
    the concurrency."""
    reject_extra_args(ctx)
    timeout = parse_rpc_timeout(rpc_timeout)
    workers = parse_concurrency(concurrency) if concurrency is not None else 1
    if batch is not None:
        check_batch_target(tasktoken, workflow_id, activity_id, run_id)
    else:
        check_target_options(tasktoken, workflow_id, activity_id, run_id)
        # In a batch each job may bring its own reason; a job left without one is malformed.
        if needs_reason and not reason:
            raise UsageFailure(lines.NEEDS_REASON)
    if result is not None and result_file is not None:
        raise UsageFailure(lines.RESULT_AND_RESULT_FILE)
    check_identity(identity, idempotency_key)
    return Connection(address, namespace, timeout, rpc_timeout), workers


def single_target(
    ctx: click.Context,
    tasktoken: str | None,
    workflow_id: str | None,
    activity_id: str | None,
    run_id: str | None,
    rpc_timeout: str,
    address: str | None,
    namespace: str | None,
    identity: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[Target, Connection]:
    """The checks of a verb that addresses one Activity (no batch), then its target."""
    connection, _ = check_options(
        ctx,
        tasktoken=tasktoken,
        workflow_id=workflow_id,
        activity_id=activity_id,
        run_id=run_id,
        rpc_timeout=rpc_timeout,
        address=address,
        namespace=namespace,
        identity=identity,
        idempotency_key=idempotency_key,
    )
    return resolve_target(tasktoken, workflow_id, activity_id, run_id), connection


def send_one(verb: str, connection: Connection, job: Job) -> None:
    """Sends one command line's job, as `cli`, and prints its line: the success line, or
    the "already done" line of a repeat."""
    # Imported here, not at the top: temporalio takes a while to import, and --help and
    # inspect do not need it.
    from async_completer.send import send

    identity = cli_identity(job.identity, job.idempotency_key)
    outcome = send.send(verb, job, connection, identity)
    print_result(outcome.message)
