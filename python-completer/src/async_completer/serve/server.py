"""The HTTP server: each connection aiohttp's own with the limit aiohttp has no setting for,
the bounds of a connection, listening, and the graceful stop (Go: internal/serve/server.go).

aiohttp bounds the body (client_max_size), an idle kept-alive connection (keepalive_timeout)
and the TLS handshake (asyncio's ssl_handshake_timeout), but not the time a client may take
to send its request headers: a slow-loris client that sends a byte of a header now and then
would hold its connection for ever. Connection adds that bound, as Go's ReadHeaderTimeout
does: the headers must arrive within header_timeout of the connection, or of the first byte
of the next request on it; else the connection is closed.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong
from aiohttp.web_request import BaseRequest

from async_completer import lines
from async_completer.serve.answer import malformed
from async_completer.serve.log import RequestLog

# The limits of docs/completer-http.md that belong to a connection.
HEADER_TIMEOUT = 10.0  # the request headers, from the connection or the next request's start
IDLE_TIMEOUT = 60.0  # an idle kept-alive connection
SHUTDOWN_GRACE = 5.0  # how much longer than --rpc-timeout a stop waits for requests in flight
# A request's headers, as the Go completer bounds them: the request target and every header
# name and value count (Host too); beyond either bound, 431 (routes.py checks). aiohttp's own
# parser bounds are set so that they refuse only what is beyond these anyway (a line or a
# field longer than all of it, more fields), and then get the same 431 answer.
MAX_HEADER_BYTES = 16384
MAX_HEADER_FIELDS = 100
# The request line holds the method and the version besides the target.
_REQUEST_LINE_SLACK = 64


def headers_too_large(raw_target: str, raw_headers: tuple[tuple[bytes, bytes], ...]) -> bool:
    size = len(raw_target.encode("utf-8", "surrogateescape"))
    size += sum(len(name) + len(value) for name, value in raw_headers)
    return size > MAX_HEADER_BYTES or len(raw_headers) > MAX_HEADER_FIELDS


@dataclass(frozen=True)
class Limits:
    """The bounds of a connection (the tests shorten them)."""

    header_timeout: float = HEADER_TIMEOUT
    idle_timeout: float = IDLE_TIMEOUT


class Connection(web.RequestHandler):
    """aiohttp's RequestHandler with a deadline on the request headers. The app's first
    middleware calls headers_arrived() and request_done() around each request."""

    def __init__(self, manager: web.Server, *, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._header_timeout = header_timeout
        self._header_deadline: asyncio.TimerHandle | None = None
        self._in_request = False
        # When the request now read began to arrive (loop time): its connection, or the first
        # byte after the previous request. A whole request is bounded from then.
        self.request_began = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._await_headers()

    def data_received(self, data: bytes) -> None:
        if data and self._header_deadline is None and not self._in_request:
            self._await_headers()  # the first byte of the next request
        super().data_received(data)

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def headers_arrived(self) -> None:
        self._in_request = True
        self._cancel_deadline()

    def request_done(self) -> None:
        self._in_request = False

    def _await_headers(self) -> None:
        loop = asyncio.get_running_loop()
        self.request_began = loop.time()
        self._header_deadline = loop.call_later(self._header_timeout, self._headers_too_late)

    def _cancel_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """aiohttp's parser refuses a line or a field longer than its bound, or too many
        fields, with 400: beyond the contract's bounds, that is 431, as in Go."""
        too_large = isinstance(exc, LineTooLong) or (
            isinstance(exc, BadHttpMessage) and "Too many headers" in str(exc)
        )
        if not too_large:
            return super().handle_error(request, status, exc, message)
        response = malformed(431, lines.headers_too_large(MAX_HEADER_FIELDS, MAX_HEADER_BYTES))
        response.force_close()
        return response

    def _headers_too_late(self) -> None:
        self._header_deadline = None
        if not self._in_request:
            self.force_close()


@dataclass
class Service:
    """A serve that listens, until stop()."""

    runner: web.AppRunner
    listener: asyncio.Server

    async def stop(self) -> None:
        """Stops accepting and reading new requests, lets those in flight finish (at most
        the runner's shutdown timeout), then closes every connection."""
        self.listener.close()
        await self.runner.cleanup()


async def start(
    app: web.Application,
    sock: socket.socket,
    tls: ssl.SSLContext | None,
    limits: Limits,
    rpc_timeout: float,
) -> Service:
    """Serves app on the listening socket, each connection a Connection with the limits."""
    loop = asyncio.get_running_loop()
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=rpc_timeout + SHUTDOWN_GRACE)
    await runner.setup()
    manager = runner.server
    assert manager is not None

    def new_connection() -> Connection:
        return Connection(
            manager,
            loop=loop,
            header_timeout=limits.header_timeout,
            keepalive_timeout=limits.idle_timeout,
            access_log_class=RequestLog,
            # A body is read as sent, as Go's net/http reads it: no Content-Encoding.
            auto_decompress=False,
            max_line_size=MAX_HEADER_BYTES + _REQUEST_LINE_SLACK,
            max_field_size=MAX_HEADER_BYTES,
            max_headers=MAX_HEADER_FIELDS,
        )

    listener = await loop.create_server(
        new_connection,
        sock=sock,
        ssl=tls,
        # The TLS handshake is part of what must arrive within the headers' bound.
        ssl_handshake_timeout=limits.header_timeout if tls is not None else None,
    )
    return Service(runner, listener)
