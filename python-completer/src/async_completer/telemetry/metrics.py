"""The metrics, from prometheus_client, in a registry of their own (Go:
internal/telemetry/metrics.go). Each label set's child is made once and kept: a request
looks its children up in a dict, it does not build a label dict."""

from __future__ import annotations

from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)

from async_completer.telemetry.names import (
    BUCKETS,
    DOWN,
    JOB_OUTCOMES,
    LINK_ROUTE,
    link_result,
    method_label,
    route_label,
)

_LINK_METHODS = frozenset(("GET", "HEAD", "POST"))


class Metrics:
    """completer_* metrics (docs/completer-http.md, "Seeing it run")."""

    def __init__(self, registry: CollectorRegistry | None = None, *, http: bool = True) -> None:
        """http=False leaves the HTTP metrics out (a batch's metrics file)."""
        # No *_created series: Go's client has none, and both expose the same series.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        # The HTTP metrics of a batch: made, never registered, so never written.
        h = r if http else None
        self.requests = Counter(
            "completer_http_requests",
            "HTTP requests answered, by route, method, status and outcome.",
            ("route", "method", "status", "outcome"),
            registry=h,
        )
        self.request_seconds = Histogram(
            "completer_http_request_duration_seconds",
            "Time from a request's headers to its answer, by route.",
            ("route",),
            buckets=BUCKETS,
            registry=h,
        )
        self.in_flight = Gauge(
            "completer_http_requests_in_flight", "HTTP requests being answered.", registry=h
        )
        self.jobs = Counter(
            "completer_jobs",
            "Jobs answered (serve's job routes, --batch lines), by verb and outcome; "
            "`already` is a repeat of what closed the Activity, answered as done.",
            ("verb", "outcome"),
            registry=r,
        )
        self.links = Counter(
            "completer_links",
            "Signed link requests by result: acted, shown, invalid, expired, refused, "
            "unreachable, failed.",
            ("result",),
            registry=r,
        )
        self.temporal_requests = Counter(
            "completer_temporal_requests",
            "Requests to Temporal, by operation and result (a gRPC status code's name).",
            ("operation", "result"),
            registry=r,
        )
        self.temporal_seconds = Histogram(
            "completer_temporal_request_duration_seconds",
            "Duration of the requests to Temporal, by operation.",
            ("operation",),
            buckets=BUCKETS,
            registry=r,
        )
        self.temporal_up = Gauge(
            "completer_temporal_up",
            "1 when the last request to Temporal was answered, 0 when it was not.",
            registry=r,
        )
        self._children: dict[tuple[Any, ...], Any] = {}

    def _child(self, metric: Any, *labels: str) -> Any:
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def request(
        self,
        route: str | None,
        method: str,
        status: int,
        outcome: str,
        already: bool,
        seconds: float,
    ) -> None:
        """One answered request: its counters and duration, its job or its link."""
        route = route_label(route)
        method = method_label(method)
        self._child(self.requests, route, method, str(status), outcome).inc()
        self._child(self.request_seconds, route).observe(seconds)
        if route.startswith("/v1/") and method == "POST" and outcome in JOB_OUTCOMES:
            verb = route.removeprefix("/v1/")
            self.job(verb, "already" if already and outcome == "ok" else outcome)
        elif route == LINK_ROUTE and method in _LINK_METHODS:
            self._child(self.links, link_result(method, status)).inc()

    def job(self, verb: str, outcome: str) -> None:
        self._child(self.jobs, verb, outcome).inc()

    def temporal(self, operation: str, result: str, seconds: float) -> None:
        self._child(self.temporal_requests, operation, result).inc()
        self._child(self.temporal_seconds, operation).observe(seconds)
        if result != "CANCELLED":
            self.temporal_up.set(0 if result in DOWN else 1)


def start_serve_metrics() -> Metrics:
    """Turns serve's metrics on, the SDK's client metrics beside them: the client made after
    this call records into them (connection.py's runtime)."""
    from async_completer.telemetry.hooks import STATE
    from async_completer.telemetry.sdk_metrics import SdkMetrics

    metrics = STATE.metrics = Metrics()
    STATE.sdk = SdkMetrics()
    metrics.registry.register(STATE.sdk)
    return metrics
