"""The starter: starts the Workflow, prints its IDs, waits for and prints its result.

python-starter [--workflow-id async] [--input TEXT] [--summary TEXT] [--no-wait]
               [--start-to-close-timeout SECONDS] [--heartbeat-timeout SECONDS]
               [--max-attempts N] [--address HOST:PORT] [--namespace NS]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Any

from async_worker.shared import (
    DEFAULT_INPUT,
    DEFAULT_WORKFLOW_ID,
    TASK_QUEUE,
    WORKFLOW_TYPE,
    ActivitySettings,
    ServerUnreachable,
    connect,
)


class StarterError(Exception):
    """An expected failure, printed as one `error: ` line."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python-starter", description=__doc__.splitlines()[0])
    parser.add_argument("--workflow-id", default=DEFAULT_WORKFLOW_ID)
    parser.add_argument("--input", default=DEFAULT_INPUT, help="the Workflow's input text")
    parser.add_argument(
        "--summary",
        metavar="TEXT",
        help="the Activity's summary, what a person deciding reads first "
        "(default: the input's first line)",
    )
    parser.add_argument("--task-queue", default=TASK_QUEUE)
    parser.add_argument("--no-wait", action="store_true", help="return once the Workflow started")
    parser.add_argument(
        "--start-to-close-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="the Activity's start-to-close timeout (default: 300)",
    )
    parser.add_argument(
        "--heartbeat-timeout",
        type=float,
        metavar="SECONDS",
        help="the Activity's heartbeat timeout (default: none)",
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        metavar="N",
        help="the Activity's maximum attempts (default: retry without limit)",
    )
    parser.add_argument("--address", help="Temporal server host:port (default: env config)")
    parser.add_argument("--namespace", help="Temporal namespace (default: env config)")
    return parser.parse_args(argv)


async def main(args: argparse.Namespace, client: Any = None) -> str | None:
    """Starts the Workflow; returns its result, or None with --no-wait. Tests pass a client."""
    from temporalio.client import WorkflowFailureError
    from temporalio.exceptions import WorkflowAlreadyStartedError

    if client is None:
        client = await connect(args.address, args.namespace)
    settings = ActivitySettings(
        start_to_close_seconds=args.start_to_close_timeout,
        heartbeat_timeout_seconds=args.heartbeat_timeout,
        maximum_attempts=args.max_attempts,
        summary=args.summary or None,
    )
    try:
        handle = await client.start_workflow(
            WORKFLOW_TYPE,
            args=[args.input, settings],
            id=args.workflow_id,
            task_queue=args.task_queue,
            result_type=str,
        )
    except WorkflowAlreadyStartedError as err:
        raise StarterError(
            f'a Workflow with ID "{args.workflow_id}" is already running: '
            "pass another --workflow-id, or finish that one first "
            f"(complete its Activity, or make cancel WORKFLOW_ID={args.workflow_id})"
        ) from err
    print(f"Started Workflow: workflow_id={handle.id} run_id={handle.result_run_id}", flush=True)
    if args.no_wait:
        return None
    try:
        result: str = await handle.result()
    except WorkflowFailureError as err:
        raise StarterError(f"the Workflow did not complete: {failure_words(err.cause)}") from err
    print(f"Workflow result: {result}", flush=True)
    return result


def failure_words(cause: BaseException | None) -> str:
    """What ended the Workflow, down to the completer's reason and failure type: the
    Activity's error says only "Activity task failed", its cause says why."""
    from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

    if isinstance(cause, ActivityError):
        inner = cause.cause
        what = f'its Activity "{cause.activity_id}"'
        if isinstance(inner, ApplicationError):
            kind = inner.type or "ApplicationError"
            return f"{what} failed: {inner.message} (type {kind})"
        if isinstance(inner, CancelledError):
            return f"{what} was cancelled" + (f": {inner.message}" if inner.message else "")
        if inner is not None:
            return f"{what} failed: {inner.__class__.__name__}: {getattr(inner, 'message', inner)}"
        return f"{what} failed: {cause.message}"
    if cause is None:
        return "no cause given"
    message = getattr(cause, "message", None) or str(cause)
    return f"{cause.__class__.__name__}: {message}"


def run() -> None:
    args = parse_args()
    code = 0
    try:
        asyncio.run(main(args))
    except StarterError as err:
        print(f"error: {err}", file=sys.stderr)
        code = 1
    except ServerUnreachable as err:
        print(f"error: {err}", file=sys.stderr)
        code = 4
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    # sdk-python#300: the interpreter can crash while shutting down after a client was used.
    os._exit(code)


if __name__ == "__main__":
    run()
