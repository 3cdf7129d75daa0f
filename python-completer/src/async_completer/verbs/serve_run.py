"""Running serve (its wiring): one lazily connected Temporal client, the backend over it, the
listener, the `Serving on` line, and the graceful stop (Go: internal/cli/serve.go).

The client connects on the first request a route makes, and again after a failure: serve
listens whether or not Temporal answers (a route answers 503 meanwhile), and the same client
reaches Temporal once it is back. On SIGTERM or SIGINT serve stops accepting, lets the
requests in flight finish (at most --rpc-timeout plus SHUTDOWN_GRACE: each one's Temporal
request is bounded by --rpc-timeout) and returns: the program exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from async_completer import lines
from async_completer.connection import Connection as TemporalConnection
from async_completer.connection import Server, client_config, connect
from async_completer.lines.stdout import write_line
from async_completer.links import LinkKeys
from async_completer.send.errors import failure_for
from async_completer.serve.credentials import Credentials
from async_completer.serve.listen import Listen, bind
from async_completer.serve.seen import serve_metrics
from async_completer.serve.server import Limits, start
from async_completer.telemetry.traces import make_exporter
from async_completer.verbs.serve_backend import Settings, make_app

# serve's event loop is uvloop's: about a tenth less CPU per request than asyncio's own
# (bench/README.md). PYTHON_COMPLETER_EVENT_LOOP=asyncio runs serve on the standard library's
# loop, to compare them or to rule uvloop out.
EVENT_LOOP = "PYTHON_COMPLETER_EVENT_LOOP"


def run(
    connection: TemporalConnection,
    listen: Listen,
    credentials: Credentials | None,
    tls: ssl.SSLContext | None,
    limits: Limits | None = None,
    link_keys: LinkKeys | None = None,
    metrics: Listen | None = None,
) -> None:
    """Serves until SIGTERM or SIGINT. Raises the contract's error for a start-up refusal
    (Temporal's configuration, the address taken); returns after a stop."""
    make_exporter()  # traces' exporter made before any request (when traces are on)
    if metrics is not None:
        from async_completer.telemetry.metrics import start_serve_metrics

        start_serve_metrics()  # before the client: the SDK's metrics go with serve's
    config, server = client_config(connection)
    settings = _Start(listen, credentials, tls, limits or Limits(), link_keys, metrics)
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(_serve(config, server, connection, settings))


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """uvloop's event loop, or asyncio's own when PYTHON_COMPLETER_EVENT_LOOP=asyncio."""
    if os.environ.get(EVENT_LOOP) == "asyncio":
        return asyncio.new_event_loop
    import uvloop  # only serve needs it: the other verbs do not pay for its import

    return uvloop.new_event_loop


@dataclass(frozen=True)
class _Start:
    """What the command line says about serving."""

    listen: Listen
    credentials: Credentials | None
    tls: ssl.SSLContext | None
    limits: Limits
    link_keys: LinkKeys | None
    metrics: Listen | None  # --metrics-listen


async def _serve(
    config: dict[str, Any], server: Server, connection: TemporalConnection, start_: _Start
) -> None:
    listen, tls = start_.listen, start_.tls
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    try:
        client = await connect(config, server, lazy=True)  # nothing is sent yet
    except Exception as err:
        raise failure_for(err, server) from err
    sock = bind(listen)
    metrics = await serve_metrics(start_.metrics, start_.limits)
    settings = Settings(
        server=server,
        rpc_timeout=connection.rpc_timeout,
        credentials=start_.credentials,
        listen=listen,
        port=sock.getsockname()[1],
        tls=tls is not None,
        link_keys=start_.link_keys,
    )
    app = make_app(client, settings)
    service = await start(app, sock, tls, start_.limits, connection.rpc_timeout)
    try:
        # Whoever waits for this line may connect at once: the listener is open. A standard
        # output that went away is no reason to stop serving.
        with contextlib.suppress(OSError, ValueError):
            write_line(lines.serving(settings.url))
        await stopping.wait()
    finally:
        await service.stop()
        if metrics is not None:
            await metrics.stop()
