"""The job routes (POST /v1/complete, /v1/fail, /v1/heartbeat, /v1/cancel), GET
/v1/pending, /v1/activity, /v1/identity, /healthz and the approval page: each parses what
HTTP brings, asks the Backend, and answers (Go: internal/serve/handlers.go). HTTP adds the
status code and nothing else.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from async_completer import lines
from async_completer.serve.answer import NDJSON_TYPE, answered, html, malformed
from async_completer.serve.backend import ActRequest, Answer, Backend, Scope
from async_completer.serve.log import OUTCOME
from async_completer.serve.server import Connection
from async_completer.text import GO_WHITE_SPACE

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
JSON_TYPE = "application/json"
# The largest body: four times the server's blob limit, room for a result at that limit
# however JSON escapes it.
BODY_LIMIT = 8 * 1024 * 1024
KEY_HEADER = "Idempotency-Key"
_JSON_WHITE_SPACE = " \t\n\r"
# The NAME of the credential a request carried (credentials files only).
CREDENTIAL = web.RequestKey("credential", str)


def is_json(content_type: str | None) -> bool:
    """application/json, with or without parameters; any other type, or none, is not."""
    if content_type is None:
        return False
    media_type = content_type.partition(";")[0].strip(GO_WHITE_SPACE).lower()
    return media_type == JSON_TYPE


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def one_object(body: bytes) -> str | None:
    """The body's text when it is one JSON object (UTF-8, nothing around it but white
    space), trimmed; None for anything else."""
    try:
        text = body.decode("utf-8")
        value = json.loads(text, parse_constant=_reject_constant, parse_int=float)
    except (ValueError, RecursionError):
        return None
    return text.strip(_JSON_WHITE_SPACE) if isinstance(value, dict) else None


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


async def read_body(request: web.Request, request_timeout: float) -> bytes:
    """The whole body, within what is left of the request's time. Raises
    HTTPRequestEntityTooLarge beyond BODY_LIMIT (aiohttp's client_max_size)."""
    if request.content_length is not None and request.content_length > BODY_LIMIT:
        raise web.HTTPRequestEntityTooLarge(BODY_LIMIT, request.content_length)
    began = asyncio.get_running_loop().time()
    if isinstance(request.protocol, Connection):
        began = request.protocol.request_began
    async with asyncio.timeout_at(began + request_timeout):
        return await request.read()


class Handlers:
    """The routes' own work, on a backend."""

    def __init__(self, backend: Backend, request_timeout: float, page: bytes) -> None:
        self._backend = backend
        self._request_timeout = request_timeout
        self._page = page

    def job(self, verb: str) -> Handler:
        """POST /v1/VERB: the content type (415), the size (413), the body (400), then the
        job itself and its request to Temporal."""

        async def handle(request: web.Request) -> web.StreamResponse:
            if not is_json(request.headers.get("Content-Type")):
                return malformed(415, lines.BODY_NOT_JSON)
            try:
                body = await read_body(request, self._request_timeout)
            except web.HTTPRequestEntityTooLarge:
                return malformed(413, lines.body_too_large(BODY_LIMIT))
            except Exception:
                # A body cut short (the client went away, or took longer than the request's
                # bound) is no JSON object either.
                return malformed(400, lines.BODY_NOT_AN_OBJECT)
            text = one_object(body)
            if text is None:
                return malformed(400, lines.BODY_NOT_AN_OBJECT)
            act = ActRequest(verb, text, request.get(CREDENTIAL), request.headers.get(KEY_HEADER))
            return answered(await self._backend.act(act))

        return handle

    async def pending(self, request: web.Request) -> web.StreamResponse:
        """GET /v1/pending: list --json, read whole, then answered."""
        params = query_params(request.rel_url.raw_query_string)
        found = await self._backend.pending(
            Scope(params.get("workflow_id", ""), params.get("query"))
        )
        if isinstance(found, Answer):
            return answered(found)
        response = web.Response(body=found, headers={"Content-Type": NDJSON_TYPE})
        response[OUTCOME] = lines.outcome_of(0)
        return response

    async def activity(self, request: web.Request) -> web.StreamResponse:
        """GET /v1/activity: one pending Activity's /v1/pending line, its whole input
        included, for the page's "Show all" (loaded on demand). 409 once it is not pending
        (in the run given, else the latest)."""
        params = query_params(request.rel_url.raw_query_string)
        workflow_id, activity_id = params.get("workflow_id", ""), params.get("activity_id", "")
        if not workflow_id or not activity_id:
            return malformed(400, lines.ACTIVITY_NEEDS_IDS)
        run_id = params.get("run_id", "")
        found = await self._backend.pending(Scope(workflow_id, None))
        if isinstance(found, Answer):
            return answered(found)
        for line in found.splitlines(keepends=True):
            row = json.loads(line)
            if row["activity_id"] == activity_id and run_id in ("", row["run_id"]):
                response = web.Response(body=line, headers={"Content-Type": JSON_TYPE})
                response[OUTCOME] = lines.outcome_of(0)
                return response
        return answered(Answer(3, lines.activity_not_pending(workflow_id, activity_id)))

    async def identity(self, request: web.Request) -> web.StreamResponse:
        """GET /v1/identity: what an action would record as who acted, for the page to show
        before a person acts."""
        name = query_params(request.rel_url.raw_query_string).get("name")
        return answered(self._backend.identity(request.get(CREDENTIAL), name))

    async def healthz(self, request: web.Request) -> web.StreamResponse:
        return answered(await self._backend.health())

    async def approval_page(self, request: web.Request) -> web.StreamResponse:
        return html(200, self._page)
