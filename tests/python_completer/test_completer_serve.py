"""`serve` in Python without a Temporal server: --listen, the credentials file and the
Authorization header read as the Go completer reads them; the routes of make_app served by
the real listener (serve/server.py's start, with its Connection and limits) over real HTTP, to
a fake Temporal client that answers each error class; the limits (slow headers, a slow body,
an idle connection, the body size), the log line and the graceful stop.

The same contract against a real server and as a real process: test_completer_serve_server.py.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from async_completer.connection import Server
from async_completer.lines import serve as words
from async_completer.lines.errors import UsageFailure
from async_completer.links import LinkKeys
from async_completer.serve.credentials import Credentials, bearer, read_credentials
from async_completer.serve.handlers import is_json, query_params
from async_completer.serve.listen import Listen, bind, parse_listen, split_host_port
from async_completer.serve.routes import is_clean
from async_completer.serve.server import Limits, Service, start
from async_completer.verbs.serve_backend import Settings, job_of, make_app
from temporalio.activity import ActivityCancellationDetails
from temporalio.client import AsyncActivityCancelledError
from temporalio.service import RPCError, RPCStatusCode

from tests.harness import EventLoopThread
from tests.python_completer.conftest import REAL_DESC, REAL_TOKEN, FakeTemporal, make_token

ADDRESS = "temporal.example:7233"
SERVER = Server(ADDRESS, "default", "2s", tls=False)
JSON = "application/json"
BY_IDS = 'Activity "1" of Workflow "wf-1"'
IDS = {"workflow_id": "wf-1", "activity_id": "1"}
SECRET = "Ops-Team-Secret-3f9a61c2"
BARE_SECRET = "Bare-Secret-d41c7e0b55"
MIB = 1024 * 1024


def body_of(outcome: str, code: int, message: str) -> bytes:
    record = {"outcome": outcome, "code": code, "message": message}
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# --listen, as Go's net.SplitHostPort and netip read it.


@pytest.mark.parametrize(
    ("value", "host", "port", "loopback"),
    [
        ("127.0.0.1:8080", "127.0.0.1", 8080, True),
        ("127.0.0.1:0", "127.0.0.1", 0, True),
        ("127.3.2.1:65535", "127.3.2.1", 65535, True),
        ("localhost:80", "localhost", 80, True),
        ("[::1]:0", "::1", 0, True),
        ("0.0.0.0:8080", "0.0.0.0", 8080, False),
        ("[::]:8080", "::", 8080, False),
        ("192.0.2.1:1", "192.0.2.1", 1, False),
        ("[::ffff:127.0.0.1]:1", "::ffff:127.0.0.1", 1, False),  # mapped: not ::1
        ("[127.0.0.1]:1", "127.0.0.1", 1, True),  # Go's SplitHostPort takes the brackets
        ("127.0.0.1:00080", "127.0.0.1", 80, True),
    ],
)
def test_a_listen_address_is_read_as_go_reads_it(
    value: str, host: str, port: int, loopback: bool
) -> None:
    assert parse_listen(value) == Listen(host, port, loopback, value)


@pytest.mark.parametrize(
    "value",
    [
        "nonsense",
        "127.0.0.1",
        "127.0.0.1:",
        ":8080",
        "127.0.0.1:65536",
        "127.0.0.1:+80",
        "127.0.0.1:-1",
        "127.0.0.1:8o",
        "127.0.0.1:000080",
        "::1:80",
        "[::1]80",
        "[::1]",
        "[[::1]]:80",
        "example.com:80",
        "LOCALHOST:80",
        "127.0.0.01:80",
        "[fe80::1%eth0]:80",
        "127.0.0.1:٨٠",
    ],
)
def test_a_listen_value_that_is_not_host_port_is_refused(value: str) -> None:
    with pytest.raises(UsageFailure) as caught:
        parse_listen(value)
    assert caught.value.message == words.listen_not_host_port(value)


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("a:1", ("a", "1")),
        ("[::1]:1", ("::1", "1")),
        (":1", ("", "1")),
        ("a:", ("a", "")),
        ("a", None),
        ("a:b:1", None),
        ("[a]b:1", None),
        ("[a:1", None),
        ("a]:1", None),
        ("[a]:1]", None),
    ],
)
def test_split_host_port_is_gos(value: str, parts: tuple[str, str] | None) -> None:
    assert split_host_port(value) == parts


def test_the_url_and_the_host_names_of_a_listener() -> None:
    v6 = parse_listen("[::1]:0")
    assert v6.url(False, 4242) == "http://[::1]:4242"
    assert v6.url(True, 4242) == "https://[::1]:4242"
    assert parse_listen("localhost:0").url(False, 9) == "http://localhost:9"
    assert parse_listen("127.0.0.2:0").allowed_hosts(9) == {
        "127.0.0.1:9",
        "localhost:9",
        "[::1]:9",
        "127.0.0.2:9",
    }


def test_a_port_in_use_is_refused_with_the_os_reason() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        value = f"127.0.0.1:{taken.getsockname()[1]}"
        with pytest.raises(UsageFailure) as caught:
            bind(parse_listen(value))
    assert caught.value.message == words.cannot_listen(value, "address already in use")


def test_localhost_listens_on_127_0_0_1() -> None:
    with bind(parse_listen("localhost:0")) as sock:
        assert sock.getsockname()[0] == "127.0.0.1"


# The credentials file and the Authorization header.


def credentials_from(tmp_path: Path, data: bytes) -> Credentials:
    path = tmp_path / "credentials"
    path.write_bytes(data)
    return read_credentials(str(path))


def test_a_credentials_file_names_its_secrets(tmp_path: Path) -> None:
    credentials = credentials_from(
        tmp_path,
        b"\xef\xbb\xbf# who may act\r\n\n  ops-team   "
        + SECRET.encode()
        + b"  \r\n"
        + BARE_SECRET.encode()
        + b"\n\t# indented comment\na.b_c@d-e "
        + "Secrét-with-ünicode-0".encode()
        + b"\n",
    )
    assert credentials.match(SECRET) == "ops-team"
    assert credentials.match(BARE_SECRET) == "api"
    assert credentials.match("Secrét-with-ünicode-0") == "a.b_c@d-e"
    for wrong in ("", SECRET[:-1], SECRET + "x", f"ops-team {SECRET}", SECRET.lower()):
        assert credentials.match(wrong) is None


def test_the_first_line_of_a_secret_names_it(tmp_path: Path) -> None:
    credentials = credentials_from(tmp_path, f"first {SECRET}\nsecond {SECRET}\n".encode())
    assert credentials.match(SECRET) == "first"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"# a comment\n\nops short-secret\n", 3),
        (b"bad/name Secret-0123456789abcdef\n", 1),
        (b"ops team Secret-0123456789abcdef\n", 1),
        (b"x" * 65 + b" Secret-0123456789abcdef\n", 1),
        (b"ok Secret-0123456789abcdef\n\xff Secret-0123456789abcdef\n", 2),
        (b"Secret-\xff-0123456789abcdef\n", 1),
        (b"fifteen-chars-x\n", 1),
        ("ops Secrét-12345678\n".encode(), 1),  # 15 characters (16 bytes)
        (b"# nobody yet\n\n", 2),
        (b"# nobody yet\n\n\n", 3),
        (b"# nobody yet", 1),
        (b"", 1),
        (b"\n", 1),
    ],
)
def test_a_credentials_file_without_a_credential_on_a_line_is_refused(
    tmp_path: Path, data: bytes, line: int
) -> None:
    path = tmp_path / "credentials"
    path.write_bytes(data)
    with pytest.raises(UsageFailure) as caught:
        read_credentials(str(path))
    assert caught.value.message == words.no_credential_on_line(str(path), line)


def test_a_credentials_file_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing")
    with pytest.raises(UsageFailure) as caught:
        read_credentials(missing)
    assert caught.value.message == words.cannot_read_credentials(
        missing, "no such file or directory"
    )


@pytest.mark.parametrize(
    ("header", "secret"),
    [
        (f"Bearer {SECRET}", SECRET),
        (f"bearer {SECRET}", SECRET),
        (f"BEARER {SECRET}", SECRET),
        (f"Bearer  {SECRET}", f" {SECRET}"),
        (f"Bearer ops-team {SECRET}", f"ops-team {SECRET}"),
        ("Bearer ", None),
        ("Bearer", None),
        (SECRET, None),
        (f"Basic {SECRET}", None),
        (None, None),
    ],
)
def test_the_bearer_secret_of_an_authorization_header(header: str | None, secret: str) -> None:
    assert bearer(header) == secret


# The checks of a request, one by one.


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("Application/JSON;charset=UTF-8", True),
        (" application/json ", True),
        ("application/json;", True),
        (None, False),
        ("", False),
        ("text/plain", False),
        ("text/plain;charset=UTF-8", False),
        ("application/x-www-form-urlencoded", False),
        ("multipart/form-data; boundary=x", False),
        ("application/jsonp", False),
        ("application/x-ndjson", False),
        ("text/json", False),
        ("application/json x", False),
    ],
)
def test_only_application_json_is_json(value: str | None, expected: bool) -> None:
    assert is_json(value) is expected


@pytest.mark.parametrize(
    ("path", "clean"),
    [
        ("/", True),
        ("/healthz", True),
        ("/v1/complete", True),
        ("", False),
        ("healthz", False),
        ("//healthz", False),
        ("/healthz/", False),
        ("/v1/../healthz", False),
        ("/./healthz", False),
        ("/v1/complete/.", False),
    ],
)
def test_a_clean_path_is_its_own_go_path_clean(path: str, clean: bool) -> None:
    assert is_clean(path) is clean


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"[]",
        b'[{"workflow_id":"wf","activity_id":"1"}]',
        b'"0a0b0c0d"',
        b"42",
        b"null",
        b"0a0b0c0d",
        b"not json at all",
        b'{"workflow_id": "wf", "activity_id": ',
        b'{"workflow_id":"wf","activity_id":"1"} {}',
        b'{"workflow_id":"wf","activity_id":"1","result":NaN}',
        b'\xef\xbb\xbf{"workflow_id":"wf","activity_id":"1"}',
        b'{"workflow_id":"wf\xff","activity_id":"1"}',
        b'\xa0{"workflow_id":"wf","activity_id":"1"}',
    ],
)
def test_a_body_that_is_not_one_json_object_is_refused_with_the_body_line(body: bytes) -> None:
    with pytest.raises(UsageFailure) as caught:
        job_of(body, "complete")
    assert caught.value.message == words.BODY_NOT_AN_OBJECT


@pytest.mark.parametrize(
    ("raw", "params"),
    [
        ("", {}),
        ("workflow_id=wf&query=q", {"workflow_id": "wf", "query": "q"}),
        ("query=", {"query": ""}),
        ("query", {"query": ""}),
        ("workflow_id=a&workflow_id=b", {"workflow_id": "a"}),
        ("query=a+b%3D%22c%22", {"query": 'a b="c"'}),
        ("workflow_id=%zz&query=q", {"query": "q"}),
        ("workflow_id=%4&query=q", {"query": "q"}),
        ("workflow_id=a;b&query=q", {"query": "q"}),
        ("&&query=q&", {"query": "q"}),
    ],
)
def test_query_parameters_are_read_as_go_reads_them(raw: str, params: dict[str, str]) -> None:
    assert query_params(raw) == params


def test_a_number_of_any_length_is_a_value_of_the_wrong_key_not_a_bad_body() -> None:
    body = b'{"workflow_id":"wf","activity_id":"1","result":' + b"1" * 5000 + b"}"
    with pytest.raises(UsageFailure) as caught:
        job_of(body, "complete")
    assert caught.value.message == (
        'the line is not a hex task token or a JSON job: "result" must be a text'
    )


def test_a_body_is_one_job_of_the_batch_grammar() -> None:
    job = job_of(b' \r\n\t{"tasktoken": "0x' + REAL_TOKEN.encode() + b'"}\n', "complete")
    assert (job.target.task_token, job.result) == (bytes.fromhex(REAL_TOKEN), "")
    job = job_of(json.dumps({**IDS, "run_id": "r", "reason": "no"}).encode(), "fail")
    assert (job.target.run_id, job.reason, job.retryable) == ("r", "no", False)
    listed = {
        **IDS,
        "run_id": "r",
        "activity_type": "Activity",
        "attempt": 2,
        "maximum_attempts": 0,
        "state": "started",
        "waiting_since": "2026-12-03T09:41:02.5Z",
        "last_heartbeat_time": None,
        "heartbeat_details": {"json": True},
        "last_failure": None,
        "next_attempt_time": None,
        "paused_by": "ops",
        "pause_reason": None,
        "input": ["Pay", {"a": 1}, None],
        "summary": "Pay it",
    }
    assert job_of(json.dumps(listed).encode(), "complete").target.description == BY_IDS
    beat = job_of(json.dumps({**IDS, "details": "40%"}).encode(), "heartbeat")
    assert beat.details == "40%"
    assert job_of(json.dumps(IDS).encode(), "cancel").details is None


# The routes, served by the real listener to a fake Temporal client.


class FakeServiceClient:
    def __init__(self) -> None:
        self.healthy: bool | BaseException = True
        self.delay = 0.0

    async def check_health(self, *, timeout: Any = None) -> bool:
        if self.delay:
            await asyncio.sleep(self.delay)
        if isinstance(self.healthy, BaseException):
            raise self.healthy
        return self.healthy


@dataclass
class FakeClient(FakeTemporal):
    """The conftest's fake, as a connected client: handles, and a health check."""

    service_client: FakeServiceClient = field(default_factory=FakeServiceClient)


@dataclass
class Reply:
    status: int
    content_type: str | None
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Served:
    port: int
    url: str

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            data = response.read()
            return Reply(
                response.status, response.getheader("Content-Type"), data, dict(response.headers)
            )
        finally:
            connection.close()

    def post(self, path: str, job: Any, headers: Mapping[str, str] | None = None) -> Reply:
        data = job if isinstance(job, bytes) else json.dumps(job).encode()
        return self.request("POST", path, data, {"Content-Type": JSON, **(headers or {})})


@contextmanager
def serving(
    client: Any,
    *,
    credentials: Credentials | None = None,
    rpc_timeout: float = 2.0,
    limits: Limits | None = None,
    request_timeout: float = 30.0,
    server: Server = SERVER,
    loop: EventLoopThread | None = None,
    link_keys: LinkKeys | None = None,
) -> Iterator[Served]:
    """make_app served on 127.0.0.1 as verbs/serve_run.py serves it, on loop (the client's event
    loop), or on an event loop of its own."""
    thread = loop or EventLoopThread()
    listen = parse_listen("127.0.0.1:0")
    sock = bind(listen)
    port = sock.getsockname()[1]
    settings = Settings(
        server,
        rpc_timeout,
        credentials,
        listen,
        port,
        request_timeout=request_timeout,
        link_keys=link_keys,
    )

    async def begin() -> Service:
        app = make_app(client, settings)
        return await start(app, sock, None, limits or Limits(), rpc_timeout)

    service = thread.run(begin())
    try:
        yield Served(port, settings.url)
    finally:
        thread.run(service.stop())
        if loop is None:
            thread.close()


@pytest.fixture
def fake() -> FakeClient:
    return FakeClient()


@pytest.fixture
def served(fake: FakeClient) -> Iterator[Served]:
    with serving(fake) as started:
        yield started


def test_complete_by_token_and_by_ids_answers_200_with_the_success_line(
    fake: FakeClient, served: Served
) -> None:
    reply = served.post("/v1/complete", {"tasktoken": REAL_TOKEN, "result": "Grüße ✓"})
    assert (reply.status, reply.content_type) == (200, "application/json")
    assert reply.body == body_of("ok", 0, f"Completed {REAL_DESC}")
    reply = served.post("/v1/complete", {**IDS, "run_id": "r-1"})
    assert reply.body == body_of("ok", 0, f"Completed {BY_IDS}")
    assert [call[:2] for call in fake.calls] == [("complete", "Grüße ✓"), ("complete", "")]
    assert fake.handle_kwargs == {"workflow_id": "wf-1", "run_id": "r-1", "activity_id": "1"}
    assert "Server" not in reply.headers
    assert not [name for name in reply.headers if name.lower().startswith("access-control-")]


def test_fail_heartbeat_and_cancel_answer_their_success_lines(
    fake: FakeClient, served: Served
) -> None:
    answers = [
        served.post("/v1/fail", {**IDS, "reason": "no"}),
        served.post("/v1/fail", {**IDS, "reason": "later", "retryable": True}),
        served.post("/v1/heartbeat", {**IDS, "details": "40%"}),
        served.post("/v1/heartbeat", IDS),
        served.post("/v1/cancel", {**IDS, "details": "stopped"}),
    ]
    assert [reply.body for reply in answers] == [
        body_of("ok", 0, f"Failed {BY_IDS} (non-retryable)"),
        body_of("ok", 0, f"Failed {BY_IDS} (retryable: the server will run it again)"),
        body_of("ok", 0, f"Recorded a heartbeat for {BY_IDS}"),
        body_of("ok", 0, f"Recorded a heartbeat for {BY_IDS}"),
        body_of("ok", 0, f"Reported {BY_IDS} as cancelled"),
    ]
    fail, retry, beat, bare, cancel = fake.calls
    assert (fail[1].message, fail[1].non_retryable, retry[1].non_retryable) == ("no", True, False)
    assert (beat[1], bare[1], cancel[1]) == (("40%",), (), ("stopped",))


def test_a_heartbeat_answered_with_a_cancel_request_is_200_with_code_5(
    fake: FakeClient, served: Served
) -> None:
    fake.request_error = AsyncActivityCancelledError(
        ActivityCancellationDetails(cancel_requested=True)
    )
    reply = served.post("/v1/heartbeat", IDS)
    assert reply.status == 200
    assert reply.body == body_of(
        "cancel_requested",
        5,
        f"cancellation was requested for {BY_IDS}: stop its work, then report it with the "
        "cancel command",
    )


@pytest.mark.parametrize(
    ("error", "status", "outcome", "code", "message"),
    [
        (
            RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b""),
            409,
            "refused",
            3,
            f"{BY_IDS} is not pending any more: it was completed, failed, timed out or retried, "
            "or its Workflow closed; a retry logs a new token in the Worker's log (its history "
            "does not say)",
        ),
        (
            RPCError("Namespace default is not found.", RPCStatusCode.NOT_FOUND, b""),
            409,
            "refused",
            3,
            f'namespace "default" was not found on the server at {ADDRESS}: check --namespace '
            "or TEMPORAL_NAMESPACE",
        ),
        (
            RPCError("no", RPCStatusCode.PERMISSION_DENIED, b""),
            409,
            "refused",
            3,
            "the server refused the request: no",
        ),
        (
            RPCError("down", RPCStatusCode.UNAVAILABLE, b""),
            503,
            "unreachable",
            4,
            f"could not reach the Temporal server at {ADDRESS} within 2s: start one with make "
            "server, or point TEMPORAL_ADDRESS or --address at yours",
        ),
        (
            RuntimeError("Failed client connect: Server connection error: refused"),
            503,
            "unreachable",
            4,
            f"could not reach the Temporal server at {ADDRESS} within 2s: start one with make "
            "server, or point TEMPORAL_ADDRESS or --address at yours",
        ),
        (ValueError("a bug"), 500, "error", 1, "a bug"),
    ],
    ids=["not-pending", "namespace", "refused", "unavailable", "lazy-connect", "other"],
)
def test_a_failure_answers_the_status_of_its_exit_code_with_the_cli_line(
    fake: FakeClient,
    served: Served,
    error: BaseException,
    status: int,
    outcome: str,
    code: int,
    message: str,
) -> None:
    fake.request_error = error
    reply = served.post("/v1/complete", IDS)
    assert (reply.status, reply.content_type) == (status, JSON)
    assert reply.body == body_of(outcome, code, message)


def test_a_failed_tls_handshake_of_the_lazy_connection_has_its_own_line(fake: FakeClient) -> None:
    fake.request_error = RuntimeError("Failed client connect: InvalidContentType")
    with serving(fake, server=Server(ADDRESS, "default", "2s", tls=True)) as served:
        reply = served.post("/v1/complete", IDS)
    assert (reply.status, reply.json()["code"]) == (503, 4)
    assert reply.json()["message"].startswith(
        f"could not reach the Temporal server at {ADDRESS} over TLS"
    )


def test_a_request_that_temporal_does_not_answer_in_time_is_503_within_the_timeout(
    fake: FakeClient,
) -> None:
    fake.delay = 30
    with serving(fake, rpc_timeout=0.5, server=Server(ADDRESS, "default", "500ms", False)) as s:
        begun = time.monotonic()
        reply = s.post("/v1/complete", IDS)
        took = time.monotonic() - begun
    assert (reply.status, reply.json()["outcome"]) == (503, "unreachable")
    assert "within 500ms" in reply.json()["message"]
    assert took < 3


@pytest.mark.parametrize(
    ("path", "job", "message"),
    [
        ("/v1/complete", {}, "no Activity given: pass --tasktoken HEX, or --workflow-id ID with "
         "--activity-id ID (see --help)"),
        ("/v1/fail", IDS, "fail needs --reason TEXT: say why the Activity failed"),
        ("/v1/complete", {"tasktoken": "12ab!?"}, 'the task token is not hex: "!" at position 5 '
         "is not 0-9 or a-f; copy the taskToken= value from the Worker's log"),
        ("/v1/heartbeat", {**IDS, "details": 1}, "the line is not a hex task token or a JSON job: "
         '"details" must be a text'),
        ("/v1/complete", [], words.BODY_NOT_AN_OBJECT),
    ],
)  # fmt: skip
def test_a_malformed_job_answers_400_and_sends_nothing(
    fake: FakeClient, served: Served, path: str, job: Any, message: str
) -> None:
    reply = served.post(path, job)
    assert (reply.status, reply.body) == (400, body_of("malformed", 2, message))
    assert fake.calls == []


@pytest.mark.parametrize(("verb", "what"), [("complete", "result"), ("cancel", "details")])
def test_a_result_or_details_over_the_blob_limit_answers_413(
    fake: FakeClient, served: Served, verb: str, what: str
) -> None:
    reply = served.post(f"/v1/{verb}", {**IDS, what: "a" * 2 * MIB})
    assert reply.status == 413
    message = reply.json()["message"]
    assert message.startswith(f"the {what} is ") and " bytes once encoded, " in message
    assert fake.calls == []


def test_a_body_over_8_mib_answers_413_and_exactly_8_mib_is_read(
    fake: FakeClient, served: Served
) -> None:
    head = b'{"workflow_id":"wf-1","activity_id":"1","result":"'
    for size, status in [(8 * MIB + 1, 413), (8 * MIB, 413)]:
        data = head + b"a" * (size - len(head) - 2) + b'"}'
        reply = served.post("/v1/complete", data)
        assert reply.status == status
        if size > 8 * MIB:
            assert reply.body == body_of(
                "malformed",
                2,
                "the body is larger than 8388608 bytes: send a smaller result, or a reference "
                "to where the data is",
            )
        else:  # read, and its result is too large for the server
            assert reply.json()["message"].startswith("the result is ")
    assert fake.calls == []


def test_a_chunked_body_over_8_mib_answers_413(fake: FakeClient, served: Served) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    chunk = b"a" * MIB
    body = iter([b'{"workflow_id":"wf-1","activity_id":"1","result":"', *[chunk] * 9, b'"}'])
    headers = {"Content-Type": JSON, "Transfer-Encoding": "chunked"}
    try:
        # encode_chunked: with the header given, http.client would send the bytes unframed.
        connection.request("POST", "/v1/complete", body=body, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        assert response.status == 413
    except (BrokenPipeError, ConnectionResetError):
        pass  # answered and closed before the whole body was sent: nothing was done either
    finally:
        connection.close()
    assert fake.calls == []


def test_the_checks_come_in_the_contracts_order(fake: FakeClient, tmp_path: Path) -> None:
    credentials = credentials_from(tmp_path, f"ops {SECRET}\n".encode())
    auth = {"Authorization": f"Bearer {SECRET}"}
    with serving(fake, credentials=credentials) as served:
        # Route and method before the credential.
        assert served.request("GET", "/nope").status == 404
        assert served.request("GET", "/v1/complete").status == 405
        # The credential before the Host.
        evil = {"Host": f"evil.example:{served.port}"}
        assert served.post("/v1/complete", IDS, evil).status == 401
        assert served.post("/v1/complete", IDS, {**evil, **auth}).status == 403
        # Content type before size, size before the body.
        big = b"x" * (8 * MIB + 1)
        reply = served.request("POST", "/v1/complete", big, {**auth, "Content-Type": "text/plain"})
        assert reply.status == 415
        reply = served.request("POST", "/v1/complete", big, {**auth, "Content-Type": JSON})
        assert reply.status == 413
        assert served.post("/v1/complete", b"[]", auth).status == 400
        assert served.post("/v1/complete", IDS, auth).status == 200
    assert len(fake.calls) == 1


def test_every_error_class_of_http_has_the_contracts_body(fake: FakeClient, tmp_path: Path) -> None:
    credentials = credentials_from(tmp_path, f"{BARE_SECRET}\n".encode())
    with serving(fake, credentials=credentials) as served:
        unauthorized = served.post("/v1/complete", IDS)
        assert (unauthorized.status, unauthorized.body) == (
            401,
            body_of(
                "unauthorized",
                2,
                "this route needs a credential: send Authorization: Bearer <secret>",
            ),
        )
        assert unauthorized.headers["WWW-Authenticate"] == "Bearer"
        in_query = served.post(f"/v1/complete?access_token={BARE_SECRET}", IDS)
        assert in_query.status == 401
        auth = {"Authorization": f"Bearer {BARE_SECRET}"}
        forbidden = served.post("/v1/complete", IDS, {**auth, "Host": "localhost"})
        assert forbidden.body == body_of(
            "forbidden",
            2,
            "the Host header does not name this server (DNS rebinding protection): use "
            f"http://127.0.0.1:{served.port}",
        )
        for path in (
            "/nope",
            "/v1/",
            "/healthz/",
            "//healthz",
            "/v1/../healthz",
            "/v1/%2e%2e/healthz",
            "/v1/complete/extra",
        ):
            reply = served.request("GET", path)
            assert (reply.status, reply.body) == (
                404,
                body_of("not_found", 2, "no such route: see docs/completer-http.md"),
            ), path
        for method, path, allowed in [
            ("GET", "/v1/complete", "POST"),
            ("OPTIONS", "/v1/cancel", "POST"),
            ("POST", "/healthz", "GET, HEAD"),
            ("DELETE", "/", "GET, HEAD"),
            ("PUT", "/v1/pending", "GET, HEAD"),
        ]:
            reply = served.request(method, path, b"{}", {"Content-Type": JSON})
            assert reply.headers["Allow"] == allowed
            assert (reply.status, reply.body) == (
                405,
                body_of("method_not_allowed", 2, f"{method} is not allowed here: use {allowed}"),
            )
        unsupported = served.post("/v1/complete", IDS, {**auth, "Content-Type": "text/plain"})
        assert (unsupported.status, unsupported.body) == (
            415,
            body_of("malformed", 2, "the body must be JSON: send Content-Type: application/json"),
        )
        # No credential for the page and the health check.
        assert served.request("GET", "/healthz").status == 200
        page = served.request("GET", "/")
        assert (page.status, page.content_type) == (200, "text/html; charset=utf-8")
        assert page.body == (Path(__file__).parents[2] / "page" / "index.html").read_bytes()
    assert fake.calls == []


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"], ids=["v4", "name", "v6"]
)
def test_the_loopback_names_of_the_listener_are_accepted(
    fake: FakeClient, served: Served, host: str
) -> None:
    reply = served.post("/v1/complete", IDS, {"Host": host.format(port=served.port)})
    assert reply.status == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example:{port}", "127.0.0.1", "localhost", "127.0.0.1:{other}", "127.0.0.2:{port}"],
)
def test_a_host_that_does_not_name_the_listener_answers_403(
    fake: FakeClient, served: Served, host: str
) -> None:
    value = host.format(port=served.port, other=served.port + 1)
    assert served.post("/v1/complete", IDS, {"Host": value}).status == 403
    assert served.request("GET", "/healthz", headers={"Host": value}).status == 403
    assert fake.calls == []


def test_healthz_answers_200_while_temporal_answers_and_503_else(fake: FakeClient) -> None:
    unreachable = body_of(
        "unreachable",
        4,
        f"could not reach the Temporal server at {ADDRESS} within 500ms: start one with make "
        "server, or point TEMPORAL_ADDRESS or --address at yours",
    )
    server = Server(ADDRESS, "default", "500ms", False)
    with serving(fake, rpc_timeout=0.5, server=server) as served:
        ok = served.request("GET", "/healthz")
        assert (ok.status, ok.body) == (
            200,
            body_of("ok", 0, f"the Temporal server at {ADDRESS} answers"),
        )
        for healthy in (
            False,
            RuntimeError("Failed client connect: refused"),
            RPCError("no", RPCStatusCode.PERMISSION_DENIED, b""),
            ValueError("odd"),
        ):
            fake.service_client.healthy = healthy
            reply = served.request("GET", "/healthz")
            assert (reply.status, reply.body) == (503, unreachable), healthy
        fake.service_client.healthy = True
        fake.service_client.delay = 30
        begun = time.monotonic()
        assert served.request("GET", "/healthz").body == unreachable
        assert time.monotonic() - begun < 3


def test_pending_with_both_a_workflow_id_and_a_query_answers_400(served: Served) -> None:
    reply = served.request("GET", "/v1/pending?workflow_id=wf&query=x")
    assert (reply.status, reply.body) == (
        400,
        body_of("malformed", 2, "give either --workflow-id or --query, not both"),
    )


def test_a_head_request_to_the_page_has_no_body(served: Served) -> None:
    reply = served.request("HEAD", "/")
    assert (reply.status, reply.content_type, reply.body) == (200, "text/html; charset=utf-8", b"")


# The log line.


def test_one_log_line_per_request_naming_the_route_never_a_query_or_a_token(
    fake: FakeClient, served: Served, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()
    served.post(f"/v1/complete?secret={SECRET}", {"tasktoken": REAL_TOKEN, "result": "r"})
    served.request("GET", "/")
    served.request("GET", f"/{REAL_TOKEN}")
    served.request("PATCH", "/v1/fail")
    served.request("GET", "/healthz")
    deadline = time.monotonic() + 5
    log = ""
    while log.count("\n") < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
        log += capfd.readouterr().err
    parts = [line.split(" ") for line in log.splitlines()]
    assert [p[:5] for p in parts] == [
        ["serve:", "POST", "/v1/complete", "200", "ok"],
        ["serve:", "GET", "/", "200", "-"],
        ["serve:", "GET", f"/{REAL_TOKEN[:7]}…", "404", "not_found"],
        ["serve:", "PATCH", "/v1/fail", "405", "method_not_allowed"],
        ["serve:", "GET", "/healthz", "200", "ok"],
    ]
    assert all(len(p) == 6 and p[5].isdigit() for p in parts)
    assert SECRET not in log and REAL_TOKEN[:16] not in log


# The limits of a connection (shortened), and the stop.


def slow_headers(port: int, give_up: float) -> float | None:
    """Sends a header a byte a second (0.2 s here) until the server closes: after how long."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        begun = time.monotonic()
        sock.sendall(b"POST /v1/complete HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sock.settimeout(0.2)
        while time.monotonic() - begun < give_up:
            try:
                if sock.recv(4096) == b"":
                    return time.monotonic() - begun
            except TimeoutError:
                pass
            except ConnectionResetError:
                return time.monotonic() - begun
            try:
                sock.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - begun
    return None


def test_a_client_slow_to_send_its_headers_is_cut_off_while_others_are_served(
    fake: FakeClient,
) -> None:
    limits = Limits(header_timeout=1.5, idle_timeout=60)
    with serving(fake, limits=limits) as served:
        result: list[float | None] = []
        slow = threading.Thread(target=lambda: result.append(slow_headers(served.port, 6)))
        slow.start()
        while slow.is_alive():
            assert served.request("GET", "/healthz").status == 200
            time.sleep(0.1)
        slow.join()
    [closed_after] = result
    assert closed_after is not None and 1.4 <= closed_after <= 3


def test_the_header_bound_counts_from_the_first_byte_of_the_next_request(
    fake: FakeClient,
) -> None:
    """A kept-alive connection may sit idle longer than the header bound (up to the idle
    bound); once a request starts, its headers have the header bound."""
    limits = Limits(header_timeout=1.0, idle_timeout=60)
    with (
        serving(fake, limits=limits) as served,
        socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock,
    ):
        request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % served.port
        sock.sendall(request)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        time.sleep(1.5)  # idle, longer than the header bound
        sock.sendall(request)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        begun = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")  # and no more
        assert sock.recv(4096) == b""
        assert 0.9 <= time.monotonic() - begun <= 2.5


def test_an_idle_kept_alive_connection_is_closed_after_the_idle_bound(fake: FakeClient) -> None:
    limits = Limits(header_timeout=10, idle_timeout=1.0)
    with (
        serving(fake, limits=limits) as served,
        socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock,
    ):
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % served.port)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        begun = time.monotonic()
        assert sock.recv(4096) == b""
        assert 0.9 <= time.monotonic() - begun <= 3


def test_a_body_slower_than_the_request_bound_answers_400_and_nothing_is_done(
    fake: FakeClient,
) -> None:
    with (
        serving(fake, request_timeout=1.0) as served,
        socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock,
    ):
        sock.sendall(
            b"POST /v1/complete HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{" % served.port
        )
        begun = time.monotonic()
        answer = sock.recv(4096)
        took = time.monotonic() - begun
    assert answer.startswith(b"HTTP/1.1 400")
    assert answer.endswith(body_of("malformed", 2, words.BODY_NOT_AN_OBJECT))
    assert took < 3
    assert fake.calls == []


def test_a_stop_lets_the_request_in_flight_finish_and_accepts_no_more(fake: FakeClient) -> None:
    fake.delay = 1.0
    thread = EventLoopThread()
    listen = parse_listen("127.0.0.1:0")
    sock = bind(listen)
    port = sock.getsockname()[1]
    settings = Settings(SERVER, 2.0, None, listen, port)

    async def begin() -> Service:
        client: Any = fake
        return await start(make_app(client, settings), sock, None, Limits(), 2.0)

    service = thread.run(begin())
    served = Served(port, settings.url)
    replies: list[Reply] = []
    in_flight = threading.Thread(target=lambda: replies.append(served.post("/v1/complete", IDS)))
    try:
        in_flight.start()
        deadline = time.monotonic() + 5
        while fake.in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        thread.run(service.stop())
        in_flight.join(10)
        with pytest.raises(OSError):
            served.request("GET", "/healthz")
    finally:
        thread.close()
    [reply] = replies
    assert reply.body == body_of("ok", 0, f"Completed {BY_IDS}")
    assert len(fake.calls) == 1


def test_a_token_job_is_sent_by_its_token(fake: FakeClient, served: Served) -> None:
    token = make_token(workflow_id="wf-t", attempt=3)
    reply = served.post("/v1/complete", {"tasktoken": token.hex()})
    assert reply.body == body_of("ok", 0, 'Completed Activity "1" of Workflow "wf-t" (attempt 3)')
    assert fake.handle_kwargs == {"task_token": token}


# Who acted, idempotency keys, and a repeat answered from the history.

HOST = socket.gethostname()


def test_a_request_is_recorded_as_its_credentials_name_whatever_the_body_says(
    fake: FakeClient, tmp_path: Path
) -> None:
    credentials = credentials_from(tmp_path, f"ops-team {SECRET}\n{BARE_SECRET}\n".encode())
    with serving(fake, credentials=credentials) as served:
        for secret in (SECRET, BARE_SECRET):
            reply = served.post(
                "/v1/complete",
                {**IDS, "identity": "mallory"},
                {"Authorization": f"Bearer {secret}"},
            )
            assert reply.status == 200, reply
    assert fake.identities == [
        f"ops-team via python-completer serve@{HOST}",
        f"api via python-completer serve@{HOST}",
    ]


def test_an_unauthenticated_request_is_recorded_as_it_names_itself(
    fake: FakeClient, served: Served
) -> None:
    served.post("/v1/fail", {**IDS, "reason": "no", "identity": "Ada Lovelace"})
    served.post("/v1/heartbeat", IDS)
    assert fake.identities == [
        f"Ada Lovelace (unauthenticated) via python-completer serve@{HOST}",
        f"anonymous (unauthenticated) via python-completer serve@{HOST}",
    ]


def test_the_idempotency_key_comes_from_the_header_or_the_body(
    fake: FakeClient, served: Served
) -> None:
    key = {"Idempotency-Key": "evt_42"}
    assert served.post("/v1/complete", IDS, key).status == 200
    assert served.post("/v1/complete", {**IDS, "idempotency_key": "evt_43"}).status == 200
    assert served.post("/v1/complete", {**IDS, "idempotency_key": "evt_42"}, key).status == 200
    anonymous = f"anonymous (unauthenticated) via python-completer serve@{HOST}"
    assert fake.identities == [
        f"{anonymous} key=evt_42",
        f"{anonymous} key=evt_43",
        f"{anonymous} key=evt_42",
    ]


@pytest.mark.parametrize(
    ("header", "body_key", "message"),
    [
        ("", None, words.KEY_HEADER_BAD),
        ("has space", None, words.KEY_HEADER_BAD),
        ("k" * 129, None, words.KEY_HEADER_BAD),
        ("evt_1", "evt_2", words.KEYS_DIFFER),
    ],
)
def test_a_bad_or_contradicting_key_answers_400_and_sends_nothing(
    fake: FakeClient, served: Served, header: str, body_key: str | None, message: str
) -> None:
    job = {**IDS, **({"idempotency_key": body_key} if body_key else {})}
    reply = served.post("/v1/complete", job, {"Idempotency-Key": header})
    assert (reply.status, reply.body) == (400, body_of("malformed", 2, message))
    assert fake.calls == []


def test_a_repeat_is_answered_200_already_and_anything_else_409_with_who(
    fake: FakeClient, served: Served
) -> None:
    from tests.python_completer.test_completer_history import (
        ALICE,
        TIME,
        completed,
        refused_by,
        scheduled,
        started,
    )

    refused_by(fake, scheduled(), started(), completed("Paid", f"{ALICE} key=evt_42"))
    who = f"{ALICE} key=evt_42"
    reply = served.post("/v1/complete", {**IDS, "result": "Paid"}, {"Idempotency-Key": "evt_42"})
    message = f"Already done: {BY_IDS} was completed at {TIME} by {who}"
    record = {"outcome": "ok", "code": 0, "message": message, "already": True}
    expected = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    assert (reply.status, reply.body) == (200, expected)
    reply = served.post("/v1/complete", {**IDS, "result": "Paid"}, {"Idempotency-Key": "evt_43"})
    reason = f"{BY_IDS} is not pending any more: it was completed at {TIME} by {who}"
    assert (reply.status, reply.body) == (409, body_of("refused", 3, reason))


def test_the_page_cannot_be_framed(served: Served) -> None:
    for method in ("GET", "HEAD"):
        page = served.request(method, "/")
        assert page.headers["X-Frame-Options"] == "DENY"
        assert page.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    health = served.request("GET", "/healthz")
    assert "X-Frame-Options" not in health.headers


def test_identity_says_what_an_action_would_record(fake: FakeClient, served: Served) -> None:
    anonymous = f"anonymous (unauthenticated) via python-completer serve@{HOST}"
    assert served.request("GET", "/v1/identity").body == body_of("ok", 0, anonymous)
    reply = served.request("GET", "/v1/identity?name=Ada%20Lovelace&name=other")
    ada = f"Ada Lovelace (unauthenticated) via python-completer serve@{HOST}"
    assert (reply.status, reply.body) == (200, body_of("ok", 0, ada))
    bad = body_of("malformed", 2, words.BAD_NAME_PARAMETER)
    for query in ("name=", "name=a%07b", "name=" + "x" * 129):
        reply = served.request("GET", "/v1/identity?" + query)
        assert (reply.status, reply.body) == (400, bad), query
    reply = served.request("POST", "/v1/identity")
    assert (reply.status, reply.headers["Allow"]) == (405, "GET, HEAD")
    assert fake.calls == []


def test_identity_with_credentials_is_the_credentials_name(
    fake: FakeClient, tmp_path: Path
) -> None:
    credentials = credentials_from(tmp_path, f"ops-team {SECRET}\n".encode())
    with serving(fake, credentials=credentials) as served:
        assert served.request("GET", "/v1/identity").status == 401
        auth = {"Authorization": f"Bearer {SECRET}"}
        reply = served.request("GET", "/v1/identity?name=mallory", headers=auth)
        expected = f"ops-team via python-completer serve@{HOST}"
        assert (reply.status, reply.body) == (200, body_of("ok", 0, expected))
        reply = served.request("GET", "/v1/identity?name=", headers=auth)
        assert reply.status == 400
