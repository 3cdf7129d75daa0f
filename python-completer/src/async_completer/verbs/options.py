"""What the verbs share: their options (the page's table of options) and the checks every
sending verb makes, in the page's check order, before it reads or sends anything."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import click

from async_completer import lines
from async_completer.args import (
    DEFAULT_CONCURRENCY,
    VerbCommand,
    parse_concurrency,
    reject_extra_args,
)
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
            click.option(
                "--activity-id",
                metavar="ID",
                help="With --workflow-id; alone, a standalone Activity (no Workflow).",
            ),
            click.option(
                "--run-id",
                metavar="ID",
                help="Optional: the Workflow's run, or the standalone Activity's.",
            ),
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
            click.option(
                "--metrics-file",
                metavar="FILE",
                help="With --batch: write its counters there at the end, in the Prometheus "
                "text format (for a node exporter's textfile collector).",
            ),
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


@dataclass(frozen=True)
class Given:
    """A sending verb's command line, as click parsed it (None: not given). Read once from
    the context, so that no verb passes its options on by name."""

    tasktoken: str | None
    workflow_id: str | None
    activity_id: str | None
    run_id: str | None
    rpc_timeout: str
    address: str | None
    namespace: str | None
    identity: str | None
    idempotency_key: str | None
    concurrency: str | None = None
    batch: str | None = None
    metrics_file: str | None = None
    reason: str | None = None
    retryable: bool = False
    result: str | None = None
    result_file: str | None = None
    details: str | None = None

    @classmethod
    def of(cls, ctx: click.Context) -> Given:
        names = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in ctx.params.items() if name in names})


def check_options(ctx: click.Context, needs_reason: bool = False) -> tuple[Given, Connection, int]:
    """The checks every sending verb makes before it reads anything, in the page's check
    order: stray arguments, --rpc-timeout, --concurrency, the target (or --batch), --reason,
    --result with --result-file, --identity, --idempotency-key. Returns the options, the
    Connection and the concurrency."""
    given = Given.of(ctx)
    reject_extra_args(ctx)
    timeout = parse_rpc_timeout(given.rpc_timeout)
    workers = parse_concurrency(given.concurrency) if given.concurrency is not None else 1
    target = (given.tasktoken, given.workflow_id, given.activity_id, given.run_id)
    if given.batch is not None:
        check_batch_target(*target)
    else:
        check_target_options(*target)
        # In a batch each job may bring its own reason; a job left without one is malformed.
        if needs_reason and not given.reason:
            raise UsageFailure(lines.NEEDS_REASON)
    if given.metrics_file is not None and given.batch is None:
        raise UsageFailure(lines.METRICS_FILE_NEEDS_BATCH)
    if given.result is not None and given.result_file is not None:
        raise UsageFailure(lines.RESULT_AND_RESULT_FILE)
    check_identity(given.identity, given.idempotency_key)
    connection = Connection(given.address, given.namespace, timeout, given.rpc_timeout)
    return given, connection, workers


def target_of(given: Given) -> Target:
    """The Target, after check_options passed; decodes the token (reading standard input
    for `-`)."""
    return resolve_target(given.tasktoken, given.workflow_id, given.activity_id, given.run_id)


def send_one(verb: str, connection: Connection, job: Job) -> None:
    """Sends one command line's job, as `cli`, and prints its line: the success line, or
    the "already done" line of a repeat."""
    # Imported here, not at the top: temporalio takes a while to import, and --help and
    # inspect do not need it.
    from async_completer.send import send

    identity = cli_identity(job.identity, job.idempotency_key)
    outcome = send.send(verb, job, connection, identity)
    print_result(outcome.message)


def details_verb(name: str, details_help: str, summary: str) -> click.Command:
    """heartbeat and cancel: one Activity (no batch), with optional details."""

    @click.command(name, cls=VerbCommand, context_settings=CONTEXT_SETTINGS, help=summary)
    @target_options
    @click.option("--details", metavar="TEXT", help=details_help)
    @who_options
    @connection_options
    @click.pass_context
    def command(ctx: click.Context, /, **_: Any) -> None:
        given, connection, _workers = check_options(ctx)
        target = target_of(given)
        # Imported here, not at the top: temporalio takes a while to import, and --help and
        # inspect do not need it.
        from async_completer.send.limits import check_payload_size

        if given.details is not None:
            check_payload_size("details", given.details)
        job = Job(
            0,
            target,
            details=given.details,
            identity=given.identity,
            idempotency_key=given.idempotency_key,
        )
        send_one(name, connection, job)

    return command
