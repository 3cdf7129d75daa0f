"""The telemetry room's labels and switches (Go: internal/telemetry/names_test.go)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest
from async_completer.lines.errors import ServerRefused
from async_completer.model import Target
from async_completer.telemetry import REQUEST_SPAN, STATE, job_span, set_outcome, temporal_call
from async_completer.telemetry.deferred import DeferredExporter
from async_completer.telemetry.names import (
    LINK_ROUTE,
    NONE,
    job_outcome,
    link_result,
    method_label,
    result_of,
    route_label,
)
from async_completer.telemetry.traces import wanted
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.service import RPCError, RPCStatusCode


def test_result_of() -> None:
    assert result_of(None) == "OK"
    assert result_of(RPCError("gone", RPCStatusCode.NOT_FOUND, b"")) == "NOT_FOUND"
    try:
        raise ServerRefused("refused") from RPCError("bad", RPCStatusCode.INVALID_ARGUMENT, b"")
    except ServerRefused as err:
        assert result_of(err) == "INVALID_ARGUMENT"  # the request's own error, its cause
    assert result_of(TimeoutError()) == "DEADLINE_EXCEEDED"
    assert result_of(asyncio.CancelledError()) == "CANCELLED"
    assert result_of(ValueError("else")) == "UNKNOWN"


def test_labels() -> None:
    assert route_label("/a/v1.abcdef…") == LINK_ROUTE  # never the link: a credential
    assert route_label(None) == NONE and route_label("/v1/complete") == "/v1/complete"
    assert method_label("BREW") == "other" and method_label("POST") == "POST"
    assert [link_result("GET", s) for s in (200, 403, 410, 409, 503, 500)] == [
        *("shown", "invalid", "expired", "refused", "unreachable", "failed")
    ]
    assert link_result("POST", 200) == "acted"
    assert job_outcome(0, True) == "already" and job_outcome(3, False) == "refused"


@pytest.mark.parametrize(
    ("env", "on"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
        ({"OTEL_TRACES_EXPORTER": "console"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
    ],
)
def test_traces_are_off_unless_the_environment_asks(env: dict[str, str], on: bool) -> None:
    assert wanted(env) is on


def test_the_exporter_is_made_at_the_first_export_not_before() -> None:
    """Making the OTLP exporter imports requests and urllib3 (50 to 70 ms): a program that
    turns traces on does not pay for it before its first job (telemetry/deferred.py)."""
    script = (
        "import sys\n"
        "from async_completer.telemetry import STATE\n"
        "from async_completer.telemetry.traces import make_exporter, start\n"
        "start('t', {'OTEL_EXPORTER_OTLP_ENDPOINT': 'http://127.0.0.1:9'})\n"
        "assert STATE.tracer is not None\n"
        "print(sorted(m for m in ('requests', 'urllib3') if m in sys.modules))\n"
        "make_exporter()\n"  # serve's, before it listens
        "print(sorted(m for m in ('requests', 'urllib3') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    made = "['requests', 'urllib3']\n"
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n" + made, "")


def test_a_deferred_exporter_makes_its_exporter_once_and_passes_the_spans_on() -> None:
    made: list[list[Any]] = []

    class Kept(SpanExporter):
        def __init__(self) -> None:
            self.spans: list[Any] = []
            made.append(self.spans)

        def export(self, spans: Sequence[Any]) -> SpanExportResult:
            self.spans.extend(spans)
            return SpanExportResult.SUCCESS

    deferred = DeferredExporter(Kept)
    assert made == [] and deferred.force_flush() is True
    deferred.shutdown()  # nothing made: nothing to shut down
    assert deferred.export(["a"]) == SpanExportResult.SUCCESS  # type: ignore[list-item]
    assert deferred.export(["b"]) == SpanExportResult.SUCCESS  # type: ignore[list-item]
    assert made == [["a", "b"]]


def test_an_exporter_that_cannot_be_made_fails_its_exports_and_raises_nothing() -> None:
    def refused() -> SpanExporter:
        raise ValueError("OTEL_EXPORTER_OTLP_TIMEOUT is not a number")

    deferred = DeferredExporter(refused)
    assert deferred.export([]) == SpanExportResult.FAILURE
    assert deferred.export([]) == SpanExportResult.FAILURE


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> InMemorySpanExporter:
    """Traces on for one test, the spans kept in memory."""
    kept = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(kept))
    monkeypatch.setattr(STATE, "tracer", provider.get_tracer("test"))
    return kept


TARGET = Target(task_token=None, workflow_id="wf", activity_id="1", run_id="r", attempt=2)


def test_a_job_outside_a_request_has_a_span_of_its_own(recorded: InMemorySpanExporter) -> None:
    with job_span("complete", TARGET) as span:
        set_outcome(span, "ok")
    (ended,) = recorded.get_finished_spans()
    assert ended.name == "completer.complete" and ended.attributes is not None
    assert dict(ended.attributes) == {
        **{"completer.verb": "complete", "temporalWorkflowID": "wf"},
        **{"temporalActivityID": "1", "temporalRunID": "r", "completer.attempt": 2},
        "completer.outcome": "ok",
    }


def test_a_job_in_a_request_is_traced_on_the_requests_span(
    recorded: InMemorySpanExporter,
) -> None:
    with STATE.tracer.start_as_current_span("POST") as request:
        answering = REQUEST_SPAN.set(request)
        try:
            with job_span("complete", TARGET), temporal_call("history", traced=True):
                pass
            assert [s.name for s in recorded.get_finished_spans()] == ["completer.history"]
        finally:
            REQUEST_SPAN.reset(answering)
    history, ended = recorded.get_finished_spans()
    assert ended.name == "POST" and ended.attributes is not None
    assert {k: ended.attributes[k] for k in ("completer.verb", "temporalWorkflowID")} == {
        "completer.verb": "complete",
        "temporalWorkflowID": "wf",
    }
    assert history.parent is not None and history.parent.span_id == ended.context.span_id
