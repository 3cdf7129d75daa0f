"""Parity of every route and every error class of docs/completer-http.md.

The same request to the Python and to the Go serve must get the same status, Content-Type and
body, and that answer must be the contract's, byte for byte. Where the request can be the
same (the same Activity, the same bytes), both serves get it and must answer identically.
Where an answer is a success that only one of them can have (a completion), each acts on a
Workflow of its own: then both answers must be the contract's, and equal to each other once
the Workflow IDs are made the same. Every success is checked in the Workflow's history too,
and every refusal leaves the Activity as it was."""

from __future__ import annotations

import functools
import json
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Demo
from tests.faults.helpers import make_token
from tests.harness import ROOT, DevServer, TokenLine, free_port, unique_id, wait_until
from tests.serve import contract as c
from tests.serve.harness import KINDS, Answer, ServeProcess, elapsed, serving_all
from tests.serve.history import (
    assert_cancelled,
    assert_completed_once,
    assert_failed,
    assert_untouched,
    closing,
    pending_activity,
    request_cancel,
    texts,
)

PAGE = ROOT / "page" / "index.html"
TARGETS = ["token", "ids", "ids+run"]
VERBS = ["complete", "fail", "heartbeat", "cancel"]
# The IDs of jobs that are refused before anything is sent: they need not exist.
IDS = {"workflow_id": "wf-malformed", "activity_id": "1"}
# The --rpc-timeout of the serves that point at an address where nothing listens.
DEAD_TIMEOUT = "1s"


@pytest.fixture(scope="module")
def servers(dev_server: DevServer, serve_logs: Path) -> Iterator[dict[str, ServeProcess]]:
    with serving_all(KINDS, dev_server.address, serve_logs) as started:
        yield started


@pytest.fixture(scope="module")
def dead_address() -> str:
    return f"127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def unreachable_servers(dead_address: str, serve_logs: Path) -> Iterator[dict[str, ServeProcess]]:
    """Serves whose Temporal server is an address where nothing listens."""
    with serving_all(
        KINDS, dead_address, serve_logs, "--rpc-timeout", DEAD_TIMEOUT, name="unreachable"
    ) as started:
        yield started


@pytest.fixture(scope="module")
def unknown_namespace() -> str:
    return unique_id("no-such-namespace")


@pytest.fixture(scope="module")
def namespace_servers(
    dev_server: DevServer, serve_logs: Path, unknown_namespace: str
) -> Iterator[dict[str, ServeProcess]]:
    """Serves whose --namespace the server does not know."""
    with serving_all(
        KINDS, dev_server.address, serve_logs, "--namespace", unknown_namespace, name="namespace"
    ) as started:
        yield started


# Helpers.


def ask(
    servers: dict[str, ServeProcess],
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Answer]:
    """The same request to every serve; each one's answer."""
    return {kind: serve.request(method, path, body, headers) for kind, serve in servers.items()}


def post(
    servers: dict[str, ServeProcess], path: str, job: Any, content_type: str | None = c.JSON
) -> dict[str, Answer]:
    """The same job (JSON unless bytes) POSTed to every serve."""
    return {
        kind: serve.post(path, job, content_type=content_type) for kind, serve in servers.items()
    }


def post_streaming(
    servers: dict[str, ServeProcess],
    path: str,
    data: bytes,
    content_type: str,
    chunked: bool = False,
) -> dict[str, Answer]:
    return {
        kind: serve.post_streaming(path, data, {"Content-Type": content_type}, chunked=chunked)
        for kind, serve in servers.items()
    }


def get(servers: dict[str, ServeProcess], path: str) -> dict[str, Answer]:
    return ask(servers, "GET", path)


def assert_answers(answers: dict[str, Answer], expected: Answer | dict[str, Answer]) -> None:
    """Every serve answered the contract's answer (the same one, or expected[kind]), and
    none sent a CORS header: no cross-origin page may read or make a request."""
    wanted = expected if isinstance(expected, dict) else dict.fromkeys(answers, expected)
    assert answers == wanted
    for kind, answer in answers.items():
        cors = sorted(n for n in answer.header_names() if n.startswith("access-control-"))
        assert cors == [], f"{kind} sent {cors}"


def assert_identical(answers: dict[str, Answer]) -> None:
    """Python's and Go's answers to the same request: the same status, Content-Type and
    body, and the same value of the headers the contract names."""
    python, go = answers["python"], answers["go"]
    assert go == python
    for name in ("Allow", "WWW-Authenticate"):
        assert go.header(name) == python.header(name), name


def assert_alike(answers: dict[str, Answer], workflow_ids: dict[str, str]) -> None:
    """Answers about two Workflows, one per serve: identical once the IDs are the same."""
    assert_identical(
        {kind: answer.replaced(workflow_ids[kind], "WORKFLOW") for kind, answer in answers.items()}
    )


def job_target(by: str, handle: Any, line: TokenLine) -> tuple[dict[str, str], str]:
    """The job keys that name the Activity, and the DESC its answer names it with."""
    if by == "token":
        return {"tasktoken": line.token}, c.by_token(handle.id, line.attempt)
    job = {"workflow_id": handle.id, "activity_id": "1"}
    if by == "ids+run":
        job["run_id"] = line.run_id
    return job, c.by_ids(handle.id)


def one_each(demo: Demo, **settings: Any) -> dict[str, tuple[Any, TokenLine]]:
    """A pending Activity for each serve."""
    return {kind: demo.pending(**settings) for kind in KINDS}


def finish(demo: Demo, serve: ServeProcess, handle: Any, result: str = "finished") -> None:
    """Completes a still pending Activity through serve, and checks the Workflow's result."""
    job = {"workflow_id": handle.id, "activity_id": "1", "result": result}
    assert serve.post("/v1/complete", job) == c.ok(c.completed(c.by_ids(handle.id)))
    assert_completed_once(demo, handle, result)


def query_string(**params: str) -> str:
    return "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def test_serve_prints_one_line_once_listening_with_the_real_port(
    servers: dict[str, ServeProcess],
) -> None:
    for kind, serve in servers.items():
        assert serve.port != 0, kind
        assert serve.stdout_lines == [f"Serving on http://127.0.0.1:{serve.port}"], kind


# 200: complete, fail, heartbeat, cancel.


@pytest.mark.parametrize("by", TARGETS)
def test_complete_answers_ok_and_the_workflow_returns_the_result(
    demo: Demo, servers: dict[str, ServeProcess], by: str
) -> None:
    pending = one_each(demo)
    answers, expected, results = {}, {}, {}
    for kind, (handle, line) in pending.items():
        job, desc = job_target(by, handle, line)
        results[kind] = f'approved by {kind} serve: Grüße, 世界 ✓ "quoted" <b>&</b>'
        answers[kind] = servers[kind].post("/v1/complete", {**job, "result": results[kind]})
        expected[kind] = c.ok(c.completed(desc))
    assert_answers(answers, expected)
    assert_alike(answers, {kind: handle.id for kind, (handle, _) in pending.items()})
    for kind, (handle, _) in pending.items():
        assert_completed_once(demo, handle, results[kind])
        assert closing(demo, handle).identity == c.identity(c.ANONYMOUS, kind)


def test_complete_without_a_result_completes_with_empty_text_and_json_may_carry_a_charset(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    pending = one_each(demo)
    answers = {
        kind: servers[kind].post(
            "/v1/complete",
            {"workflow_id": handle.id, "activity_id": "1"},
            content_type="application/json; charset=utf-8",
        )
        for kind, (handle, _) in pending.items()
    }
    assert_answers(answers, {k: c.ok(c.completed(c.by_ids(h.id))) for k, (h, _) in pending.items()})
    assert_alike(answers, {kind: handle.id for kind, (handle, _) in pending.items()})
    for handle, _ in pending.values():
        assert_completed_once(demo, handle, "")


@pytest.mark.parametrize("by", ["token", "ids"])
def test_fail_answers_ok_and_the_workflow_fails_with_the_reason(
    demo: Demo, servers: dict[str, ServeProcess], by: str
) -> None:
    pending = one_each(demo)
    answers, expected = {}, {}
    for kind, (handle, line) in pending.items():
        job, desc = job_target(by, handle, line)
        job["identity"] = f"Ada Lovelace, {kind}"
        answers[kind] = servers[kind].post("/v1/fail", {**job, "reason": f"rejected by {kind}"})
        expected[kind] = c.ok(c.failed(desc))
    assert_answers(answers, expected)
    assert_alike(answers, {kind: handle.id for kind, (handle, _) in pending.items()})
    for kind, (handle, _) in pending.items():
        assert_failed(demo, handle, kind, f"rejected by {kind}")
        recorded = c.identity(c.unauthenticated(f"Ada Lovelace, {kind}"), kind)
        assert closing(demo, handle).identity == recorded


def test_a_retryable_fail_answers_ok_and_the_next_attempt_completes_with_its_new_token(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    pending = one_each(demo, max_attempts=2)
    answers = {
        kind: servers[kind].post(
            "/v1/fail", {"tasktoken": line.token, "reason": "try again", "retryable": True}
        )
        for kind, (_, line) in pending.items()
    }
    assert_answers(
        answers,
        {k: c.ok(c.failed(c.by_token(h.id), retryable=True)) for k, (h, _) in pending.items()},
    )
    assert_alike(answers, {kind: handle.id for kind, (handle, _) in pending.items()})
    for kind, (handle, first) in pending.items():
        second = demo.worker.wait_for_token(handle.id, attempt=2)
        stale = servers[kind].post("/v1/complete", {"tasktoken": first.token, "result": "stale"})
        assert stale == c.not_pending(c.by_token(handle.id, 1), c.was_retried(1, 2)), kind
        fresh = servers[kind].post("/v1/complete", {"tasktoken": second.token, "result": "2nd"})
        assert fresh == c.ok(c.completed(c.by_token(handle.id, 2))), kind
        assert_completed_once(demo, handle, "2nd")


@pytest.mark.parametrize("by", ["token", "ids"])
def test_heartbeat_answers_ok_and_records_the_details(
    demo: Demo, servers: dict[str, ServeProcess], by: str
) -> None:
    pending = one_each(demo, heartbeat_timeout=60)
    answers, expected = {}, {}
    for kind, (handle, line) in pending.items():
        job, desc = job_target(by, handle, line)
        answers[kind] = servers[kind].post("/v1/heartbeat", {**job, "details": f"{kind}: 40%"})
        expected[kind] = c.ok(c.recorded(desc))
    assert_answers(answers, expected)
    assert_alike(answers, {kind: handle.id for kind, (handle, _) in pending.items()})
    for kind, (handle, _) in pending.items():
        activity = pending_activity(demo, handle)
        assert texts(activity.heartbeat_details) == [f"{kind}: 40%"]
        assert activity.HasField("last_heartbeat_time")
        finish(demo, servers[kind], handle)


@pytest.mark.parametrize("by", ["token", "ids"])
def test_heartbeat_after_the_workflows_cancel_answers_cancel_requested_with_code_5(
    demo: Demo, servers: dict[str, ServeProcess], by: str
) -> None:
    """The same heartbeat to both serves, on one Activity whose Workflow was cancelled:
    200 (it was recorded) with outcome cancel_requested, code 5, the CLI's exit-5 line."""
    handle, line = demo.pending(heartbeat_timeout=60)
    request_cancel(demo, handle)
    job, desc = job_target(by, handle, line)
    answers = post(servers, "/v1/heartbeat", {**job, "details": "80%"})
    assert_answers(answers, c.cancel_requested(desc))
    assert_identical(answers)
    assert answers["go"].json()["code"] == 5

    # What the answer tells the caller to do: report the cancellation.
    assert servers["go"].post("/v1/cancel", job) == c.ok(c.reported_cancelled(desc))
    assert_cancelled(demo, handle)


@pytest.mark.parametrize("by", ["token", "ids"])
def test_cancel_after_a_cancel_request_answers_ok_and_cancels_the_workflow(
    demo: Demo, servers: dict[str, ServeProcess], by: str
) -> None:
    pending = one_each(demo)
    answers, expected = {}, {}
    for kind, (handle, line) in pending.items():
        request_cancel(demo, handle)
        job, desc = job_target(by, handle, line)
        answers[kind] = servers[kind].post("/v1/cancel", {**job, "details": f"stopped: {kind}"})
        expected[kind] = c.ok(c.reported_cancelled(desc))
    assert_answers(answers, expected)
    assert_alike(answers, {kind: handle.id for kind, (handle, _) in pending.items()})
    for kind, (handle, _) in pending.items():
        assert_cancelled(demo, handle, f"stopped: {kind}")
        assert closing(demo, handle).identity == c.identity(c.ANONYMOUS, kind)


def test_a_listed_line_posted_as_it_is_completes_the_activity(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    """The keys of a `list --json` line are accepted and ignored: what GET /v1/pending
    gives can be POSTed back unchanged (by IDs with the run ID, empty result)."""
    pending = one_each(demo)
    answers = {}
    for kind, (handle, _) in pending.items():
        listed = servers[kind].get("/v1/pending" + query_string(workflow_id=handle.id))
        assert (listed.status, listed.content_type) == (200, c.NDJSON), listed
        [line] = listed.body.splitlines()
        answers[kind] = servers[kind].post("/v1/complete", line)
    assert_answers(answers, {k: c.ok(c.completed(c.by_ids(h.id))) for k, (h, _) in pending.items()})
    for handle, _ in pending.values():
        assert_completed_once(demo, handle, "")


# 409: refused by the server.


@pytest.mark.parametrize("first", KINDS)
def test_a_late_request_is_refused_saying_who_completed_it_and_a_repeat_is_already_done(
    demo: Demo, servers: dict[str, ServeProcess], first: str
) -> None:
    """After one serve completed the Activity, both read the history alike: anything but
    a repeat is a 409 that says when and by whom it was completed; a repeat (the same
    action and result, by token or by IDs) is 200, already done. The first result stands."""
    handle, line = demo.pending()
    by_token, by_ids = c.by_token(handle.id), c.by_ids(handle.id)
    done = servers[first].post("/v1/complete", {"tasktoken": line.token, "result": "first"})
    assert done == c.ok(c.completed(by_token))
    closed = closing(demo, handle)
    assert closed.identity == c.identity(c.ANONYMOUS, first)
    reason = c.was_completed(closed.time, closed.identity)

    ids = {"workflow_id": handle.id, "activity_id": "1"}
    late: list[tuple[str, dict[str, Any], Answer]] = [
        (
            "complete",
            {"tasktoken": line.token, "result": "second"},
            c.not_pending(by_token, reason),
        ),
        ("complete", {**ids, "result": "second"}, c.not_pending(by_ids, reason)),
        ("fail", {**ids, "reason": "too late"}, c.not_pending(by_ids, reason)),
        ("heartbeat", {"tasktoken": line.token}, c.not_pending(by_token, reason)),
        ("cancel", {**ids, "run_id": line.run_id}, c.not_pending(by_ids, reason)),
        (
            "complete",
            {"tasktoken": line.token, "result": "first"},
            c.already_done(by_token, "completed", closed.time, closed.identity),
        ),
        (
            "complete",
            {**ids, "run_id": line.run_id, "result": "first"},
            c.already_done(by_ids, "completed", closed.time, closed.identity),
        ),
    ]
    for verb, job, expected in late:
        answers = post(servers, f"/v1/{verb}", job)
        assert_answers(answers, expected)
        assert_identical(answers)
    assert_completed_once(demo, handle, "first")


# Who acted, and webhook retries.


def test_a_webhook_retry_with_its_idempotency_key_is_answered_as_already_done(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, _ = demo.pending()
    key = unique_id("evt")
    job = {"workflow_id": handle.id, "activity_id": "1", "result": "Paid"}
    desc = c.by_ids(handle.id)
    first = servers["python"].post("/v1/complete", job, headers={"Idempotency-Key": key})
    assert first == c.ok(c.completed(desc))
    closed = closing(demo, handle)
    assert closed.identity == c.identity(c.ANONYMOUS, "python", key)
    already = c.already_done(desc, "completed", closed.time, closed.identity)

    retries: list[tuple[dict[str, Any], dict[str, str], Answer]] = [
        (job, {"Idempotency-Key": key}, already),
        ({**job, "idempotency_key": key}, {}, already),
        ({**job, "idempotency_key": key}, {"Idempotency-Key": key}, already),
        # Without a key, the same action and result is a repeat too.
        (job, {}, already),
        # Another key is another event: its request is refused, saying who did this one.
        (
            job,
            {"Idempotency-Key": key + "-other"},
            c.not_pending(desc, c.was_completed(closed.time, closed.identity)),
        ),
    ]
    for body, headers, expected in retries:
        answers = {
            kind: serve.post("/v1/complete", body, headers=headers)
            for kind, serve in servers.items()
        }
        assert_answers(answers, expected)
        assert_identical(answers)
    assert_completed_once(demo, handle, "Paid")


BAD_KEYS = [
    ("has space", None, c.BAD_KEY_HEADER),
    ("k" * 129, None, c.BAD_KEY_HEADER),
    ("caf\u00e9", None, c.BAD_KEY_HEADER),
    ("evt_1", "evt_2", c.KEYS_DIFFER),
]


@pytest.mark.parametrize(
    ("header", "body_key", "message"), BAD_KEYS, ids=["space", "long", "latin-1", "differ"]
)
def test_a_bad_or_contradicting_idempotency_key_answers_400(
    servers: dict[str, ServeProcess], header: str, body_key: str | None, message: str
) -> None:
    job = {**IDS, "result": "r"} | ({"idempotency_key": body_key} if body_key else {})
    answers = {
        kind: serve.post("/v1/complete", job, headers={"Idempotency-Key": header})
        for kind, serve in servers.items()
    }
    assert_answers(answers, c.malformed(message))
    assert_identical(answers)


def test_cancel_without_a_cancel_request_is_refused_alike(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, line = demo.pending()
    for job, desc in [
        ({"tasktoken": line.token}, c.by_token(handle.id)),
        ({"workflow_id": handle.id, "activity_id": "1"}, c.by_ids(handle.id)),
    ]:
        answers = post(servers, "/v1/cancel", {**job, "details": "no"})
        assert_answers(answers, c.cancel_refused(desc, handle.id))
        assert_identical(answers)
    assert_untouched(demo, handle)
    finish(demo, servers["python"], handle)


@pytest.mark.parametrize(
    ("method", "path", "job"),
    [
        ("POST", "/v1/complete", {"workflow_id": "wf-ns", "activity_id": "1"}),
        ("POST", "/v1/heartbeat", {"workflow_id": "wf-ns", "activity_id": "1"}),
        ("GET", "/v1/pending", None),
        ("GET", "/v1/pending?workflow_id=wf-ns", None),
    ],
)
def test_a_namespace_the_server_does_not_know_answers_409(
    dev_server: DevServer,
    namespace_servers: dict[str, ServeProcess],
    unknown_namespace: str,
    method: str,
    path: str,
    job: dict[str, str] | None,
) -> None:
    body = json.dumps(job).encode() if job else None
    answers = ask(namespace_servers, method, path, body, {"Content-Type": c.JSON} if job else {})
    assert_answers(answers, c.refused(c.unknown_namespace(unknown_namespace, dev_server.address)))
    assert_identical(answers)


# 400: a malformed job, or a body that is not one JSON object. Nothing reaches Temporal:
# the IDs need not exist.

MALFORMED_JOBS = {
    "token-not-hex": ("complete", {"tasktoken": "12ab!?"}, c.not_hex("!", 5)),
    "0x-token-not-hex": ("heartbeat", {"tasktoken": "0x12ab!?", "details": "d"}, c.not_hex("!", 5)),
    "no-target": ("complete", {}, c.NO_TARGET),
    "no-target-cancel": ("cancel", {"details": "d"}, c.NO_TARGET),
    "workflow-id-alone": ("complete", {"workflow_id": "wf-malformed", "result": "r"},
                          c.WORKFLOW_ID_ALONE),
    "token-and-ids": ("fail", {"tasktoken": "0a0b", **IDS, "reason": "r"}, c.BOTH_TARGETS),
    "fail-without-reason": ("fail", IDS, c.FAIL_WITHOUT_REASON),
    "fail-empty-reason": ("fail", {**IDS, "reason": ""}, c.FAIL_WITHOUT_REASON),
    "retryable-not-bool": ("fail", {**IDS, "reason": "r", "retryable": "yes"},
                           c.RETRYABLE_NOT_A_BOOL),
    "result-not-text": ("complete", {**IDS, "result": 42}, c.NOT_A_JOB + '"result" must be a text'),
    "details-not-text": ("heartbeat", {**IDS, "details": {"percent": 40}},
                         c.NOT_A_JOB + '"details" must be a text'),
    "identity-control": ("complete", {**IDS, "identity": "Ada\u0007"}, c.BAD_IDENTITY),
    "identity-long": ("fail", {**IDS, "reason": "r", "identity": "x" * 129}, c.BAD_IDENTITY),
    "identity-empty": ("cancel", {**IDS, "identity": ""}, c.BAD_IDENTITY),
    "key-with-space": ("complete", {**IDS, "idempotency_key": "has space"}, c.BAD_KEY_IN_BODY),
}  # fmt: skip


@pytest.mark.parametrize(
    ("verb", "job", "message"), MALFORMED_JOBS.values(), ids=MALFORMED_JOBS.keys()
)
def test_a_malformed_job_answers_400_with_the_batch_line(
    servers: dict[str, ServeProcess], verb: str, job: dict[str, Any], message: str
) -> None:
    answers = post(servers, f"/v1/{verb}", job)
    assert_answers(answers, c.malformed(message))
    assert_identical(answers)


@pytest.mark.parametrize("verb", VERBS)
def test_an_unknown_key_answers_400_naming_it(servers: dict[str, ServeProcess], verb: str) -> None:
    """The batch's line; what follows the key's name (the keys the verb takes) is the
    completers' to word, but the same in both."""
    answers = post(servers, f"/v1/{verb}", {**IDS, "bogus": 1})
    assert_identical(answers)
    answer = answers["python"]
    assert (answer.status, answer.content_type) == (400, c.JSON), answer
    record = answer.json()
    assert list(record) == ["outcome", "code", "message"]
    assert (record["outcome"], record["code"]) == ("malformed", 2)
    assert record["message"].startswith(c.NOT_A_JOB + 'unknown key "bogus"'), record


BODIES_NOT_AN_OBJECT = [
    b"",
    b"[]",
    b'[{"workflow_id":"wf","activity_id":"1"}]',
    b'"0a0b0c0d"',
    b"42",
    b"null",
    b"true",
    b"0a0b0c0d",
    b"not json at all",
]


@pytest.mark.parametrize("data", BODIES_NOT_AN_OBJECT, ids=lambda d: d.decode()[:20] or "empty")
@pytest.mark.parametrize("verb", ["complete", "heartbeat"])
def test_a_body_that_is_not_a_json_object_answers_400(
    servers: dict[str, ServeProcess], verb: str, data: bytes
) -> None:
    """Even a bare hex token, which a batch line may be: a body is one JSON object."""
    answers = post(servers, f"/v1/{verb}", data)
    assert_answers(answers, c.BODY_NOT_AN_OBJECT)
    assert_identical(answers)


@pytest.mark.parametrize(
    "data",
    [b'{"workflow_id": "wf", "activity_id": ', b'{"workflow_id":"wf","activity_id":"1"} {}'],
    ids=["cut-short", "two-values"],
)
def test_a_body_that_is_not_one_json_object_answers_400_with_the_body_line(
    servers: dict[str, ServeProcess], data: bytes
) -> None:
    """Not the batch's `not a hex task token or a JSON job: <detail>` line, whose detail is
    each language's own: a caller must not be able to tell which language answers."""
    answers = post(servers, "/v1/complete", data)
    assert_answers(answers, c.BODY_NOT_AN_OBJECT)


# 404, 405.

UNKNOWN_ROUTES = [
    ("GET", "/nope"),
    ("POST", "/nope"),
    ("GET", "/v1"),
    ("GET", "/v1/"),
    ("POST", "/v1/complete/extra"),
    ("POST", "/v1/approve"),
    ("GET", "/index.html"),
    ("GET", "/healthz/extra"),
    ("GET", "/nope?workflow_id=x"),
]


@pytest.mark.parametrize(("method", "path"), UNKNOWN_ROUTES)
def test_an_unknown_route_answers_404(
    servers: dict[str, ServeProcess], method: str, path: str
) -> None:
    answers = ask(servers, method, path)
    assert_answers(answers, c.NOT_FOUND)
    assert_identical(answers)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("verb", VERBS)
def test_a_post_route_with_another_method_answers_405_allowing_post(
    servers: dict[str, ServeProcess], verb: str, method: str
) -> None:
    answers = ask(servers, method, f"/v1/{verb}")
    assert_answers(answers, c.method_not_allowed(method, "POST"))
    assert_identical(answers)
    assert answers["python"].header("Allow") == "POST"


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/healthz"), ("POST", "/v1/pending"), ("POST", "/"), ("DELETE", "/")],
)
def test_a_get_route_with_another_method_answers_405_with_its_allow_header(
    servers: dict[str, ServeProcess], method: str, path: str
) -> None:
    """The message names the methods of the Allow header, joined by `, ` (whether HEAD is
    among them is not said; both languages must say the same)."""
    answers = ask(servers, method, path, b"{}", {"Content-Type": c.JSON})
    assert_identical(answers)
    allowed = answers["python"].header("Allow")
    assert allowed is not None and "GET" in allowed.split(", "), allowed
    assert_answers(answers, c.method_not_allowed(method, allowed))


# 413: the body, or the result or details, too large.


def sized_job(workflow_id: str, size: int) -> bytes:
    """A complete job for the Activity whose JSON body is exactly size bytes."""
    head = json.dumps({"workflow_id": workflow_id, "activity_id": "1", "result": ""})[:-2]
    padding = size - len(head) - 2
    data = (head + "a" * padding + '"}').encode()
    assert len(data) == size
    return data


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_larger_than_8_mib_answers_413_and_nothing_is_done(
    demo: Demo, servers: dict[str, ServeProcess], chunked: bool
) -> None:
    handle, _ = demo.pending()
    data = sized_job(handle.id, c.BODY_LIMIT + 1)
    answers = post_streaming(servers, "/v1/complete", data, c.JSON, chunked)
    assert_answers(answers, c.BODY_TOO_LARGE)
    assert_untouched(demo, handle)
    finish(demo, servers["go"], handle)


def test_a_body_of_exactly_8_mib_is_read_and_its_result_answers_413_as_too_large(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    """8388608 bytes is not larger than the bound: the job is read, and its result is
    larger than the server's blob limit (the CLI's too-large line)."""
    handle, _ = demo.pending()
    data = sized_job(handle.id, c.BODY_LIMIT)
    result = json.loads(data)["result"]
    answers = post_streaming(servers, "/v1/complete", data, c.JSON)
    assert_answers(answers, c.malformed(c.too_large("result", c.encoded_size(result)), 413))
    assert_untouched(demo, handle)
    finish(demo, servers["python"], handle)


@pytest.mark.parametrize(("verb", "what"), [("complete", "result"), ("heartbeat", "details")])
def test_a_result_or_details_over_the_blob_limit_answers_413_and_nothing_is_done(
    demo: Demo, servers: dict[str, ServeProcess], verb: str, what: str
) -> None:
    handle, line = demo.pending()
    text = "a" * c.BLOB_LIMIT
    answers = post(servers, f"/v1/{verb}", {"tasktoken": line.token, what: text})
    assert_answers(answers, c.malformed(c.too_large(what, c.encoded_size(text)), 413))
    assert_identical(answers)
    assert_untouched(demo, handle)
    finish(demo, servers["go"], handle)


def test_the_content_type_is_checked_before_the_size(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, _ = demo.pending()
    data = sized_job(handle.id, c.BODY_LIMIT + 1)
    answers = post_streaming(servers, "/v1/complete", data, "text/plain")
    assert_answers(answers, c.NOT_JSON)
    assert_untouched(demo, handle)
    finish(demo, servers["python"], handle)


# 415: only JSON.

NOT_JSON_TYPES = [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=----x",
    None,
    "application/jsonp",
    "application/x-ndjson",
    "text/json",
]


def test_a_body_that_is_not_application_json_answers_415_and_nothing_is_done(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, line = demo.pending(heartbeat_timeout=60)
    jobs = [
        ("complete", {"tasktoken": line.token, "result": "not json"}),
        ("fail", {"workflow_id": handle.id, "activity_id": "1", "reason": "not json"}),
        ("heartbeat", {"tasktoken": line.token, "details": "not json"}),
    ]
    for verb, job in jobs:
        for content_type in NOT_JSON_TYPES:
            answers = post(servers, f"/v1/{verb}", job, content_type)
            assert_answers(answers, c.NOT_JSON)
        form = urllib.parse.urlencode(job).encode()
        answers = post(servers, f"/v1/{verb}", form, "application/x-www-form-urlencoded")
        assert_answers(answers, c.NOT_JSON)
    assert_untouched(demo, handle)
    finish(demo, servers["go"], handle)


# 503: Temporal unreachable.


@pytest.mark.parametrize("verb", VERBS)
def test_a_request_while_temporal_is_unreachable_answers_503_in_bounded_time(
    unreachable_servers: dict[str, ServeProcess], dead_address: str, verb: str
) -> None:
    """A well-formed job (the token is made by hand: it decodes, then the request fails),
    answered within --rpc-timeout and a margin for a busy machine."""
    job: dict[str, Any] = {"tasktoken": make_token(workflow_id="wf-nowhere").hex()}
    job.update({"complete": {"result": "r"}, "fail": {"reason": "r"}}.get(verb, {}))
    answers, seconds = {}, {}
    for kind, serve in unreachable_servers.items():
        start = time.monotonic()
        answers[kind] = serve.post(f"/v1/{verb}", job)
        seconds[kind] = elapsed(start)
    assert_answers(answers, c.unreachable(dead_address, DEAD_TIMEOUT))
    assert_identical(answers)
    assert max(seconds.values()) < 1 + 5, seconds


@pytest.mark.parametrize("path", ["/healthz", "/v1/pending", "/v1/pending?workflow_id=wf-x"])
def test_healthz_and_pending_answer_503_while_temporal_is_unreachable(
    unreachable_servers: dict[str, ServeProcess], dead_address: str, path: str
) -> None:
    answers = get(unreachable_servers, path)
    assert_answers(answers, c.unreachable(dead_address, DEAD_TIMEOUT))
    assert_identical(answers)


def test_the_page_needs_no_temporal_server(unreachable_servers: dict[str, ServeProcess]) -> None:
    answers = get(unreachable_servers, "/")
    assert_answers(answers, Answer(200, c.HTML, PAGE.read_bytes()))


# GET /healthz, /v1/pending, /.


def test_healthz_answers_200_while_temporal_answers(
    dev_server: DevServer, servers: dict[str, ServeProcess]
) -> None:
    answers = get(servers, "/healthz")
    assert_answers(answers, c.healthy(dev_server.address))
    assert_identical(answers)


def test_pending_for_a_workflow_id_is_what_list_json_gives(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, _ = demo.pending()
    answers = get(servers, "/v1/pending" + query_string(workflow_id=handle.id))
    assert_identical(answers)
    for kind, answer in answers.items():
        listed = demo.run(kind, "list", "--json", "--workflow-id", handle.id)
        assert (listed.returncode, listed.stderr) == (0, ""), listed
        assert answer == Answer(200, c.NDJSON, listed.stdout.encode()), kind
    [record] = [json.loads(line) for line in answers["go"].body.splitlines()]
    assert list(record) == c.PENDING_KEYS
    assert (record["workflow_id"], record["activity_id"]) == (handle.id, "1")
    # What the Activity asks, read from the history as list reads it.
    assert record["input"] == ["Plain text input"]
    finish(demo, servers["go"], handle)


def listed_once_visible(serve: ServeProcess, path: str) -> Answer | None:
    """serve's answer to path, once it lists something (visibility lags a Workflow
    started a moment ago), or any answer that is not a 200."""
    answer = serve.get(path)
    return answer if answer.status != 200 or answer.body else None


def listed_workflow_ids(serve: ServeProcess) -> set[str]:
    """The Workflow IDs of GET /v1/pending without parameters; every line a list line."""
    answer = serve.get("/v1/pending")
    assert (answer.status, answer.content_type) == (200, c.NDJSON), answer
    records = [json.loads(line) for line in answer.body.splitlines()]
    assert all(list(record) == c.PENDING_KEYS for record in records), records
    return {record["workflow_id"] for record in records}


def test_pending_for_a_query_lists_what_the_query_finds(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, _ = demo.pending()
    path = "/v1/pending" + query_string(query=f'WorkflowId = "{handle.id}"')
    by_id = servers["python"].get("/v1/pending" + query_string(workflow_id=handle.id))
    assert by_id.status == 200 and by_id.body, by_id
    answers = {
        kind: wait_until(
            functools.partial(listed_once_visible, serve, path), 30, f"{path} on {kind} serve"
        )
        for kind, serve in servers.items()
    }
    assert_answers(answers, by_id)
    finish(demo, servers["python"], handle)


def test_pending_without_parameters_lists_the_pending_activity(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, _ = demo.pending()
    for kind, serve in servers.items():
        wait_until(
            lambda serve=serve: handle.id in listed_workflow_ids(serve),
            30,
            f"{handle.id} listed by {kind} serve",
        )
    finish(demo, servers["go"], handle)


def test_pending_for_a_workflow_that_does_not_exist_is_empty(
    servers: dict[str, ServeProcess],
) -> None:
    path = "/v1/pending" + query_string(workflow_id=unique_id("nowhere"))
    answers = get(servers, path)
    assert_answers(answers, Answer(200, c.NDJSON, b""))


def test_pending_with_both_a_workflow_id_and_a_query_answers_400(
    servers: dict[str, ServeProcess],
) -> None:
    path = "/v1/pending" + query_string(workflow_id="wf", query='WorkflowId = "wf"')
    answers = get(servers, path)
    assert_answers(answers, c.malformed(c.BOTH_FILTERS))


def test_pending_with_a_query_the_server_refuses_answers_409(
    servers: dict[str, ServeProcess],
) -> None:
    path = "/v1/pending" + query_string(query="this is == not a query")
    answers = get(servers, path)
    assert_identical(answers)
    answer = answers["go"]
    assert (answer.status, answer.content_type) == (409, c.JSON), answer
    record = answer.json()
    assert (record["outcome"], record["code"]) == ("refused", 3)
    assert record["message"].startswith(c.REFUSED_QUERY), record


def test_the_page_is_the_one_source_byte_for_byte_and_holds_no_token(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, line = demo.pending()
    answers = get(servers, "/")
    assert_answers(answers, Answer(200, c.HTML, PAGE.read_bytes()))
    assert_identical(answers)
    page = answers["python"].body.decode()
    assert not c.HEX_RUN.search(page), c.HEX_RUN.search(page)
    assert line.token not in page
    finish(demo, servers["go"], handle)
