"""Seeing the Worker run: its metrics and its Activity span.

Metrics are the SDK's own (task slots, polls, Activity executions), served by the SDK's
Prometheus exporter on --metrics-listen, plus the announcements sent and failed, counted on
the SDK's metric meter so that they are served beside them.

Traces are on when the standard OTEL_* environment asks (as in the completers, whose
telemetry room sets them up). The Activity's span is the SDK's tracing interceptor's,
`RunActivity:Activity`: it names the Workflow's and the Activity's IDs as the completers'
spans do, so one search finds the attempt that waited and the completion that finished it.
(Asynchronous completion is no error to it: the SDK's complete-async signal is not an
Exception.) Never the token.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.worker import Interceptor

ANNOUNCEMENTS = "async_worker_announcements_total"


def count_announcement(sent: bool) -> None:
    """Counts one announcement, sent or failed, on the SDK's meter."""
    counter = activity.metric_meter().create_counter(
        ANNOUNCEMENTS, "Announcements of an attempt, by result: sent or failed."
    )
    counter.add(1, {"result": "sent" if sent else "failed"})


def interceptors() -> list[Interceptor]:
    """The SDK's tracing interceptor, when the OTEL_* environment turned traces on."""
    from async_completer.telemetry import STATE

    if STATE.tracer is None:
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor(STATE.tracer)]
