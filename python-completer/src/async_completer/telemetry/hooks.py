"""The hooks the other rooms call: a Temporal request (its count, its duration, a child
span where the contract asks for one) and a job's span (Go: internal/telemetry/hooks.go).
Cheap when off: STATE holds None for what is not turned on."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from async_completer.model import Job, Outcome, Target
from async_completer.telemetry.names import (
    ACTIVITY_ID,
    ATTEMPT,
    OUTCOME,
    RUN_ID,
    VERB,
    WORKFLOW_ID,
    job_outcome,
    result_of,
)


@dataclass
class _State:
    """What is turned on: metrics (telemetry.metrics.Metrics), tracer (an OpenTelemetry
    Tracer, telemetry.traces). None: off."""

    metrics: Any = None
    tracer: Any = None
    provider: Any = None  # the TracerProvider, flushed at the end
    exporter: Any = None  # its telemetry.deferred.DeferredExporter
    sdk: Any = None  # telemetry.sdk_metrics.SdkMetrics: the SDK's client metrics (serve)


STATE = _State()

# The span of the serve request being answered, if any. A job answered in a request is
# traced on the request's own span, not on a child of it: one span per request. (A span
# costs a Python serve about 0.2 ms of CPU once exported: bench/README.md, telemetry.)
REQUEST_SPAN: ContextVar[Any] = ContextVar("completer_request_span", default=None)


class temporal_call:
    """`with temporal_call("history"):` around one request to Temporal: counted by its
    operation and result (the gRPC status code's name), timed, and with traced=True a
    child span `completer.OPERATION` of the span now current."""

    __slots__ = ("_began", "_operation", "_span")

    def __init__(self, operation: str, traced: bool = False) -> None:
        self._operation = operation
        self._began = 0.0
        self._span: Any = None
        if traced and STATE.tracer is not None:
            self._span = STATE.tracer.start_as_current_span(f"completer.{operation}")

    def __enter__(self) -> temporal_call:
        if self._span is not None:
            self._span.__enter__()
        self._began = time.perf_counter()
        return self

    def __exit__(self, kind: Any, err: BaseException | None, tb: Any) -> None:
        metrics = STATE.metrics
        if metrics is not None:
            metrics.temporal(self._operation, result_of(err), time.perf_counter() - self._began)
        if self._span is not None:
            self._span.__exit__(kind, err, tb)


T = TypeVar("T")
SendOn = Callable[..., Awaitable[Outcome]]


def traced_job(send_on: SendOn) -> SendOn:
    """Decorates send_on(client, server, verb, job, ...): one span per job (job_span) with
    the Activity's IDs, the attempt, the verb and the outcome. Never the token, the
    result, a reason or details."""

    @functools.wraps(send_on)
    async def traced(
        client: Any, server: Any, verb: str, job: Job, *args: Any, **kw: Any
    ) -> Outcome:
        if STATE.tracer is None:
            return await send_on(client, server, verb, job, *args, **kw)
        with job_span(verb, job.target) as span:
            outcome = await send_on(client, server, verb, job, *args, **kw)
            span.set_attribute(OUTCOME, job_outcome(outcome.code, outcome.already))
            return outcome

    return traced


@contextlib.contextmanager
def job_span(verb: str, target: Target) -> Iterator[Any]:
    """The span of one job on target: in a serve request, the request's span (REQUEST_SPAN)
    given the job's attributes; else a span `completer.VERB`, child of the span now current
    (none on the command line). A failure's outcome is named on it (a success's, by the
    caller; a request's, by serve when it answers). None when traces are off."""
    tracer = STATE.tracer
    if tracer is None:
        yield None
        return
    attributes: dict[str, Any] = {
        VERB: verb,
        WORKFLOW_ID: target.workflow_id,
        ACTIVITY_ID: target.activity_id,
    }
    if target.run_id:
        attributes[RUN_ID] = target.run_id
    if target.attempt is not None:
        attributes[ATTEMPT] = target.attempt
    request = REQUEST_SPAN.get()
    if request is not None:
        request.set_attributes(attributes)
        yield request
        return
    with tracer.start_as_current_span(
        f"completer.{verb}", attributes=attributes, record_exception=False
    ) as span:
        try:
            yield span
        except (Exception, asyncio.CancelledError) as err:
            span.set_attribute(OUTCOME, job_outcome(getattr(err, "exit_code", 1), False))
            raise


def set_outcome(span: Any, outcome: str) -> None:
    """Names the outcome on a span (serve's request span)."""
    if span is not None:
        span.set_attribute(OUTCOME, outcome)
