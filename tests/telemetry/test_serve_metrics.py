"""serve --metrics-listen: after a known sequence of requests each counter of GET /metrics
is exactly what happened, with the same names, labels and buckets in both languages
(docs/completer-http.md, "Seeing it run")."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from tests.harness import clean_env, free_port, run_completer
from tests.serve.harness import KINDS, ServeProcess
from tests.telemetry.metrics import counts, scrape, value

SECRET = "s3cret-for-the-metrics-test-0123456789"
ROUTE = "/v1/complete"


def _sequence(demo: Any, serve: ServeProcess) -> None:
    """3 ok, 1 already, 2 refused, 1 malformed, 1 unauthorized: all POST /v1/complete."""
    bearer = {"Authorization": f"Bearer {SECRET}"}
    pending = [demo.pending() for _ in range(3)]
    for handle, line in pending:
        job = {"tasktoken": line.token, "result": f"metrics {handle.id}"}
        assert serve.post(ROUTE, job, headers=bearer).status == 200
    handle, line = pending[0]
    repeat = serve.post(
        ROUTE, {"tasktoken": line.token, "result": f"metrics {handle.id}"}, headers=bearer
    )
    assert repeat.status == 200 and repeat.json().get("already") is True
    for _, line in pending[1:]:
        other = serve.post(ROUTE, {"tasktoken": line.token, "result": "another"}, headers=bearer)
        assert other.status == 409
    assert serve.post(ROUTE, b"[]", headers=bearer).status == 400
    assert serve.post(ROUTE, {"tasktoken": pending[0][1].token}).status == 401


def _serve(kind: str, demo: Any, tmp_path: Path) -> tuple[ServeProcess, int]:
    credentials = tmp_path / f"credentials-{kind}"
    credentials.write_text(f"metrics-test {SECRET}\n")
    port = free_port()
    serve = ServeProcess.start(
        kind,
        demo.server.address,
        tmp_path / f"serve-{kind}.log",
        "--auth-token-file",
        str(credentials),
        "--metrics-listen",
        f"127.0.0.1:{port}",
        env=clean_env(demo.server.address),
    )
    return serve, port


@pytest.mark.parametrize("kind", KINDS)
def test_serve_counts_each_request_exactly(kind: str, demo: Any, tmp_path: Path) -> None:
    serve, port = _serve(kind, demo, tmp_path)
    try:
        _sequence(demo, serve)
        samples = scrape(port)
        sdk = scrape(port, prefix="temporal_request")
    finally:
        serve.stop()
    requests = "completer_http_requests_total"
    assert counts(samples, requests) == {
        (("method", "POST"), ("outcome", outcome), ("route", ROUTE), ("status", status)): n
        for status, outcome, n in (
            ("200", "ok", 4.0),
            ("409", "refused", 2.0),
            ("400", "malformed", 1.0),
            ("401", "unauthorized", 1.0),
        )
    }
    assert counts(samples, "completer_jobs_total") == {
        (("outcome", outcome), ("verb", "complete")): n
        for outcome, n in (("ok", 3.0), ("already", 1.0), ("refused", 2.0), ("malformed", 1.0))
    }
    duration = "completer_http_request_duration_seconds"
    assert value(samples, f"{duration}_count", route=ROUTE) == 8
    assert value(samples, f"{duration}_bucket", route=ROUTE, le="inf") == 8
    assert counts(samples, "completer_temporal_requests_total") == {
        (("operation", "complete"), ("result", "OK")): 3.0,
        (("operation", "complete"), ("result", "NOT_FOUND")): 3.0,
        (("operation", "history"), ("result", "OK")): 3.0,
    }
    assert (
        value(samples, "completer_temporal_request_duration_seconds_count", operation="complete")
        == 6
    )
    assert value(samples, "completer_http_requests_in_flight") == 0
    assert value(samples, "completer_temporal_up") == 1
    assert counts(samples, "completer_links_total") == {}
    # The SDK's own client metrics, beside them: its request count and latency.
    assert sum(counts(sdk, "temporal_request_total").values()) >= 6
    assert sum(counts(sdk, "temporal_request_latency_seconds_count").values()) >= 6


def test_both_languages_expose_the_same_series(demo: Any, tmp_path: Path) -> None:
    """The same sequence gives the same series (names, labels, buckets) and the same counts
    in both languages; only the durations differ."""
    seen = {}
    for kind in KINDS:
        serve, port = _serve(kind, demo, tmp_path)
        try:
            _sequence(demo, serve)
            seen[kind] = scrape(port)
        finally:
            serve.stop()
    python, go = seen["python"], seen["go"]
    assert sorted(python) == sorted(go)
    timed = ("_seconds_sum", "_seconds_bucket")
    for sample, number in python.items():
        if not sample[0].endswith(timed):
            assert go[sample] == number, sample


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_metrics_address_refuses_to_start(kind: str, demo: Any) -> None:
    bad = run_completer(kind, ["serve", "--metrics-listen", "nonsense"], demo.server.address)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == (
        'error: --metrics-listen "nonsense" is not HOST:PORT: use for example 127.0.0.1:8080\n'
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        busy = run_completer(
            kind,
            ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", address],
            demo.server.address,
        )
    assert busy.returncode == 2
    assert busy.stderr == f"error: cannot listen on {address}: address already in use\n"
