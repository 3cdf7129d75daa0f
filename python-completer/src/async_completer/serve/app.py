"""The routes of docs/completer-http.md, and the checks every request passes, in the page's
order: route and method (404, 405), credential (401), Host (403), then for POST /v1/* the
content type (415), the size (413), the body (400), the job (400, 413), and the request to
Temporal.

make_app(client, settings) takes the Temporal client, connected lazily (run.py) or a fake
in the tests, as samples-python's main(client=None) does. The handlers stay thin: a body is
parsed as a batch line is (jobs.py), sent as a batch job is (send.py), and answered with the
batch's outcome line (lines/); HTTP adds the status code and nothing else.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from aiohttp import web
from temporalio.client import Client

from async_completer import lines
from async_completer.batch.read import Defaults, parse_job_line
from async_completer.connection import Server
from async_completer.identity import (
    SERVE,
    recorded,
    unauthenticated,
    valid_identity,
    valid_key,
)
from async_completer.lines.errors import (
    CompleterError,
    PayloadTooLarge,
    ServerUnreachable,
    UsageFailure,
)
from async_completer.links import ROUTE_PREFIX, LinkKeys
from async_completer.model import Job
from async_completer.page import page
from async_completer.pending.listing import DEFAULT_QUERY, Lister, Scope
from async_completer.send.errors import failure_for, listing_failure
from async_completer.send.send import send_on
from async_completer.serve.auth import Credentials, bearer
from async_completer.serve.links import FRAME_HEADERS, HTML_TYPE, LinkPages
from async_completer.serve.listen import Listen
from async_completer.serve.protocol import OUTCOME, ROUTE, Connection
from async_completer.text import GO_WHITE_SPACE

VERBS = ("complete", "fail", "heartbeat", "cancel")
# The largest body: four times the server's blob limit, room for a result at that limit
# however JSON escapes it.
BODY_LIMIT = 8 * 1024 * 1024
# The time to read a whole request, from its connection (or from the first byte after the
# previous request on it).
REQUEST_TIMEOUT = 30.0
JSON_TYPE = "application/json"
NDJSON_TYPE = "application/x-ndjson"
# The routes that carry no data and act on nothing: no credential needed.
_OPEN_ROUTES = frozenset(("/", "/healthz"))
# `list`'s defaults, for GET /v1/pending (list's own listing: pending/).
_LIST_CONCURRENCY = 32
_LIST_PAGE_SIZE = 1000
_JSON_WHITE_SPACE = " \t\n\r"
KEY_HEADER = "Idempotency-Key"
# The NAME of the credential a request carried (credentials files only).
CREDENTIAL = web.RequestKey("credential", str)


@dataclass(frozen=True)
class Settings:
    """What the routes need besides the client. server names the Temporal server in the
    lines of a failure; listen and port (the port the listener got) are the listener's, whose
    Host header is checked when it is a loopback address (None: no check)."""

    server: Server
    rpc_timeout: float
    credentials: Credentials | None = None
    listen: Listen | None = None
    port: int = 0
    tls: bool = False
    request_timeout: float = REQUEST_TIMEOUT
    link_keys: LinkKeys | None = None  # --link-key-file: serve /a/LINK

    @property
    def url(self) -> str:
        assert self.listen is not None
        return self.listen.url(self.tls, self.port)


def answer(
    status: int,
    outcome: str,
    code: int,
    message: str,
    headers: dict[str, str] | None = None,
    already: bool = False,
) -> web.Response:
    """A JSON answer: one compact object and a newline, exactly `application/json`."""
    body = (lines.answer_json(outcome, code, message, already) + "\n").encode("utf-8", "replace")
    response = web.Response(
        status=status, body=body, headers={"Content-Type": JSON_TYPE, **(headers or {})}
    )
    response[OUTCOME] = outcome
    return response


def status_of(err: CompleterError) -> int:
    """The status of a failure's exit code: 400 malformed (413 too large), 409 refused, 503
    unreachable, 200 for a heartbeat answered with a cancel request, 500 anything else."""
    if isinstance(err, PayloadTooLarge):
        return 413
    return {2: 400, 3: 409, 4: 503, lines.CANCEL_REQUESTED_CODE: 200}.get(err.exit_code, 500)


def failed(err: CompleterError) -> web.Response:
    code = err.exit_code
    return answer(status_of(err), lines.outcome_of(code), code, err.message)


def succeeded(message: str, already: bool = False) -> web.Response:
    return answer(200, lines.outcome_of(0), 0, message, already=already)


def malformed(status: int, message: str) -> web.Response:
    return answer(status, lines.outcome_of(2), 2, message)


def is_json(content_type: str | None) -> bool:
    """application/json, with or without parameters; any other type, or none, is not."""
    if content_type is None:
        return False
    media_type = content_type.partition(";")[0].strip(GO_WHITE_SPACE).lower()
    return media_type == JSON_TYPE


def is_clean(path: str) -> bool:
    """Whether a path is its own Go path.Clean: rooted, no empty, `.` or `..` segment, no
    trailing slash. No route has another form, and Go's ServeMux would redirect one."""
    if path == "/":
        return True
    segments = path.split("/")
    if len(segments) < 2:
        return False
    return segments[0] == "" and all(s not in ("", ".", "..") for s in segments[1:])


_PERCENT = re.compile("%([0-9A-Fa-f]{2})?")


def _unescape(text: str) -> str | None:
    """Go's url.QueryUnescape: `+` is a space, `%XX` a byte; None for a bad escape."""
    if any(m.group(1) is None for m in _PERCENT.finditer(text)):
        return None
    return urllib.parse.unquote_to_bytes(text.replace("+", " ")).decode("utf-8", "replace")


def query_params(raw: str) -> dict[str, str]:
    """The first value of each parameter, as Go's url.ParseQuery and Values.Get read a
    query string: a pair with a bad escape or a `;` is left out (so both languages see the
    same parameters)."""
    params: dict[str, str] = {}
    for pair in raw.split("&"):
        if not pair or ";" in pair:
            continue
        key, _, value = pair.partition("=")
        key_text, value_text = _unescape(key), _unescape(value)
        if key_text is not None and value_text is not None:
            params.setdefault(key_text, value_text)
    return params


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def job_of(body: bytes, verb: str) -> Job:
    """The job of a body: one JSON object (UTF-8, nothing around it but white space), then
    checked as a --batch line of verb is checked, with no command-line defaults. Raises
    UsageFailure (PayloadTooLarge for a result or details too large)."""
    try:
        text = body.decode("utf-8")
        value = json.loads(text, parse_constant=_reject_constant, parse_int=float)
    except (ValueError, RecursionError) as err:
        raise UsageFailure(lines.BODY_NOT_AN_OBJECT) from err
    if not isinstance(value, dict):
        raise UsageFailure(lines.BODY_NOT_AN_OBJECT)
    return parse_job_line(1, text.strip(_JSON_WHITE_SPACE), Defaults(verb))


def idempotency_key(request: web.Request, job: Job) -> str | None:
    """The request's idempotency key: the Idempotency-Key header, or the body's
    "idempotency_key"; both given, they must be the same. Raises UsageFailure."""
    header = request.headers.get(KEY_HEADER)
    if header is None:
        return job.idempotency_key
    if not valid_key(header):
        raise UsageFailure(lines.KEY_HEADER_BAD)
    if job.idempotency_key is not None and job.idempotency_key != header:
        raise UsageFailure(lines.KEYS_DIFFER)
    return header


def logged_route(path: str) -> str:
    """The route a log line names: a signed link is a credential, so only its start."""
    if path.startswith(ROUTE_PREFIX):
        return ROUTE_PREFIX + lines.shorten(path.removeprefix(ROUTE_PREFIX))
    return path


def make_app(client: Client, settings: Settings) -> web.Application:
    """serve's routes on client, a Temporal client whose requests connect it when they need
    to (Client.connect(..., lazy=True)), so that serve answers while Temporal is away."""
    server = settings.server
    timeout = settings.rpc_timeout
    html = page()
    # The Host headers that name a loopback listener; None: any Host (a credential guards).
    hosts = None
    if settings.listen is not None and settings.listen.loopback:
        hosts = settings.listen.allowed_hosts(settings.port)

    @web.middleware
    async def checks(request: web.Request, handler: Any) -> web.StreamResponse:
        """The checks before a route's own: route and method, credential, Host. And a bug
        is a 500 answer, never a traceback."""
        connection = request.protocol if isinstance(request.protocol, Connection) else None
        if connection is not None:
            connection.headers_arrived()
        try:
            return await _checked(request, handler)
        except Exception as err:
            return failed(CompleterError(lines.unexpected_failure(err)))
        finally:
            if connection is not None:
                connection.request_done()

    async def _checked(request: web.Request, handler: Any) -> web.StreamResponse:
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
            response = await _guarded(request, handler, path)
        response[ROUTE] = logged_route(path)
        return response

    async def _guarded(request: web.Request, handler: Any, path: str) -> web.StreamResponse:
        # A signed link's signature is its credential: no bearer on /a/LINK.
        is_link = settings.link_keys is not None and path.startswith(ROUTE_PREFIX)
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
        if hosts is not None and request.headers.get("Host") not in hosts:
            return answer(403, lines.OUTCOME_FORBIDDEN, 2, lines.host_not_listener(settings.url))
        response: web.StreamResponse = await handler(request)
        return response

    async def read_body(request: web.Request) -> bytes:
        """The whole body, within what is left of the request's time. Raises
        HTTPRequestEntityTooLarge beyond BODY_LIMIT (aiohttp's client_max_size)."""
        if request.content_length is not None and request.content_length > BODY_LIMIT:
            raise web.HTTPRequestEntityTooLarge(BODY_LIMIT, request.content_length)
        loop = asyncio.get_running_loop()
        began = loop.time()
        if isinstance(request.protocol, Connection):
            began = request.protocol.request_began
        async with asyncio.timeout_at(began + settings.request_timeout):
            return await request.read()

    def act(verb: str) -> Any:
        async def handle(request: web.Request) -> web.StreamResponse:
            if not is_json(request.headers.get("Content-Type")):
                return malformed(415, lines.BODY_NOT_JSON)
            try:
                body = await read_body(request)
            except web.HTTPRequestEntityTooLarge:
                return malformed(413, lines.body_too_large(BODY_LIMIT))
            except Exception:
                # A body cut short (the client went away, or took longer than the request's
                # bound) is no JSON object either.
                return malformed(400, lines.BODY_NOT_AN_OBJECT)
            try:
                job = job_of(body, verb)
                job = replace(job, idempotency_key=idempotency_key(request, job))
                outcome = await send_on(client, server, verb, job, who(request, job), timeout)
            except CompleterError as err:
                return failed(err)
            return succeeded(outcome.message, outcome.already)

        return handle

    def actor_of(request: web.Request, named: str | None) -> str:
        """Who a request acts as: its credential's NAME, or on a loopback listener without
        credentials the name it gives itself, marked unauthenticated."""
        if settings.credentials is not None:
            return request[CREDENTIAL]
        return unauthenticated(named)

    def who(request: web.Request, job: Job) -> str:
        """The identity a request is recorded with (a body's "identity" counts only
        without credentials)."""
        return recorded(actor_of(request, job.identity), SERVE, job.idempotency_key)

    async def pending(request: web.Request) -> web.StreamResponse:
        params = query_params(request.rel_url.raw_query_string)
        workflow_id = params.get("workflow_id", "")
        query = params.get("query")
        if workflow_id and query is not None:
            return failed(UsageFailure(lines.BOTH_SCOPES))
        scope = Scope(workflow_id or None, DEFAULT_QUERY if query is None else query)
        found = _Found()
        try:
            await Lister(client, server, timeout, _LIST_CONCURRENCY).run(
                scope, _LIST_PAGE_SIZE, found
            )
        except Exception as err:
            return failed(listing_failure(err, server))
        response = web.Response(
            body="".join(found.lines).encode("utf-8", "replace"),
            headers={"Content-Type": NDJSON_TYPE},
        )
        response[OUTCOME] = lines.outcome_of(0)
        return response

    async def identity(request: web.Request) -> web.StreamResponse:
        """What an action sent now would record as its identity (without a key): for the
        page to show before a person acts."""
        name = query_params(request.rel_url.raw_query_string).get("name")
        if name is not None and not valid_identity(name):
            return failed(UsageFailure(lines.BAD_NAME_PARAMETER))
        return succeeded(recorded(actor_of(request, name), SERVE))

    async def healthz(request: web.Request) -> web.StreamResponse:
        try:
            async with asyncio.timeout(timeout):
                serving = await client.service_client.check_health(
                    timeout=timedelta(seconds=timeout)
                )
        except Exception as err:
            failure = failure_for(err, server)
            if failure.exit_code == ServerUnreachable.exit_code:
                return failed(failure)  # the unreachable line, or the TLS one
        else:
            if serving:
                return succeeded(lines.temporal_answers(server.address))
        # An answer that is not "serving" is as good as none.
        return failed(ServerUnreachable(lines.unreachable(server.address, server.rpc_timeout_text)))

    async def approval_page(request: web.Request) -> web.StreamResponse:
        return web.Response(body=html, headers={"Content-Type": HTML_TYPE, **FRAME_HEADERS})

    async def no_server_header(request: web.Request, response: web.StreamResponse) -> None:
        # A caller cannot tell which language answers: no `Server: Python/... aiohttp/...`.
        response.headers.popall("Server", None)

    app = web.Application(middlewares=[checks], client_max_size=BODY_LIMIT)
    for verb in VERBS:
        app.router.add_post(f"/v1/{verb}", act(verb))
    app.router.add_get("/v1/pending", pending)
    app.router.add_get("/v1/identity", identity)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", approval_page)
    if settings.link_keys is not None:
        pages = LinkPages(client, server, settings.link_keys, timeout)
        app.router.add_get(ROUTE_PREFIX + "{link}", pages.get)
        app.router.add_post(ROUTE_PREFIX + "{link}", pages.post)
    app.on_response_prepare.append(no_server_header)
    return app


class _Found:
    """GET /v1/pending's lines, read whole before the answer is sent."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def workflow(self, rows: Any) -> None:
        self.lines.extend(lines.list_json_line(row) + "\n" for row in rows)

    def page(self) -> None:
        pass
