"""The one log line per request, on standard error (Go: internal/serve/log.go)."""

from __future__ import annotations

import contextlib
import sys

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from async_completer import lines
from async_completer.lines.stdout import encode_line

# For the log line: the outcome of a JSON answer (the page has none), and the route that
# answered (none: no such route).
OUTCOME = web.ResponseKey("outcome", str)
ROUTE = web.ResponseKey("route", str)
# Set on an answer that repeats what closed its Activity ("already": true).
ALREADY = web.ResponseKey("already", bool)


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
