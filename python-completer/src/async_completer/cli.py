"""python-completer: completes, fails, heartbeats or cancels a Temporal Activity from outside
the Worker that started it, given the task token from the Worker's log (or its IDs).

This module is the program's frame: the click group that holds the verbs (verbs/), the one
place where every failure becomes one `error: ` line and the contract's exit code, and the
console script's entry point. The grammar is args.py's, the words lines/'s.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import click

from async_completer import lines
from async_completer.args import VerbGroup
from async_completer.lines.errors import CompleterError, UsageFailure
from async_completer.lines.stdout import write_line
from async_completer.telemetry.traces import traced
from async_completer.text import one_line
from async_completer.verbs.cancel import cancel
from async_completer.verbs.complete import complete
from async_completer.verbs.fail import fail
from async_completer.verbs.heartbeat import heartbeat
from async_completer.verbs.inspect import inspect
from async_completer.verbs.link import link
from async_completer.verbs.list import list_pending
from async_completer.verbs.options import CONTEXT_SETTINGS
from async_completer.verbs.serve import serve

PROG_NAME = "python-completer"


class CompleterGroup(VerbGroup):
    """The program: turns every failure into one `error: ` line and the contract's exit
    code."""

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
                raise UsageFailure(lines.unknown_option(err.option_name.lstrip("-"))) from err
            except click.exceptions.BadOptionUsage as err:
                if "requires an argument" in err.message:
                    raise UsageFailure(lines.needs_value(err.option_name.lstrip("-"))) from err
                raise UsageFailure(err.message) from err
            except click.exceptions.UsageError as err:
                # Not expected: go_style_args leaves click nothing else to refuse.
                raise UsageFailure(one_line(err.message)) from err
        except CompleterError as err:
            _error(err.message)
            return err.exit_code
        except click.exceptions.Exit as err:
            return err.exit_code
        except (click.exceptions.Abort, KeyboardInterrupt):
            _error(lines.INTERRUPTED)
            return 1
        except click.ClickException as err:
            _error(one_line(err.format_message()))
            return 1
        except Exception as err:
            # No traceback, for any input: the contract's last row.
            _error(lines.unexpected_failure(err))
            return 1
        return result if isinstance(result, int) else 0


def _error(message: str) -> None:
    # Standard error closed too: the exit code is all that is left to say it.
    with contextlib.suppress(OSError, ValueError):
        write_line(lines.error_line(message), err=True)


@click.group(
    cls=CompleterGroup,
    context_settings=CONTEXT_SETTINGS,
    options_metavar="",
    subcommand_metavar=(
        "[complete|fail|heartbeat|cancel|inspect] TARGET [OPTIONS] | list ... | serve ... "
        "| link ..."
    ),
)
def cli() -> None:
    """Completes, fails, heartbeats or cancels a Temporal Activity from outside the Worker
    that started it, given its task token from the Worker's log (or its IDs).

    \b
    TARGET is --tasktoken HEX, or --workflow-id ID --activity-id ID [--run-id ID].
    With no verb, `python-completer --tasktoken HEX [--result TEXT]` completes.
    `complete|fail --batch FILE|- [--concurrency N]` finishes many Activities, one
    per line, and prints one JSON line per job.
    `list [--workflow-id ID | --query Q] [--json]` shows the Activities that wait,
    with the IDs that finish them (visibility can lag a just-started Workflow).
    `serve [--listen HOST:PORT]` answers the same requests over HTTP until SIGTERM.
    `link --workflow-id ID --activity-id ID --action approve|reject ...` prints a
    signed link that serve shows on GET and acts on with POST.

    \b
    Exit codes: 0 done; 1 other failure; 2 usage error or malformed input;
    3 refused by the server (Activity not pending, other namespace, wrong state);
    4 server not reached within --rpc-timeout; 5 heartbeat: cancellation requested.
    """


for _verb in (complete, fail, heartbeat, cancel, inspect, list_pending, serve, link):
    cli.add_command(_verb)


def run(argv: Sequence[str] | None = None) -> int:
    """The whole program without leaving the process: returns the exit code."""
    code: int = cli.main(args=argv, prog_name=PROG_NAME, standalone_mode=False)
    return code


def quiet_libraries() -> None:
    """Nothing but the program's own `error: ` line may reach standard error: no library's
    warning (the SDK's UserWarning for an address given as a URL), log record (asyncio's,
    the SDK's) or "Exception ignored" report of an object collected late."""
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    sys.unraisablehook = lambda _: None


def main() -> None:
    """The console script. Leaves with os._exit: after a Temporal client was used, the
    interpreter can crash while shutting down (sdk-python#300), and a completer's exit code
    must be the one it chose."""
    try:
        quiet_libraries()
        with traced(PROG_NAME):
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
