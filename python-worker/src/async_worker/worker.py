"""The Worker: hosts the Workflow and the Activity on the `async` task queue.

    python-worker [--address HOST:PORT] [--namespace NS] [--task-queue async]
                  [--metrics-listen HOST:PORT]
                  [--announce-url URL --link-base-url URL --link-key-file FILE
                   [--link-for NAME] [--link-expires DURATION]]

With --announce-url, every attempt of the Activity is announced there with signed approve
and reject links (announce.py; docs/completer-http.md, "The Worker's announcements").

Stops cleanly on SIGINT or SIGTERM. Pending Activities are not lost when it stops: they
live on the server, and a completer can finish them while no Worker runs.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import signal
import sys

from async_completer.telemetry.traces import traced
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from async_worker.activities import AsyncActivity, token_logger
from async_worker.announce import (
    DEFAULT_LINK_EXPIRES,
    DEFAULT_LINK_FOR,
    Announcer,
    AnnounceSettingsError,
    announce_logger,
    history_summary,
    make_announcer,
    origin_of,
)
from async_worker.shared import TASK_QUEUE, ServerUnreachable, connect
from async_worker.telemetry import interceptors
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
    # The announcements' lines go with the token lines: the Worker's log tells each
    # attempt's story (token, then announced or why not) in one place.
    for logger in (token_logger, announce_logger):
        logger.addHandler(stdout)
        logger.propagate = False


def metrics_runtime(bind_address: str | None) -> Runtime | None:
    """A runtime that serves Prometheus metrics (task slots used and available, among
    others) on bind_address, for `make bench`; None keeps the SDK's default runtime."""
    if not bind_address:
        return None
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind_address)))


async def main(
    address: str | None,
    namespace: str | None,
    task_queue: str,
    metrics_bind: str | None = None,
    announcer: Announcer | None = None,
) -> None:
    client = await connect(address, namespace, metrics_runtime(metrics_bind))
    if announcer is not None:
        # The announcement carries the Activity's summary, read over this client.
        announcer = dataclasses.replace(announcer, summary_reader=history_summary(client))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[Workflow],
        activities=[AsyncActivity(announcer).run],
        interceptors=interceptors(),
    ):
        print(
            f"Worker started: task queue {task_queue}, namespace {client.namespace}, "
            f"server {client.service_client.config.target_host}",
            flush=True,
        )
        if announcer is not None:
            print(f"Announcing every attempt to {origin_of(announcer.url)}", flush=True)
        await stop.wait()
        print("Worker stopping", flush=True)
    print("Worker stopped", flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python-worker", description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="Temporal server host:port (default: env config)")
    parser.add_argument("--namespace", help="Temporal namespace (default: env config)")
    parser.add_argument("--task-queue", default=TASK_QUEUE, help="task queue (default: async)")
    parser.add_argument(
        "--metrics-listen",
        "--metrics-bind",
        dest="metrics_bind",
        metavar="HOST:PORT",
        help="serve the SDK's Prometheus metrics and the announcements' counts here, "
        "e.g. 127.0.0.1:9464 (default: off)",
    )
    announce = parser.add_argument_group(
        "announcements", "each flag defaults to the environment variable named in its help"
    )
    announce.add_argument(
        "--announce-url",
        metavar="URL",
        help="POST each attempt here as JSON, with approve and reject links (ANNOUNCE_URL)",
    )
    announce.add_argument(
        "--link-base-url", metavar="URL", help="where serve is reached (LINK_BASE_URL)"
    )
    announce.add_argument(
        "--link-key-file", metavar="FILE", help="the links' signing key, as serve's (LINK_KEY_FILE)"
    )
    announce.add_argument(
        "--link-for",
        metavar="NAME",
        help=f"who the links are for, recorded as who acted (LINK_FOR, default {DEFAULT_LINK_FOR})",
    )
    announce.add_argument(
        "--link-expires",
        metavar="DURATION",
        help=f"how long links work: 90m, 72h, 7d (LINK_EXPIRES, default {DEFAULT_LINK_EXPIRES})",
    )
    return parser.parse_args(argv)


def announcer_from(args: argparse.Namespace) -> tuple[Announcer | None, str | None]:
    """The announcer the flags and the environment ask for, or None; and the link key
    file's warning line, if any. Flags win over the environment."""

    def setting(flag: str, variable: str) -> str | None:
        value: str | None = getattr(args, flag) or os.environ.get(variable) or None
        return value

    url = setting("announce_url", "ANNOUNCE_URL")
    given = [f"--{name.replace('_', '-')}" for name in _LINK_FLAGS if getattr(args, name)]
    if url is None:
        if given:
            raise AnnounceSettingsError(
                f"{given[0]} goes with --announce-url URL: without it nothing is announced"
            )
        return None, None
    return make_announcer(
        url,
        base_url=setting("link_base_url", "LINK_BASE_URL"),
        key_file=setting("link_key_file", "LINK_KEY_FILE"),
        for_name=setting("link_for", "LINK_FOR") or DEFAULT_LINK_FOR,
        expires=setting("link_expires", "LINK_EXPIRES") or DEFAULT_LINK_EXPIRES,
    )


_LINK_FLAGS = ("link_base_url", "link_key_file", "link_for", "link_expires")


def run() -> None:
    args = parse_args()
    configure_logging()
    try:
        announcer, warning = announcer_from(args)
    except AnnounceSettingsError as err:
        print(f"error: {err}", file=sys.stderr, flush=True)
        sys.exit(2)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    try:
        with traced("python-worker"):
            asyncio.run(
                main(args.address, args.namespace, args.task_queue, args.metrics_bind, announcer)
            )
    except ServerUnreachable as err:
        print(f"error: the Worker could not start: {err}", file=sys.stderr, flush=True)
        os._exit(1)
    sys.stdout.flush()
    # sdk-python#300: the interpreter can crash while shutting down after a client was used.
    os._exit(0)


if __name__ == "__main__":
    run()
