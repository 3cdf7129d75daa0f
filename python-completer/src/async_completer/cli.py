"""python-completer: completes, fails, heartbeats or cancels a Temporal Activity from outside
the Worker that started it, given the task token from the Worker's log (or its IDs).

The grammar, the lines printed and the exit codes are docs/completer-cli.md, word for word:
the Go completer implements the same page, and the parity tests compare the two programs'
output line by line. That is why the command line is read the way Go's `flag` package reads
it (single-dash long options, options stop at the first positional argument) before click
sees it, and why click's own error messages never reach the user.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import click

from async_completer.batch import (
    DEFAULT_CONCURRENCY,
    BatchOutput,
    Defaults,
    parse_batch,
    parse_concurrency,
    success_line,
)
from async_completer.connection import Connection
from async_completer.durations import DEFAULT_RPC_TIMEOUT, parse_rpc_timeout
from async_completer.errors import CompleterError, UsageFailure, one_line, write_line
from async_completer.files import read_batch_file, read_result_file
from async_completer.target import (
    NEEDS_REASON,
    NO_ACTIVITY,
    Target,
    check_batch_target,
    check_target_options,
    resolve_target,
)
from async_completer.tasktoken import inspect_json, parse_task_token, read_token_text

PROG_NAME = "python-completer"
_HELP_NAMES = ("h", "help")
# strconv.ParseBool, which Go's flag package uses for `-retryable=VALUE`.
_GO_BOOLS = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}

F = TypeVar("F", bound=Callable[..., Any])


def unknown_option(name: str) -> UsageFailure:
    return UsageFailure(f'unknown option "--{name}": see --help')


def needs_value(name: str) -> UsageFailure:
    return UsageFailure(f'option "--{name}" needs a value')


def go_style_args(command: click.Command, args: Sequence[str]) -> list[str]:
    """Reads args the way Go's flag package does and returns them in a form click parses
    without surprises: each option as `--name VALUE`, then `--` and the positional rest.

    As in Go: `-name` equals `--name`; `--name=VALUE` and `--name VALUE` are the same; a value
    is taken as is even when it starts with a dash; parsing stops at the first argument that
    is not an option (or after `--`); `-h`/`-help` ask for help wherever they come; a switch
    (--retryable) takes no separate value but accepts `--retryable=true|false` (Go's
    strconv.ParseBool spellings). Errors come in command-line order, with the contract's
    words."""
    options: dict[str, click.Option] = {
        opt.lstrip("-"): param
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
    }
    normalized: list[str] = []
    flags: dict[str, bool] = {}
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest = list(args[index + 1 :])
            break
        if len(arg) < 2 or arg[0] != "-":
            rest = list(args[index:])
            break
        body = arg[2:] if arg.startswith("--") else arg[1:]
        name, has_value, value = body.partition("=")
        if not name or name[0] in "-=":
            # Go's "bad flag syntax" (---x, --=x): named as the Go completer names it, by
            # the text before any `=` without its dashes.
            raise unknown_option(arg.partition("=")[0].lstrip("-"))
        if name in _HELP_NAMES and name not in options:
            return ["--help"]
        option = options.get(name)
        if option is None:
            raise unknown_option(name)
        if option.is_flag:
            if has_value and value not in _GO_BOOLS:
                raise UsageFailure(f'option "--{name}" does not take a value')
            flags[option.opts[0]] = _GO_BOOLS[value] if has_value else True
        else:
            if not has_value:
                if index + 1 >= len(args):
                    raise needs_value(name)
                index += 1
                value = args[index]
            normalized += [f"--{name}", value]
        index += 1
    normalized += [flag for flag, on in flags.items() if on]
    if rest:
        normalized += ["--", *rest]
    return normalized


class VerbCommand(click.Command):
    """One verb. Extra positional arguments land in ctx.args and are refused by the
    callback, first, with the contract's message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["context_settings"] = {
            **kwargs.get("context_settings", {}),
            "allow_extra_args": True,
            "allow_interspersed_args": False,
        }
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, go_style_args(self, args))


class CompleterGroup(click.Group):
    """The program: picks the verb (none given means complete) and turns every failure into
    one `error: ` line and the contract's exit code."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            raise UsageFailure(NO_ACTIVITY)
        first = args[0]
        if first.startswith("-"):
            name = first.lstrip("-").partition("=")[0]
            if name in _HELP_NAMES and len(first) - len(first.lstrip("-")) <= 2:
                return super().parse_args(ctx, ["--help"])
            # The exercise's own form: `python-completer --tasktoken HEX [--result TEXT]`.
            args = ["complete", *args]
        elif first not in self.commands:
            raise UsageFailure(
                f'unknown command "{shorten(first)}": use complete, fail, heartbeat, cancel or '
                "inspect (see --help)"
            )
        return super().parse_args(ctx, args)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Runs the program and returns its exit code; with standalone_mode (how click's
        CliRunner calls it) leaves through SystemExit instead."""
        code = self._run(args, prog_name or PROG_NAME, complete_var, **extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str,
        complete_var: str | None,
        **extra: Any,
    ) -> int:
        try:
            try:
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except click.exceptions.NoSuchOption as err:
                raise unknown_option(err.option_name.lstrip("-")) from err
            except click.exceptions.BadOptionUsage as err:
                if "requires an argument" in err.message:
                    raise needs_value(err.option_name.lstrip("-")) from err
                raise UsageFailure(err.message) from err
            except click.exceptions.UsageError as err:
                # Not expected: go_style_args leaves click nothing else to refuse.
                raise UsageFailure(one_line(err.message)) from err
        except CompleterError as err:
            err.show()
            return err.exit_code
        except click.exceptions.Exit as err:
            return err.exit_code
        except (click.exceptions.Abort, KeyboardInterrupt):
            write_line("error: interrupted", err=True)
            return 1
        except click.ClickException as err:
            write_line(f"error: {one_line(err.format_message())}", err=True)
            return 1
        except Exception as err:
            # No traceback, for any input: the contract's last row.
            write_line(
                f"error: unexpected failure: {type(err).__name__}: {one_line(str(err))}", err=True
            )
            return 1
        return result if isinstance(result, int) else 0


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
            click.option(
                "--concurrency",
                metavar="N",
                default=DEFAULT_CONCURRENCY,
                show_default=True,
                help="With --batch: requests in flight at most, 1 to 1000.",
            ),
        ],
        function,
    )


def connection_options(function: F) -> F:
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
                help="Bound on connecting plus the request: 500ms, 10s, 1m, 1.5s or seconds.",
            ),
        ],
        function,
    )


def _check_options(
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
) -> tuple[Connection, int]:
    """The checks every sending verb makes before it reads anything, in the page's check
    order: stray arguments, --rpc-timeout, --concurrency, the target (or --batch), --reason,
    --result with --result-file. Returns the operations' Connection and the concurrency."""
    reject_extra_args(ctx)
    timeout = parse_rpc_timeout(rpc_timeout)
    workers = parse_concurrency(concurrency) if concurrency is not None else 1
    if batch is not None:
        check_batch_target(tasktoken, workflow_id, activity_id, run_id)
    else:
        check_target_options(tasktoken, workflow_id, activity_id, run_id)
        # In a batch each job may bring its own reason; a job left without one is malformed.
        if needs_reason and not reason:
            raise UsageFailure(NEEDS_REASON)
    if result is not None and result_file is not None:
        raise UsageFailure("give either --result or --result-file, not both")
    return Connection(address, namespace, timeout, rpc_timeout), workers


def _run_batch(
    path: str,
    defaults: Defaults,
    connection: Connection,
    concurrency: int,
    result_file: str | None = None,
) -> None:
    """--batch: reads and checks every line (reporting the malformed ones), then sends the
    jobs on one connection. Raises the summary line when a job did not succeed."""
    data = read_batch_file(path)
    if result_file is not None:
        defaults = replace(defaults, result=read_result_file(result_file))
    if defaults.verb == "complete":
        # Imported here, not at the top: temporalio takes a while to import, and --help,
        # inspect and a batch with nothing to send do not need it.
        from async_completer.operations import check_payload_size

        check_payload_size("result", defaults.result)
    jobs, malformed = parse_batch(data, defaults)
    output = BatchOutput(len(jobs) + len(malformed))
    for outcome in malformed:
        output.add(outcome)
    output.flush()
    try:
        if jobs:
            from async_completer.operations import run_batch

            run_batch(defaults.verb, jobs, connection, concurrency, output)
    finally:
        output.finish()
    failure = output.summary()
    if failure is not None:
        raise failure


def shorten(arg: str) -> str:
    """An argument echoed in an error message, kept short: it may be a task token pasted in
    the wrong place, and a token is never printed."""
    return arg if len(arg) <= 16 else arg[:8] + "…"


def reject_extra_args(ctx: click.Context) -> None:
    if ctx.args:
        raise UsageFailure(
            f'unexpected argument "{shorten(ctx.args[0])}": options take the form --name VALUE '
            "(see --help)"
        )


CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


@click.group(
    cls=CompleterGroup,
    context_settings=CONTEXT_SETTINGS,
    options_metavar="",
    subcommand_metavar="[complete|fail|heartbeat|cancel|inspect] TARGET [OPTIONS]",
)
def cli() -> None:
    """Completes, fails, heartbeats or cancels a Temporal Activity from outside the Worker
    that started it, given its task token from the Worker's log (or its IDs).

    \b
    TARGET is --tasktoken HEX, or --workflow-id ID --activity-id ID [--run-id ID].
    With no verb, `python-completer --tasktoken HEX [--result TEXT]` completes.
    `complete|fail --batch FILE|- [--concurrency N]` finishes many Activities, one
    per line, and prints one JSON line per job.

    \b
    Exit codes: 0 done; 1 other failure; 2 usage error or malformed input;
    3 refused by the server (Activity not pending, other namespace, wrong state);
    4 server not reached within --rpc-timeout; 5 heartbeat: cancellation requested.
    """


@cli.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@target_options
@click.option("--result", metavar="TEXT", help="The Activity's result (default: empty).")
@click.option(
    "--result-file",
    metavar="PATH",
    help="The result is this file's content, UTF-8 text, unchanged (for long results).",
)
@batch_options
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
    address: str | None,
    namespace: str | None,
    rpc_timeout: str,
) -> None:
    """Completes the Activity with a text result."""
    connection, workers = _check_options(
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
    )
    if batch is not None:
        _run_batch(
            batch, Defaults("complete", result=result or ""), connection, workers, result_file
        )
        return
    target = resolve_target(tasktoken, workflow_id, activity_id, run_id)
    if result_file is not None:
        result = read_result_file(result_file)
    from async_completer import operations

    operations.complete(target, connection, result or "")
    write_line(success_line("complete", target.description))


@cli.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
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
    connection, workers = _check_options(
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
        defaults = Defaults("fail", reason=reason or "", retryable=retryable)
        _run_batch(batch, defaults, connection, workers)
        return
    target = resolve_target(tasktoken, workflow_id, activity_id, run_id)
    from async_completer import operations

    assert reason is not None
    operations.fail(target, connection, reason, retryable)
    write_line(success_line("fail", target.description, retryable))


@cli.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@target_options
@click.option("--details", metavar="TEXT", help="Heartbeat details (default: none).")
@connection_options
@click.pass_context
def heartbeat(
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
    """Records a heartbeat; exits 5 when the server asks the Activity to cancel."""
    target, connection = _single_target(
        ctx, tasktoken, workflow_id, activity_id, run_id, rpc_timeout, address, namespace
    )
    from async_completer import operations

    operations.heartbeat(target, connection, details)
    write_line(f"Recorded a heartbeat for {target.description}")


@cli.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
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
    target, connection = _single_target(
        ctx, tasktoken, workflow_id, activity_id, run_id, rpc_timeout, address, namespace
    )
    from async_completer import operations

    operations.cancel(target, connection, details)
    write_line(f"Reported {target.description} as cancelled")


def _single_target(
    ctx: click.Context,
    tasktoken: str | None,
    workflow_id: str | None,
    activity_id: str | None,
    run_id: str | None,
    rpc_timeout: str,
    address: str | None,
    namespace: str | None,
) -> tuple[Target, Connection]:
    """The checks of a verb that addresses one Activity (no batch), then its target."""
    connection, _ = _check_options(
        ctx,
        tasktoken=tasktoken,
        workflow_id=workflow_id,
        activity_id=activity_id,
        run_id=run_id,
        rpc_timeout=rpc_timeout,
        address=address,
        namespace=namespace,
    )
    return resolve_target(tasktoken, workflow_id, activity_id, run_id), connection


@cli.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@tasktoken_option
@click.pass_context
def inspect(ctx: click.Context, tasktoken: str | None) -> None:
    """Decodes a task token and prints it as JSON. Offline: contacts no server."""
    reject_extra_args(ctx)
    if tasktoken is None:
        raise UsageFailure(
            "inspect needs --tasktoken HEX: it decodes a token offline and contacts no server"
        )
    _, task = parse_task_token(read_token_text(tasktoken))
    write_line(inspect_json(task))


def run(argv: Sequence[str] | None = None) -> int:
    """The whole program without leaving the process: returns the exit code."""
    code: int = cli.main(args=argv, prog_name=PROG_NAME, standalone_mode=False)
    return code


def main() -> None:
    """The console script. Leaves with os._exit: after a Temporal client was used, the
    interpreter can crash while shutting down (sdk-python#300), and a completer's exit code
    must be the one it chose."""
    try:
        code = run()
    except BaseException:  # run() catches everything; this is the last guard.
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass
    os._exit(code)
