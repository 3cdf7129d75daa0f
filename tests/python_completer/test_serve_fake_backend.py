"""serve's real routes (serve/routes.py's make_app) over a fake Backend, as Go's serve tests
do: what each route hands the backend, how each answer becomes a status and a body, the
credential, the Host check, and the link routes (GET shows, POST acts). No Temporal here:
the backend over Temporal is tested in test_completer_serve*.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from async_completer import lines
from async_completer.model import Link
from async_completer.serve import backend
from async_completer.serve.backend import ActRequest, Answer, LinkAnswer, Scope
from async_completer.serve.credentials import Credentials, read_credentials
from async_completer.serve.listen import parse_listen
from async_completer.serve.routes import Settings, make_app

JSON = {"Content-Type": "application/json"}
SECRET = "Ops-Team-Secret-3f9a61c2"
LINK = Link("default", "wf-1", "run-1", "1", 2, "approve", "ok", "alice", 2_000_000_000)


@dataclass
class FakeBackend:
    """Records what the routes ask, and answers what the test says."""

    answer: Answer = field(default_factory=lambda: Answer(0, "Completed it"))
    listing: bytes | Answer = b'{"workflow_id":"wf-1"}\n'
    page: LinkAnswer = field(
        default_factory=lambda: LinkAnswer(backend.LINK_SHOWN, "Approve?", "Shown", LINK, "<form>")
    )
    raises: Exception | None = None
    acts: list[ActRequest] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)
    identities: list[tuple[str | None, str | None]] = field(default_factory=list)
    links: list[tuple[str, bool]] = field(default_factory=list)
    health_calls: int = 0

    async def act(self, request: ActRequest) -> Answer:
        self.acts.append(request)
        if self.raises is not None:
            raise self.raises
        return self.answer

    async def pending(self, scope: Scope) -> bytes | Answer:
        self.scopes.append(scope)
        return self.listing

    async def health(self) -> Answer:
        self.health_calls += 1
        return self.answer

    def identity(self, credential: str | None, name: str | None) -> Answer:
        self.identities.append((credential, name))
        return Answer(0, f"{credential or name} via test")

    async def link(self, text: str, act: bool) -> LinkAnswer:
        self.links.append((text, act))
        return self.page


Check = Callable[[TestClient[web.Request, web.Application]], Awaitable[None]]


def run(fake: FakeBackend, check: Check, settings: Settings | None = None) -> None:
    async def main() -> None:
        app = make_app(fake, settings or Settings(links=True))
        async with TestClient(TestServer(app)) as client:
            await check(client)

    asyncio.run(main())


async def body(response: Any) -> Any:
    return json.loads(await response.read())


@pytest.mark.parametrize("verb", ["complete", "fail", "heartbeat", "cancel"])
def test_a_job_route_hands_the_backend_its_verb_body_and_key(verb: str) -> None:
    fake = FakeBackend()

    async def check(client: Any) -> None:
        headers = {**JSON, "Idempotency-Key": "k-1"}
        response = await client.post(
            f"/v1/{verb}", data=b'  {"activity_id":"1"}\n', headers=headers
        )
        assert response.status == 200
        assert await body(response) == {"outcome": "ok", "code": 0, "message": "Completed it"}

    run(fake, check)
    assert fake.acts == [ActRequest(verb, '{"activity_id":"1"}', None, "k-1")]


@pytest.mark.parametrize(
    ("answer", "status", "outcome"),
    [
        (Answer(0, "done", already=True), 200, "ok"),
        (Answer(2, "bad"), 400, "malformed"),
        (Answer(2, "big", too_large=True), 413, "malformed"),
        (Answer(3, "closed"), 409, "refused"),
        (Answer(4, "away"), 503, "unreachable"),
        (Answer(5, "cancel"), 200, "cancel_requested"),
        (Answer(1, "other"), 500, "error"),
    ],
)
def test_each_exit_code_has_its_status(answer: Answer, status: int, outcome: str) -> None:
    fake = FakeBackend(answer=answer)

    async def check(client: Any) -> None:
        response = await client.post("/v1/complete", data=b"{}", headers=JSON)
        assert response.status == status
        record = await body(response)
        assert (record["outcome"], record["code"], record["message"]) == (
            outcome,
            answer.code,
            answer.message,
        )
        assert record.get("already", False) == answer.already

    run(fake, check)


def test_activity_is_one_line_of_the_pending_listing() -> None:
    one = b'{"workflow_id":"w","run_id":"r1","activity_id":"1","input":["' + b"x" * 1000 + b'"]}\n'
    two = b'{"workflow_id":"w","run_id":"r1","activity_id":"2","input":[]}\n'
    fake = FakeBackend(listing=one + two)

    async def check(client: Any) -> None:
        async def get(query: str) -> tuple[int, str, bytes]:
            response = await client.get("/v1/activity?" + query)
            return response.status, response.headers["Content-Type"], await response.read()

        assert await get("workflow_id=w&activity_id=2") == (200, "application/json", two)
        assert await get("workflow_id=w&activity_id=1&run_id=r1") == (200, "application/json", one)
        for query, activity_id in (("activity_id=1&run_id=r0", "1"), ("activity_id=3", "3")):
            status, _, answered = await get("workflow_id=w&" + query)
            message = f'Activity "{activity_id}" of Workflow "w" is not pending'
            assert (status, json.loads(answered)["message"]) == (409, message)
        status, _, answered = await get("workflow_id=w")
        assert (status, json.loads(answered)["message"]) == (400, lines.ACTIVITY_NEEDS_IDS)

    run(fake, check)
    assert fake.scopes == [Scope("w", None)] * 4


def test_what_is_no_json_object_never_reaches_the_backend() -> None:
    fake = FakeBackend()

    async def check(client: Any) -> None:
        plain = await client.post(
            "/v1/complete", data=b"{}", headers={"Content-Type": "text/plain"}
        )
        assert (plain.status, (await body(plain))["message"]) == (415, lines.BODY_NOT_JSON)
        for data in (b"[]", b"{", b'{"a":1} {}', b"\xff"):
            response = await client.post("/v1/complete", data=data, headers=JSON)
            assert (response.status, (await body(response))["message"]) == (
                400,
                lines.BODY_NOT_AN_OBJECT,
            )

    run(fake, check)
    assert fake.acts == []


def test_pending_identity_and_health_ask_the_backend() -> None:
    fake = FakeBackend()

    async def check(client: Any) -> None:
        listed = await client.get("/v1/pending?workflow_id=wf-1")
        assert listed.status == 200
        assert listed.headers["Content-Type"] == "application/x-ndjson"
        assert await listed.read() == b'{"workflow_id":"wf-1"}\n'
        await client.get("/v1/pending?query=")
        fake.listing = Answer(3, "query refused")
        refused = await client.get("/v1/pending")
        assert refused.status == 409
        who = await client.get("/v1/identity?name=bob")
        assert (await body(who))["message"] == "bob via test"
        health = await client.get("/healthz")
        assert health.status == 200

    run(fake, check)
    assert fake.scopes == [Scope("wf-1", None), Scope("", ""), Scope("", None)]
    assert fake.identities == [(None, "bob")]
    assert fake.health_calls == 1


def test_a_backend_that_raises_is_a_500_answer() -> None:
    fake = FakeBackend(raises=RuntimeError("boom"))

    async def check(client: Any) -> None:
        response = await client.post("/v1/fail", data=b"{}", headers=JSON)
        assert response.status == 500
        assert (await body(response))["message"] == lines.unexpected_failure(RuntimeError("boom"))

    run(fake, check)


def credentials(tmp_path: Path) -> Credentials:
    path = tmp_path / "credentials"
    path.write_text(f"ops {SECRET}\n")
    return read_credentials(str(path))


def test_the_credential_guards_all_but_the_open_routes(tmp_path: Path) -> None:
    fake = FakeBackend()
    auth = {"Authorization": f"Bearer {SECRET}"}

    async def check(client: Any) -> None:
        refused = await client.post("/v1/complete", data=b"{}", headers=JSON)
        assert refused.status == 401
        assert refused.headers["WWW-Authenticate"] == "Bearer"
        wrong = await client.get("/v1/identity", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401
        done = await client.post("/v1/complete", data=b"{}", headers={**JSON, **auth})
        assert done.status == 200
        assert (await client.get("/v1/identity", headers=auth)).status == 200
        assert (await client.get("/healthz")).status == 200
        assert (await client.get("/")).status == 200
        # A signed link's signature is its credential.
        assert (await client.get("/a/some.link")).status == 200

    run(fake, check, Settings(credentials=credentials(tmp_path), links=True))
    assert [act.credential for act in fake.acts] == ["ops"]
    assert fake.identities == [("ops", None)]


def test_a_loopback_listener_refuses_another_host() -> None:
    fake = FakeBackend()
    listen = parse_listen("127.0.0.1:8080")

    async def check(client: Any) -> None:
        other = await client.get("/v1/identity", headers={"Host": "evil.example:8080"})
        assert other.status == 403
        assert (await body(other))["message"] == lines.host_not_listener("http://127.0.0.1:8080")
        good = await client.get("/v1/identity", headers={"Host": "localhost:8080"})
        assert good.status == 200

    run(fake, check, Settings(listen=listen, port=8080))
    assert len(fake.identities) == 1


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (backend.LINK_SHOWN, 200),
        (backend.LINK_INVALID, 403),
        (backend.LINK_EXPIRED, 410),
        (backend.LINK_REFUSED, 409),
        (backend.LINK_UNREACHABLE, 503),
        (backend.LINK_FAILED, 500),
    ],
)
def test_a_link_page_has_the_status_of_its_kind(kind: str, status: int) -> None:
    fake = FakeBackend(page=LinkAnswer(kind, "Title <1>", "Message & more", LINK, "<form>"))

    async def check(client: Any) -> None:
        shown = await client.get("/a/abc.def")
        posted = await client.post("/a/abc.def", data=b"ignored")
        for response in (shown, posted):
            assert response.status == status
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert response.headers["X-Frame-Options"] == "DENY"
            page = (await response.read()).decode()
            assert "Title &lt;1&gt;" in page and "Message &amp; more" in page
            assert "<form>" in page and "wf-1" in page

    run(fake, check)
    assert fake.links == [("abc.def", False), ("abc.def", True)]


def test_without_link_keys_there_is_no_link_route() -> None:
    fake = FakeBackend()

    async def check(client: Any) -> None:
        response = await client.get("/a/abc.def")
        assert response.status == 404

    run(fake, check, Settings())
    assert fake.links == []
