"""One HTTP connection: aiohttp's own, with the limit aiohttp has no setting for, and the one
log line per request.

aiohttp bounds the body (client_max_size), an idle kept-alive connection (keepalive_timeout)
and the TLS handshake (asyncio's ssl_handshake_timeout), but not the time a client may take
to send its request headers: a slow-loris client that sends a byte of a header now and then
would hold its connection for ever. Connection adds that bound, as Go's ReadHeaderTimeout
does: the headers must arrive within header_timeout of the connection, or of the first byte
of the next request on it; else the connection is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from async_completer import lines
from async_completer.lines.stdout import encode_line

# For the log line: the outcome of a JSON answer (the page has none), and the route that
# answered (none: no such route).
OUTCOME = web.ResponseKey("outcome", str)
ROUTE = web.ResponseKey("route", str)


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

    def _headers_too_late(self) -> None:
        self._header_deadline = None
        if not self._in_request:
            self.force_close()


class RequestLog(AbstractAccessLogger):
    """`serve: METHOD PATH STATUS OUTCOME MS` on standard error, one line per request: never
    a query string, a header or a body. PATH is the route's; a path that is no route (it may
    be anything a caller pasted, a task token too) is cut short as an echoed argument is, and
    so is the method. MS counts whole milliseconds, as Go's Duration.Milliseconds."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = response.get(ROUTE) or lines.shorten(request.raw_path.partition("?")[0])
        line = lines.request_log(
            lines.shorten(request.method),
            path,
            response.status,
            response.get(OUTCOME, "-"),
            int(time * 1000),
        )
        # Standard error closed: there is nowhere left to say it, and serving goes on.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.buffer.write(encode_line(line))
            sys.stderr.buffer.flush()

    @property
    def enabled(self) -> bool:
        return True
