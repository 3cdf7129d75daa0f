"""serve's Backend over Temporal (Go: internal/cli/serve_backend.go): a job body checked as
a --batch line is (batch/read.py), sent as a batch job is (send/), answered with the batch's
outcome line; the pending Activities as `list --json` lists them (pending/); Temporal's
health; who an action would be recorded as. The HTTP layer (serve/) knows none of this.

make_app(client, settings) builds the backend on a Temporal client (connected lazily by
verbs/serve.py, or a fake in the tests) and serve's routes on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from aiohttp import web
from temporalio.client import Client

from async_completer import lines
from async_completer.batch.read import Defaults, parse_job_line
from async_completer.connection import Server
from async_completer.identity import SERVE, recorded, unauthenticated, valid_identity, valid_key
from async_completer.lines.errors import CompleterError, ServerUnreachable, UsageFailure
from async_completer.links import LinkKeys
from async_completer.model import Job, PendingActivity
from async_completer.pending.listing import DEFAULT_QUERY, Scope
from async_completer.pending.standalone import STANDALONE_QUERY, StandaloneLister
from async_completer.send.errors import failure_for, listing_failure
from async_completer.send.send import send_on
from async_completer.serve import routes
from async_completer.serve.backend import ActRequest, Answer, LinkAnswer
from async_completer.serve.backend import Scope as Wanted
from async_completer.serve.credentials import Credentials
from async_completer.serve.handlers import one_object
from async_completer.serve.listen import Listen
from async_completer.telemetry import temporal_call
from async_completer.verbs.list_failures import ListFailures
from async_completer.verbs.serve_links import TemporalLinks

# `list`'s defaults, for GET /v1/pending.
_LIST_CONCURRENCY = 32
_LIST_PAGE_SIZE = 1000


def job_of(body: bytes, verb: str) -> Job:
    """The job of a body: one JSON object (UTF-8, nothing around it but white space), then
    checked as a --batch line of verb is checked, with no command-line defaults. Raises
    UsageFailure (PayloadTooLarge for a result or details too large)."""
    text = one_object(body)
    if text is None:
        raise UsageFailure(lines.BODY_NOT_AN_OBJECT)
    return parse_job_line(1, text, Defaults(verb))


def idempotency_key(header: str | None, job: Job) -> str | None:
    """The request's idempotency key: the Idempotency-Key header, or the body's
    "idempotency_key"; both given, they must be the same. Raises UsageFailure."""
    if header is None:
        return job.idempotency_key
    if not valid_key(header):
        raise UsageFailure(lines.KEY_HEADER_BAD)
    if job.idempotency_key is not None and job.idempotency_key != header:
        raise UsageFailure(lines.KEYS_DIFFER)
    return header


class _Found:
    """GET /v1/pending's lines, read whole before the answer is sent."""

    def __init__(self, server: Server) -> None:
        self.lines: list[str] = []
        self._server = server
        self._failures = ListFailures()

    def workflow(self, rows: Sequence[PendingActivity]) -> None:
        self.lines.extend(lines.list_json_line(row) + "\n" for row in rows)

    def standalone(self, row: PendingActivity) -> None:
        self.lines.append(lines.list_json_line(row) + "\n")

    def page(self) -> None:
        pass

    def failed(self, workflow_id: str, run_id: str, err: Exception) -> None:
        # Its row says what went wrong; the others are listed.
        message = self._failures.add(err, self._server)
        self.lines.append(lines.list_failed_json_line(workflow_id, run_id, message) + "\n")


class TemporalBackend:
    """The Backend of serve/backend.py on a Temporal client."""

    def __init__(
        self, client: Client, server: Server, timeout: float, links: TemporalLinks | None
    ) -> None:
        self._client = client
        self._server = server
        self._timeout = timeout
        self._links = links

    async def act(self, request: ActRequest) -> Answer:
        try:
            job = parse_job_line(1, request.body, Defaults(request.verb))
            job = replace(job, idempotency_key=idempotency_key(request.key_header, job))
            # A body's "identity" counts only without credentials.
            named = request.credential
            actor = named if named is not None else unauthenticated(job.identity)
            who = recorded(actor, SERVE, job.idempotency_key)
            outcome = await send_on(
                self._client, self._server, request.verb, job, who, self._timeout
            )
        except CompleterError as err:
            return Answer.of(err)
        return Answer(0, outcome.message, already=outcome.already)

    async def pending(self, scope: Wanted) -> bytes | Answer:
        if scope.workflow_id and scope.query is not None:
            return Answer.of(UsageFailure(lines.BOTH_SCOPES))
        query = DEFAULT_QUERY if scope.query is None else scope.query
        found = _Found(self._server)
        lister = StandaloneLister(self._client, self._server, self._timeout, _LIST_CONCURRENCY)
        try:
            await lister.run(Scope(scope.workflow_id or None, query), _LIST_PAGE_SIZE, found)
            # The default scope lists the running standalone Activities too, as list does.
            if not scope.workflow_id and scope.query is None:
                await lister.run_standalone(STANDALONE_QUERY, _LIST_PAGE_SIZE, found)
        except Exception as err:
            return Answer.of(listing_failure(err, self._server))
        return "".join(found.lines).encode("utf-8", "replace")

    async def health(self) -> Answer:
        server, timeout = self._server, self._timeout
        try:
            with temporal_call("health"):
                async with asyncio.timeout(timeout):
                    serving = await self._client.service_client.check_health(
                        timeout=timedelta(seconds=timeout)
                    )
        except Exception as err:
            failure = failure_for(err, server)
            if failure.exit_code == ServerUnreachable.exit_code:
                return Answer.of(failure)  # the unreachable line, or the TLS one
        else:
            if serving:
                return Answer(0, lines.temporal_answers(server.address))
        # An answer that is not "serving" is as good as none.
        return Answer.of(
            ServerUnreachable(lines.unreachable(server.address, server.rpc_timeout_text))
        )

    def identity(self, credential: str | None, name: str | None) -> Answer:
        if name is not None and not valid_identity(name):
            return Answer.of(UsageFailure(lines.BAD_NAME_PARAMETER))
        actor = credential if credential is not None else unauthenticated(name)
        return Answer(0, recorded(actor, SERVE))

    async def link(self, text: str, act: bool) -> LinkAnswer:
        assert self._links is not None  # the route exists only with link keys
        return await self._links.link(text, act)


@dataclass(frozen=True)
class Settings:
    """What serve needs: the Temporal server (named in the lines of a failure) and
    --rpc-timeout for the backend, the rest for the routes (serve/routes.py's Settings)."""

    server: Server
    rpc_timeout: float
    credentials: Credentials | None = None
    listen: Listen | None = None
    port: int = 0
    tls: bool = False
    request_timeout: float = routes.REQUEST_TIMEOUT
    link_keys: LinkKeys | None = None  # --link-key-file: serve /a/LINK

    @property
    def routes(self) -> routes.Settings:
        return routes.Settings(
            self.credentials,
            self.listen,
            self.port,
            self.tls,
            self.request_timeout,
            links=self.link_keys is not None,
        )

    @property
    def url(self) -> str:
        return self.routes.url


def make_app(client: Client, settings: Settings) -> web.Application:
    """serve's routes on a TemporalBackend over client, a Temporal client whose requests
    connect it when they need to (Client.connect(..., lazy=True)), so that serve answers
    while Temporal is away."""
    links = None
    if settings.link_keys is not None:
        links = TemporalLinks(client, settings.server, settings.link_keys, settings.rpc_timeout)
    backend = TemporalBackend(client, settings.server, settings.rpc_timeout, links)
    return routes.make_app(backend, settings.routes)
