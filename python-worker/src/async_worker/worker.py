"""The Worker: hosts the Workflow and the Activity on the `async` task queue.

    python-worker [--address HOST:PORT] [--namespace NS] [--task-queue async]
                  [--metrics-bind HOST:PORT]

Stops cleanly on SIGINT or SIGTERM. Pending Activities are not lost when it stops: they
live on the server, and a completer can finish them while no Worker runs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from async_worker.activities import activity_fn, token_logger
from async_worker.shared import TASK_QUEUE, ServerUnreachable, connect
from async_worker.workflows import Workflow


def configure_logging() -> None:
    # The token line goes to standard output, one flushed line per attempt; scripts read
    # it from there. Everything else the SDK says goes to standard error.
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="time=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s",
    )
    stdout = logging.StreamHandler(sys.stdout)
    stdout.setFormatter(logging.Formatter("time=%(asctime)s level=%(levelname)s %(message)s"))
    token_logger.addHandler(stdout)
    token_logger.propagate = False


def metrics_runtime(bind_address: str | None) -> Runtime | None:
    """A runtime that serves Prometheus metrics (task slots used and available, among
    others) on bind_address, for `make bench`; None keeps the SDK's default runtime."""
    if not bind_address:
        return None
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind_address)))


async def main(
    address: str | None, namespace: str | None, task_queue: str, metrics_bind: str | None = None
) -> None:
    client = await connect(address, namespace, metrics_runtime(metrics_bind))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[Workflow],
        activities=[activity_fn],
    ):
        print(
            f"Worker started: task queue {task_queue}, namespace {client.namespace}, "
            f"server {client.service_client.config.target_host}",
            flush=True,
        )
        await stop.wait()
        print("Worker stopping", flush=True)
    print("Worker stopped", flush=True)


def run() -> None:
    parser = argparse.ArgumentParser(prog="python-worker", description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="Temporal server host:port (default: env config)")
    parser.add_argument("--namespace", help="Temporal namespace (default: env config)")
    parser.add_argument("--task-queue", default=TASK_QUEUE, help="task queue (default: async)")
    parser.add_argument(
        "--metrics-bind",
        metavar="HOST:PORT",
        help="serve Prometheus metrics here, e.g. 127.0.0.1:9464 (default: off)",
    )
    args = parser.parse_args()
    configure_logging()
    try:
        asyncio.run(main(args.address, args.namespace, args.task_queue, args.metrics_bind))
    except ServerUnreachable as err:
        print(f"error: the Worker could not start: {err}", file=sys.stderr, flush=True)
        os._exit(1)
    sys.stdout.flush()
    # sdk-python#300: the interpreter can crash while shutting down after a client was used.
    os._exit(0)


if __name__ == "__main__":
    run()
