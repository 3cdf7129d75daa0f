"""Traces (docs/completer-http.md, "Seeing it run"): with the standard OTEL_* environment
each completer sends a span per job to an OTLP/HTTP endpoint (here one the test runs): a
serve request's span is the child of the caller's `traceparent` and the span of the job it
answers (one span per request), with the Activity's IDs, attempt, verb and outcome; the
history read of a refusal and a listing's describes are children of theirs. No exported
byte holds a token, a result or a credential."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

import pytest

from tests.harness import clean_env, free_port, run_completer, wait_until
from tests.serve.harness import KINDS, ServeProcess
from tests.telemetry.otlp import Span, receiver

SECRET = "s3cret-for-the-traces-test-9876543210"
SERVER_KIND = 2  # SPAN_KIND_SERVER


def _otel_env(address: str, endpoint: str, service: str) -> dict[str, str]:
    return clean_env(
        address,
        OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
        OTEL_SERVICE_NAME=service,
        OTEL_TRACES_EXPORTER="otlp",
    )


def _one(spans: list[Span], **wanted: Any) -> Span:
    found = [s for s in spans if all(getattr(s, k) == v for k, v in wanted.items())]
    assert len(found) == 1, (wanted, spans)
    return found[0]


def _job_attributes(span: Span, line: Any, handle: Any, outcome: str) -> None:
    assert span.attributes["temporalWorkflowID"] == handle.id
    assert span.attributes["temporalActivityID"] == line.activity_id
    assert span.attributes["temporalRunID"] == line.run_id
    assert span.attributes["completer.attempt"] == line.attempt
    assert span.attributes["completer.verb"] == "complete"
    assert span.attributes["completer.outcome"] == outcome


@pytest.mark.parametrize("kind", KINDS)
def test_serve_and_cli_send_spans_without_secrets(kind: str, demo: Any, tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(f"traces-test {SECRET}\n")
    bearer = {"Authorization": f"Bearer {SECRET}"}
    (handle, line), (cli_handle, cli_line) = demo.pending(), demo.pending()
    result, other, cli_result = (f"result {secrets.token_hex(8)}" for _ in range(3))
    trace_id, parent_id = secrets.token_hex(16), secrets.token_hex(8)
    traceparent = {"traceparent": f"00-{trace_id}-{parent_id}-01"}
    with receiver() as got:
        env = _otel_env(demo.server.address, got.endpoint, f"serve-{kind}")
        serve = ServeProcess.start(
            kind,
            demo.server.address,
            tmp_path / "serve.log",
            "--auth-token-file",
            str(credentials),
            env=env,
        )
        try:
            job = {"tasktoken": line.token, "result": result}
            assert serve.post("/v1/complete", job, headers={**bearer, **traceparent}).status == 200
            refused = {"tasktoken": line.token, "result": other}
            assert serve.post("/v1/complete", refused, headers=bearer).status == 409
            pending = serve.get(
                f"/v1/pending?workflow_id={cli_handle.id}", {**bearer, **traceparent}
            )
            assert pending.status == 200
        finally:
            assert serve.stop() == 0
        done = run_completer(
            kind,
            ["complete", "--tasktoken", cli_line.token, "--result", cli_result],
            demo.server.address,
            env=_otel_env(demo.server.address, got.endpoint, f"cli-{kind}"),
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        wait_until(lambda: any(s.service == f"cli-{kind}" for s in got.spans()), 30, "CLI span")
        spans = got.spans()
        raw = got.raw()
    _check_serve_spans(spans, trace_id, parent_id, handle, line)
    cli = _one(spans, service=f"cli-{kind}")
    assert cli.name == "completer.complete" and cli.parent_span_id == ""
    _job_attributes(cli, cli_line, cli_handle, "ok")
    _check_no_secret(raw, [line.token, cli_line.token], [result, other, cli_result, SECRET])


def _check_serve_spans(
    spans: list[Span], trace_id: str, parent_id: str, handle: Any, line: Any
) -> None:
    request = _one(spans, name="POST /v1/complete", trace_id=trace_id)
    assert request.parent_span_id == parent_id and request.kind == SERVER_KIND
    assert request.attributes["http.response.status_code"] == 200
    # One span per request: the request's span is its job's, no child of its own.
    _job_attributes(request, line, handle, "ok")
    assert not [
        s for s in spans if s.service.startswith("serve-") and s.name == "completer.complete"
    ]
    # The refusal: a request of its own (no traceparent: a trace of its own), refused, and
    # the history read that said so its child.
    refused = _one(spans, name="POST /v1/complete", attributes=_with(spans, 409))
    _job_attributes(refused, line, handle, "refused")
    history = [s for s in spans if s.name == "completer.history" and s.trace_id == refused.trace_id]
    assert history and all(s.parent_span_id == refused.span_id for s in history)
    listing = _one(spans, name="GET /v1/pending", trace_id=trace_id)
    assert listing.parent_span_id == parent_id
    describes = [s for s in spans if s.name == "completer.describe"]
    assert describes and all(s.parent_span_id == listing.span_id for s in describes)
    # The listing's history reads (what each pending Activity asks) are the listing's.
    asked = [s for s in spans if s.name == "completer.history" and s.trace_id == trace_id]
    assert asked and all(s.parent_span_id == listing.span_id for s in asked)


def _with(spans: list[Span], status: int) -> dict[str, Any]:
    """The attributes of the one request span answered with status."""
    found = [s for s in spans if s.attributes.get("http.response.status_code") == status]
    assert len(found) == 1, spans
    return found[0].attributes


def _check_no_secret(raw: bytes, tokens: list[str], texts: list[str]) -> None:
    assert raw, "nothing was exported"
    for token in tokens:
        assert token.encode() not in raw and token.upper().encode() not in raw
        assert bytes.fromhex(token) not in raw
    for text in texts:
        assert text.encode() not in raw, text


@pytest.mark.parametrize("kind", KINDS)
def test_an_endpoint_that_does_not_answer_costs_little(kind: str, demo: Any) -> None:
    """Traces are no reason to fail: a completion with the endpoint down succeeds, says
    nothing more on standard error, and waits for the endpoint at most about 5 s."""
    _, line = demo.pending()
    closed = f"http://127.0.0.1:{free_port()}"
    began = time.monotonic()
    done = run_completer(
        kind,
        ["complete", "--tasktoken", line.token, "--result", "endpoint down"],
        demo.server.address,
        env=_otel_env(demo.server.address, closed, "down"),
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert time.monotonic() - began < 9
