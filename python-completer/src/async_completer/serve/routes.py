"""The routes of docs/completer-http.md, and the checks every request passes, in the page's
order: route and method (404, 405), credential (401), Host (403), then the route's own
(Go: internal/serve/routes.go).

make_app(backend, settings) takes the Backend that reaches Temporal (verbs/serve_backend.py)
or a fake in the tests, as samples-python's main(client=None) does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from async_completer import lines
from async_completer.lines.errors import CompleterError
from async_completer.lines.link import ROUTE_PREFIX
from async_completer.page import link_template, page
from async_completer.serve.answer import answer, answered, malformed
from async_completer.serve.backend import Answer, Backend
from async_completer.serve.credentials import Credentials, bearer
from async_completer.serve.handlers import BODY_LIMIT, CREDENTIAL, Handlers
from async_completer.serve.links import LinkRoutes
from async_completer.serve.listen import Listen
from async_completer.serve.log import ROUTE
from async_completer.serve.seen import middlewares
from async_completer.serve.server import (
    MAX_HEADER_BYTES,
    MAX_HEADER_FIELDS,
    Connection,
    headers_too_large,
)

VERBS = ("complete", "fail", "heartbeat", "cancel")
# The time to read a whole request, from its connection (or from the first byte after the
# previous request on it).
REQUEST_TIMEOUT = 30.0
# The routes that carry no data and act on nothing: no credential needed.
_OPEN_ROUTES = frozenset(("/", "/healthz"))


@dataclass(frozen=True)
class Settings:
    """What the routes need besides the backend. listen and port (the port the listener
    got) are the listener's, whose Host header is checked when it is a loopback address
    (None: no check); links: serve /a/LINK (--link-key-file)."""

    credentials: Credentials | None = None
    listen: Listen | None = None
    port: int = 0
    tls: bool = False
    request_timeout: float = REQUEST_TIMEOUT
    links: bool = False

    @property
    def url(self) -> str:
        assert self.listen is not None
        return self.listen.url(self.tls, self.port)


def is_clean(path: str) -> bool:
    """Whether a path is its own Go path.Clean: rooted, no empty, `.` or `..` segment, no
    trailing slash. No route has another form, and Go's ServeMux would redirect one."""
    if path == "/":
        return True
    segments = path.split("/")
    if len(segments) < 2:
        return False
    return segments[0] == "" and all(s not in ("", ".", "..") for s in segments[1:])


def logged_route(path: str) -> str:
    """The route a log line names: a signed link is a credential, so only its start."""
    if path.startswith(ROUTE_PREFIX):
        return ROUTE_PREFIX + lines.shorten(path.removeprefix(ROUTE_PREFIX))
    return path


class Guards:
    """The checks before a route's own: route and method, credential, Host. And a bug is a
    500 answer, never a traceback."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        # The Host headers that name a loopback listener; None: any Host (a credential
        # guards).
        self._hosts = None
        if settings.listen is not None and settings.listen.loopback:
            self._hosts = settings.listen.allowed_hosts(settings.port)

    @web.middleware
    async def check(self, request: web.Request, handler: Any) -> web.StreamResponse:
        connection = request.protocol if isinstance(request.protocol, Connection) else None
        if connection is not None:
            connection.headers_arrived()
        try:
            if headers_too_large(request.raw_path, request.raw_headers):
                return malformed(431, lines.headers_too_large(MAX_HEADER_FIELDS, MAX_HEADER_BYTES))
            return await self._checked(request, handler)
        except Exception as err:
            return answered(Answer.of(CompleterError(lines.unexpected_failure(err))))
        finally:
            if connection is not None:
                connection.request_done()

    async def _checked(self, request: web.Request, handler: Any) -> web.StreamResponse:
        error = request.match_info.http_exception
        # A path that is not clean (//healthz, /v1/../healthz) is no route, even where
        # aiohttp's URL parsing would make it one.
        if not is_clean(request.rel_url.path) or isinstance(error, web.HTTPNotFound):
            return answer(404, lines.OUTCOME_NOT_FOUND, 2, lines.NO_SUCH_ROUTE)
        path = request.path  # clean, and a route's
        if isinstance(error, web.HTTPMethodNotAllowed):
            allowed = ", ".join(sorted(error.allowed_methods))
            response: web.StreamResponse = answer(
                405,
                lines.OUTCOME_METHOD_NOT_ALLOWED,
                2,
                lines.method_not_allowed(request.method, allowed),
                {"Allow": allowed},
            )
        else:
            response = await self._guarded(request, handler, path)
        response[ROUTE] = logged_route(path)
        return response

    async def _guarded(self, request: web.Request, handler: Any, path: str) -> web.StreamResponse:
        settings = self._settings
        # A signed link's signature is its credential: no bearer on /a/LINK.
        is_link = settings.links and path.startswith(ROUTE_PREFIX)
        if settings.credentials is not None and path not in _OPEN_ROUTES and not is_link:
            secret = bearer(request.headers.get("Authorization"))
            name = settings.credentials.match(secret) if secret is not None else None
            if name is None:
                return answer(
                    401,
                    lines.OUTCOME_UNAUTHORIZED,
                    2,
                    lines.NEEDS_CREDENTIAL,
                    {"WWW-Authenticate": "Bearer"},
                )
            request[CREDENTIAL] = name
        if self._hosts is not None and request.headers.get("Host") not in self._hosts:
            return answer(403, lines.OUTCOME_FORBIDDEN, 2, lines.host_not_listener(settings.url))
        response: web.StreamResponse = await handler(request)
        return response


async def _no_server_header(request: web.Request, response: web.StreamResponse) -> None:
    # A caller cannot tell which language answers: no `Server: Python/... aiohttp/...`.
    response.headers.popall("Server", None)


def make_app(backend: Backend, settings: Settings) -> web.Application:
    """serve's routes on backend: the route table."""
    handlers = Handlers(backend, settings.request_timeout, page())
    app = web.Application(
        middlewares=[*middlewares(), Guards(settings).check], client_max_size=BODY_LIMIT
    )
    for verb in VERBS:
        app.router.add_post(f"/v1/{verb}", handlers.job(verb))
    app.router.add_get("/v1/pending", handlers.pending)
    app.router.add_get("/v1/activity", handlers.activity)
    app.router.add_get("/v1/identity", handlers.identity)
    app.router.add_get("/healthz", handlers.healthz)
    app.router.add_get("/", handlers.approval_page)
    if settings.links:
        links = LinkRoutes(backend, link_template())
        app.router.add_get(ROUTE_PREFIX + "{link}", links.get)
        app.router.add_post(ROUTE_PREFIX + "{link}", links.post)
    app.on_response_prepare.append(_no_server_header)
    return app
