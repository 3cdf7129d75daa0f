"""Traces with OpenTelemetry, turned on by the standard OTEL_* environment and nothing else
(Go: internal/telemetry/traces.go): OTLP over HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT
or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, service OTEL_SERVICE_NAME (default: the program's
name). OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true keeps them off whatever else is
set; another exporter than otlp is not offered, so it keeps them off too. The OpenTelemetry
SDK is imported only when traces are on."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

from async_completer.telemetry.hooks import STATE

ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
# How long the end of a program waits for its last spans to leave.
FLUSH_MILLIS = 5000


def wanted(env: Mapping[str, str]) -> bool:
    """Whether the environment turns traces on."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter == "otlp"
    return any(env.get(name, "").strip() for name in ENDPOINTS)


def start(program: str, env: Mapping[str, str] = os.environ) -> None:
    """Turns traces on for this process when the environment asks for them."""
    if STATE.tracer is not None or not wanted(env):
        return
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from async_completer.telemetry.deferred import DeferredExporter

    name = env.get("OTEL_SERVICE_NAME", "").strip() or program
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    STATE.exporter = DeferredExporter(_otlp_exporter)
    provider.add_span_processor(BatchSpanProcessor(STATE.exporter))
    STATE.provider = provider
    STATE.tracer = provider.get_tracer("async_completer")


def _otlp_exporter() -> Any:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def make_exporter() -> None:
    """Makes the exporter now rather than at the first export: serve, before it listens,
    so that no request waits on the import (a short-lived command leaves it deferred)."""
    if STATE.exporter is not None:
        STATE.exporter.make()


def finish() -> None:
    """Sends the spans still waiting, for at most FLUSH_MILLIS, and turns traces off. No
    shutdown: it would wait for an export that hangs as long as the exporter's own timeout,
    and the program leaves with os._exit right after."""
    provider, STATE.provider, STATE.tracer, STATE.exporter = STATE.provider, None, None, None
    if provider is not None:
        with contextlib.suppress(Exception):
            provider.force_flush(FLUSH_MILLIS)


@contextlib.contextmanager
def traced(program: str) -> Iterator[None]:
    """Traces on (when the environment asks) for the body, flushed at its end."""
    # A configuration the SDK refuses: no traces, and the program goes on.
    with contextlib.suppress(Exception):
        start(program)
    try:
        yield
    finally:
        finish()


def server_span(headers: Mapping[str, str], method: str) -> Any:
    """A SERVER span for one HTTP request, child of its `traceparent` when it has one
    (OTEL_PROPAGATORS chooses the propagators: W3C trace context by default)."""
    from opentelemetry.propagate import extract
    from opentelemetry.trace import SpanKind

    return STATE.tracer.start_as_current_span(
        method, context=extract(headers), kind=SpanKind.SERVER, record_exception=False
    )
