"""Who may reach serve, and what a hostile web page can make a person's browser do to it
(docs/completer-http.md, "Credentials" and "Every answer").

- A listener that is not on loopback refuses to start without a credentials file; every
  start-up refusal is one `error: ` line and exit 2, before listening.
- With a credentials file every route but GET /healthz and GET / needs
  `Authorization: Bearer SECRET`: no credential, a wrong one, or one in the query string
  gets 401, and nothing reaches any history. (The credentialed serves listen on 127.0.0.1,
  so that the test needs no other address; the check does not depend on the address.)
- On loopback the Host header must name the listener (DNS rebinding); only JSON bodies are
  accepted (a cross-origin "simple" POST gets 415); no CORS header is ever sent (a preflight
  gets 405).
- serve's standard error holds one line per request, never a credential, a token or a body.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Demo
from tests.faults.helpers import assert_no_token
from tests.harness import ROOT, DevServer, clean_env, free_port, unique_id
from tests.serve import contract as c
from tests.serve.harness import (
    KINDS,
    Answer,
    ServeProcess,
    StartupRun,
    run_serve_expecting_refusal,
    serving,
    serving_all,
    wait_for_log_lines,
)
from tests.serve.history import (
    assert_completed_once,
    assert_untouched,
    closing,
    pending_activity,
    texts,
)

PAGE = ROOT / "page" / "index.html"
VERBS = ["complete", "fail", "heartbeat", "cancel"]


@dataclass(frozen=True)
class Credentials:
    path: Path
    named: str  # the secret of the line `ops-team SECRET`
    bare: str  # a line of its own: named `api`

    @property
    def serve_args(self) -> tuple[str, str]:
        return ("--auth-token-file", str(self.path))

    def bearer(self, secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret}"}


def write_credentials(folder: Path) -> Credentials:
    named, bare = "Ops-Team-Secret-3f9a61c2", "Bare-Secret-d41c7e0b55"
    path = folder / "credentials"
    path.write_text(
        f"# who may finish Activities through this serve\n\nops-team {named}\n{bare}\n",
        encoding="utf-8",
    )
    return Credentials(path, named, bare)


@pytest.fixture(scope="module")
def credentials(serve_logs: Path) -> Credentials:
    return write_credentials(serve_logs)


@pytest.fixture(scope="module")
def secured(
    dev_server: DevServer, serve_logs: Path, credentials: Credentials
) -> Iterator[dict[str, ServeProcess]]:
    """Serves on 127.0.0.1 that enforce the credentials file."""
    with serving_all(
        KINDS, dev_server.address, serve_logs, *credentials.serve_args, name="secured"
    ) as started:
        yield started


@pytest.fixture(scope="module")
def open_servers(dev_server: DevServer, serve_logs: Path) -> Iterator[dict[str, ServeProcess]]:
    """Serves on 127.0.0.1 without a credentials file: only the Host check and the content
    type stand between them and a web page."""
    with serving_all(KINDS, dev_server.address, serve_logs, name="open") as started:
        yield started


def assert_no_cors(answer: Answer) -> None:
    cors = sorted(n for n in answer.header_names() if n.startswith("access-control-"))
    assert cors == [], f"CORS headers sent: {cors}"


def history_types(demo: Demo, handle: Any) -> list[int]:
    return [e.event_type for e in demo.history_events(handle)]


def jobs_for(handle: Any, token: str) -> dict[str, dict[str, Any]]:
    """A well-formed job for every verb, on one Activity."""
    ids = {"workflow_id": handle.id, "activity_id": "1"}
    return {
        "complete": {"tasktoken": token, "result": "should not happen"},
        "fail": {**ids, "reason": "should not happen"},
        "heartbeat": {"tasktoken": token, "details": "should not happen"},
        "cancel": {**ids, "details": "should not happen"},
    }


# Start-up refusals: exit 2, one line, nothing listening.


def refusal_cases(folder: Path) -> dict[str, tuple[list[str], str, bool]]:
    """name -> (arguments after `serve`, the line, whether the line is whole or only its
    start, which the OS's reason follows)."""
    files = {
        "short": "# a comment\n\nops short-secret\n",
        "bad-name": "bad/name Secret-0123456789abcdef\n",
        "three-fields": "ops team Secret-0123456789abcdef\n",
        "garbage": "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
    }
    paths = {name: folder / name for name in files}
    for name, text in files.items():
        paths[name].write_text(text, encoding="utf-8")
    short, bad_name, three, garbage = (str(paths[n]) for n in files)
    missing = str(folder / "missing")
    # A free port where the case is not about --listen: a serve that starts by mistake
    # takes no port that something else may use.
    loopback = ["--listen", "127.0.0.1:0"]
    return {
        "non-loopback-any": (["--listen", "0.0.0.0:0"], c.not_loopback("0.0.0.0"), True),
        "non-loopback-ip": (["--listen", "192.0.2.1:0"], c.not_loopback("192.0.2.1"), True),
        "listen-nonsense": (["--listen", "nonsense"], c.listen_not_host_port("nonsense"), True),
        "listen-no-port": (["--listen", "127.0.0.1"], c.listen_not_host_port("127.0.0.1"), True),
        "credentials-missing": (
            [*loopback, "--auth-token-file", missing],
            c.cannot_read_credentials(missing),
            False,
        ),
        "credentials-short-secret": (
            [*loopback, "--auth-token-file", short],
            c.no_credential_on_line(short, 3),
            True,
        ),
        "credentials-bad-name": (
            [*loopback, "--auth-token-file", bad_name],
            c.no_credential_on_line(bad_name, 1),
            True,
        ),
        "credentials-three-fields": (
            [*loopback, "--auth-token-file", three],
            c.no_credential_on_line(three, 1),
            True,
        ),
        "tls-cert-alone": ([*loopback, "--tls-cert", garbage], c.TLS_TOGETHER, True),
        "tls-key-alone": ([*loopback, "--tls-key", garbage], c.TLS_TOGETHER, True),
        "tls-not-pem": (
            [*loopback, "--tls-cert", garbage, "--tls-key", short],
            c.cannot_load_tls(garbage, short),
            True,
        ),
    }


REFUSALS = [
    "non-loopback-any",
    "non-loopback-ip",
    "listen-nonsense",
    "listen-no-port",
    "credentials-missing",
    "credentials-short-secret",
    "credentials-bad-name",
    "credentials-three-fields",
    "tls-cert-alone",
    "tls-key-alone",
    "tls-not-pem",
]


def refuse_both(args: list[str], env: dict[str, str]) -> dict[str, StartupRun]:
    """`COMPLETER serve ARGS` of both languages, at once."""
    with ThreadPoolExecutor(max_workers=len(KINDS)) as pool:
        runs = {kind: pool.submit(run_serve_expecting_refusal, kind, args, env) for kind in KINDS}
        return {kind: run.result() for kind, run in runs.items()}


def assert_refused(runs: dict[str, StartupRun], line: str, whole: bool) -> None:
    """Both refused alike: exit 2, nothing on standard output, the one line (or its
    start, then the rest of one line)."""
    for kind, run in runs.items():
        assert (run.returncode, run.stdout) == (2, ""), (kind, run)
        if whole:
            assert run.stderr == line, (kind, run)
        else:
            assert run.stderr.startswith(line), (kind, run)
            assert run.stderr.count("\n") == 1 and run.stderr.endswith("\n"), (kind, run)
    if whole:
        assert runs["go"].stderr == runs["python"].stderr


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_start_is_refused_with_exit_2_and_the_contracts_line(
    case: str, tmp_path: Path
) -> None:
    args, line, whole = refusal_cases(tmp_path)[case]
    env = clean_env(f"127.0.0.1:{free_port()}")
    runs = refuse_both(args, env)
    assert_refused(runs, line, whole)


def test_a_credentials_file_without_a_credential_is_refused(tmp_path: Path) -> None:
    """Only comments and blank lines. Which line number the message gives is not said;
    both languages must give the same."""
    path = tmp_path / "credentials"
    path.write_text("# nobody yet\n\n", encoding="utf-8")
    args = ["--listen", "127.0.0.1:0", "--auth-token-file", str(path)]
    env = clean_env(f"127.0.0.1:{free_port()}")
    runs = refuse_both(args, env)
    start = f'error: the credentials file "{path}" has no credential on line '
    end = ": write one SECRET, or NAME SECRET, per line (secrets of at least 16 characters)\n"
    for kind, run in runs.items():
        assert (run.returncode, run.stdout) == (2, ""), (kind, run)
        assert run.stderr.startswith(start) and run.stderr.endswith(end), (kind, run)
        assert run.stderr.count("\n") == 1, (kind, run)
    assert runs["go"].stderr == runs["python"].stderr


def test_a_port_already_taken_is_refused_with_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        host_port = f"127.0.0.1:{taken.getsockname()[1]}"
        env = clean_env(f"127.0.0.1:{free_port()}")
        runs = refuse_both(["--listen", host_port], env)
    assert_refused(runs, c.cannot_listen(host_port), whole=False)


# Credentials.


def basic(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Every way of not sending the right credential in a header.
WRONG_HEADERS: list[tuple[str, Callable[[Credentials], dict[str, str]]]] = [
    ("none", lambda cr: {}),
    ("wrong", lambda cr: cr.bearer("Wrong-Secret-0123456789")),
    ("cut-short", lambda cr: cr.bearer(cr.named[:-1])),
    ("too-long", lambda cr: cr.bearer(cr.named + "x")),
    ("empty", lambda cr: {"Authorization": "Bearer "}),
    ("no-scheme", lambda cr: {"Authorization": cr.named}),
    ("name-and-secret", lambda cr: cr.bearer(f"ops-team {cr.named}")),
    ("basic", lambda cr: {"Authorization": "Basic " + basic(f"api:{cr.bare}")}),
    ("other-header", lambda cr: {"X-Api-Key": cr.named}),
]


QUERY_NAMES = ["access_token", "token", "secret", "auth", "authorization", "api_key", "key"]


def test_a_request_without_the_right_credential_answers_401_and_nothing_is_done(
    demo: Demo, secured: dict[str, ServeProcess], credentials: Credentials
) -> None:
    handle, line = demo.pending(heartbeat_timeout=60)
    before = history_types(demo, handle)
    jobs = jobs_for(handle, line.token)
    answers: list[tuple[str, str, str, Answer]] = []
    for kind, serve in secured.items():
        for verb, job in jobs.items():
            for name, headers in WRONG_HEADERS:
                answers.append(
                    (kind, verb, name, serve.post(f"/v1/{verb}", job, headers=headers(credentials)))
                )
            for param in QUERY_NAMES:
                for secret in (credentials.named, credentials.bare, f"Bearer {credentials.named}"):
                    query = "?" + urllib.parse.urlencode({param: secret})
                    answers.append((kind, verb, f"?{param}", serve.post(f"/v1/{verb}{query}", job)))
        pending = "/v1/pending?" + urllib.parse.urlencode({"workflow_id": handle.id})
        for name, headers in WRONG_HEADERS:
            answers.append((kind, "pending", name, serve.get(pending, headers(credentials))))
        query = "&" + urllib.parse.urlencode({"access_token": credentials.named})
        answers.append((kind, "pending", "?access_token", serve.get(pending + query)))
    wrong = [(kind, verb, how, a) for kind, verb, how, a in answers if a != c.UNAUTHORIZED]
    assert wrong == []
    for _, _, _, answer in answers:
        assert_no_cors(answer)
    first = {kind: next(a for k, _, _, a in answers if k == kind) for kind in KINDS}
    assert first["go"].header("WWW-Authenticate") == first["python"].header("WWW-Authenticate")

    assert history_types(demo, handle) == before
    assert_untouched(demo, handle)
    # The right one works, and the Activity is as it was; the bare secret is named `api`.
    done = secured["go"].post(
        "/v1/complete",
        {"tasktoken": line.token, "result": "ok"},
        headers=credentials.bearer(credentials.bare),
    )
    assert done == c.ok(c.completed(c.by_token(handle.id)))
    assert_completed_once(demo, handle, "ok")
    assert closing(demo, handle).identity == c.identity("api", "go")


def test_the_right_credential_answers_200_and_its_name_is_recorded_as_who_acted(
    demo: Demo, secured: dict[str, ServeProcess], credentials: Credentials
) -> None:
    for kind, serve in secured.items():
        handle, line = demo.pending(heartbeat_timeout=60)
        desc = c.by_token(handle.id)
        beat = serve.post(
            "/v1/heartbeat",
            {"tasktoken": line.token, "details": "half"},
            headers=credentials.bearer(credentials.bare),
        )
        assert beat == c.ok(c.recorded(desc)), kind
        assert texts(pending_activity(demo, handle).heartbeat_details) == ["half"]
        listed = serve.get(
            "/v1/pending?" + urllib.parse.urlencode({"workflow_id": handle.id}),
            credentials.bearer(credentials.named),
        )
        assert (listed.status, listed.content_type) == (200, c.NDJSON), (kind, listed)
        assert [json.loads(x)["workflow_id"] for x in listed.body.splitlines()] == [handle.id]
        # Who acted is the credential's NAME: a body's "identity" cannot override it.
        done = serve.post(
            "/v1/complete",
            {"tasktoken": line.token, "result": f"approved through {kind}", "identity": "mallory"},
            headers=credentials.bearer(credentials.named),
        )
        assert done == c.ok(c.completed(desc)), kind
        assert_completed_once(demo, handle, f"approved through {kind}")
        assert closing(demo, handle).identity == c.identity("ops-team", kind)


def test_healthz_and_the_page_need_no_credential(
    dev_server: DevServer, secured: dict[str, ServeProcess]
) -> None:
    for kind, serve in secured.items():
        assert serve.get("/healthz") == c.healthy(dev_server.address), kind
        assert serve.get("/") == Answer(200, c.HTML, PAGE.read_bytes()), kind


def test_route_and_method_are_checked_before_the_credential(
    secured: dict[str, ServeProcess],
) -> None:
    for kind, serve in secured.items():
        assert serve.get("/nope") == c.NOT_FOUND, kind
        not_allowed = serve.get("/v1/complete")
        assert not_allowed == c.method_not_allowed("GET", "POST"), kind
        assert not_allowed.header("Allow") == "POST", kind


# The Host header (DNS rebinding).


def test_a_host_that_does_not_name_the_listener_answers_403_and_nothing_is_done(
    demo: Demo, open_servers: dict[str, ServeProcess]
) -> None:
    handle, line = demo.pending(heartbeat_timeout=60)
    jobs = jobs_for(handle, line.token)
    for kind, serve in open_servers.items():
        port = serve.port
        hosts = [
            f"evil.example:{port}",
            "evil.example",
            f"127.0.0.1:{port + 1 if port < 65535 else 1}",
            "127.0.0.1",
            "localhost",
            f"127.0.0.2:{port}",
            f"127.0.0.1.evil.example:{port}",
        ]
        expected = c.forbidden(serve.url)
        for host in hosts:
            for verb, job in jobs.items():
                answer = serve.post(f"/v1/{verb}", job, headers={"Host": host})
                assert answer == expected, (kind, verb, host)
                assert_no_cors(answer)
            listed = serve.get(f"/v1/pending?workflow_id={handle.id}", {"Host": host})
            assert listed == expected, (kind, host)
    assert_untouched(demo, handle)
    finish = open_servers["python"].post("/v1/complete", {"tasktoken": line.token})
    assert finish == c.ok(c.completed(c.by_token(handle.id)))
    assert_completed_once(demo, handle, "")


def test_the_names_of_a_loopback_listener_are_accepted_as_host(
    demo: Demo, open_servers: dict[str, ServeProcess]
) -> None:
    nowhere = "/v1/pending?workflow_id=" + unique_id("nowhere")
    for kind, serve in open_servers.items():
        for host in (f"127.0.0.1:{serve.port}", f"localhost:{serve.port}", f"[::1]:{serve.port}"):
            assert serve.get(nowhere, {"Host": host}) == Answer(200, c.NDJSON, b""), (kind, host)
        handle, _ = demo.pending()
        job = {"workflow_id": handle.id, "activity_id": "1", "result": f"via localhost, {kind}"}
        done = serve.post("/v1/complete", job, headers={"Host": f"localhost:{serve.port}"})
        assert done == c.ok(c.completed(c.by_ids(handle.id))), kind
        assert_completed_once(demo, handle, f"via localhost, {kind}")


def test_with_credentials_on_loopback_the_credential_is_checked_then_the_host(
    demo: Demo, secured: dict[str, ServeProcess], credentials: Credentials
) -> None:
    handle, line = demo.pending()
    job = {"tasktoken": line.token, "result": "rebound"}
    for kind, serve in secured.items():
        evil = {"Host": f"evil.example:{serve.port}"}
        assert serve.post("/v1/complete", job, headers=evil) == c.UNAUTHORIZED, kind
        right = {**evil, **credentials.bearer(credentials.named)}
        assert serve.post("/v1/complete", job, headers=right) == c.forbidden(serve.url), kind
    assert_untouched(demo, handle)
    done = secured["go"].post("/v1/complete", job, headers=credentials.bearer(credentials.bare))
    assert done == c.ok(c.completed(c.by_token(handle.id)))
    assert_completed_once(demo, handle, "rebound")


def test_a_non_loopback_listener_with_credentials_takes_any_host(
    demo: Demo, dev_server: DevServer, credentials: Credentials, kind: str, tmp_path: Path
) -> None:
    with serving(
        kind,
        dev_server.address,
        tmp_path / f"serve-{kind}.log",
        *credentials.serve_args,
        listen="0.0.0.0:0",
    ) as serve:
        assert serve.url == f"http://0.0.0.0:{serve.port}"
        handle, _ = demo.pending()
        job = {"workflow_id": handle.id, "activity_id": "1", "result": "from anywhere"}
        evil = {"Host": "completer.example.com"}
        assert serve.post("/v1/complete", job, headers=evil) == c.UNAUTHORIZED
        assert_untouched(demo, handle)
        right = {**evil, **credentials.bearer(credentials.named)}
        assert serve.post("/v1/complete", job, headers=right) == c.ok(
            c.completed(c.by_ids(handle.id))
        )
        assert_completed_once(demo, handle, "from anywhere")


# What a page on another site can make a browser send.

SIMPLE_TYPES = [
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
]
EVIL_ORIGIN = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}


def test_a_cross_origin_simple_post_answers_415_and_the_activity_stays_pending(
    demo: Demo, open_servers: dict[str, ServeProcess]
) -> None:
    handle, line = demo.pending(heartbeat_timeout=60)
    jobs = jobs_for(handle, line.token)
    for kind, serve in open_servers.items():
        for verb, job in jobs.items():
            for content_type in SIMPLE_TYPES:
                answer = serve.post(
                    f"/v1/{verb}", job, headers=EVIL_ORIGIN, content_type=content_type
                )
                assert answer == c.NOT_JSON, (kind, verb, content_type)
                assert_no_cors(answer)
    assert_untouched(demo, handle)
    finish = open_servers["go"].post("/v1/complete", jobs["complete"] | {"result": "mine"})
    assert finish == c.ok(c.completed(c.by_token(handle.id)))
    assert_completed_once(demo, handle, "mine")


@pytest.mark.parametrize("verb", VERBS)
def test_a_cors_preflight_answers_405_without_any_cors_header(
    open_servers: dict[str, ServeProcess], verb: str
) -> None:
    preflight = {
        **EVIL_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    answers = {
        kind: serve.request("OPTIONS", f"/v1/{verb}", headers=preflight)
        for kind, serve in open_servers.items()
    }
    for kind, answer in answers.items():
        assert answer == c.method_not_allowed("OPTIONS", "POST"), kind
        assert answer.header("Allow") == "POST", kind
        assert_no_cors(answer)
    assert answers["go"] == answers["python"]


def test_no_answer_carries_a_cors_header_even_to_a_cross_origin_read(
    open_servers: dict[str, ServeProcess],
) -> None:
    for kind, serve in open_servers.items():
        for path in ("/v1/pending", "/healthz", "/"):
            answer = serve.get(path, EVIL_ORIGIN)
            assert answer.status == 200, (kind, path, answer)
            assert_no_cors(answer)


# serve's standard error.


def test_the_log_has_one_line_per_request_and_never_a_credential_a_token_or_a_body(
    demo: Demo, dev_server: DevServer, credentials: Credentials, kind: str, tmp_path: Path
) -> None:
    handle, line = demo.pending(heartbeat_timeout=60)
    marker_details, marker_result = "details-7c1e4f0a", "result-93b2d6e8"
    named = credentials.bearer(credentials.named)
    wrong = credentials.bearer("Wrong-Secret-5e8b2a17c4")
    query = "?" + urllib.parse.urlencode({"access_token": credentials.named})
    with serving(
        kind, dev_server.address, tmp_path / "serve.log", *credentials.serve_args
    ) as serve:
        answers = [
            serve.post("/v1/complete" + query, {"tasktoken": line.token}),
            serve.post(
                "/v1/heartbeat", {"tasktoken": line.token, "details": marker_details}, headers=named
            ),
            serve.post("/v1/complete", {"tasktoken": line.token}, headers=wrong),
            serve.get("/healthz"),
            serve.get("/"),
            serve.post(
                "/v1/complete", {"tasktoken": line.token, "result": marker_result}, headers=named
            ),
        ]
        assert [a.status for a in answers] == [401, 200, 401, 200, 200, 200]
        lines = wait_for_log_lines(serve, len(answers))
        assert serve.stop() == 0
    assert_completed_once(demo, handle, marker_result)

    log = serve.log_text()
    assert log.splitlines() == lines, "serve wrote more to standard error"
    requests = []
    for text in lines:
        match = c.LOG_LINE.match(text)
        assert match, f"not a request line: {text!r}"
        requests.append(match.groups()[:4])
    assert requests == [
        ("POST", "/v1/complete", "401", "unauthorized"),
        ("POST", "/v1/heartbeat", "200", "ok"),
        ("POST", "/v1/complete", "401", "unauthorized"),
        ("GET", "/healthz", "200", "ok"),
        ("GET", "/", "200", "-"),
        ("POST", "/v1/complete", "200", "ok"),
    ]
    for secret in (credentials.named, credentials.bare, "Wrong-Secret-5e8b2a17c4"):
        assert secret not in log
    for word in ("Bearer", "Authorization", marker_details, marker_result, handle.id):
        assert word not in log, word
    assert not c.HEX_RUN.search(log)
    assert_no_token([log], line.token)
