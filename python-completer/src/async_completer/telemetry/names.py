"""The names both languages share: metric names and buckets, span attribute names, and the
label values (Go: internal/telemetry/names.go). docs/completer-http.md, "Seeing it run",
says what each one means."""

from __future__ import annotations

import asyncio

from async_completer import lines

# Span attributes. The Activity's IDs are named as the SDKs' tracing interceptors name them,
# so that the Worker's Activity span and the completion's span share them.
WORKFLOW_ID = "temporalWorkflowID"
RUN_ID = "temporalRunID"
ACTIVITY_ID = "temporalActivityID"
ATTEMPT = "completer.attempt"
VERB = "completer.verb"
OUTCOME = "completer.outcome"

# Histogram buckets (seconds), the same in both languages: Prometheus' default buckets.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# The label of a request that matched no route, and of an answer with no outcome (a page).
NONE = "none"
LINK_ROUTE = "/a/{link}"
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"))
# The gRPC status codes by number, named as gRPC's own documentation names them.
_CODES = (
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)
# The results after which Temporal did not answer (completer_temporal_up 0).
DOWN = frozenset(("UNAVAILABLE", "DEADLINE_EXCEEDED", "UNKNOWN"))
# The outcomes of a job's answer (a job route's request that passed the guards).
JOB_OUTCOMES = frozenset((*lines.OUTCOMES.values(), "error", "cancel_requested"))


def result_of(err: BaseException | None) -> str:
    """A Temporal request's result: OK, or the name of its gRPC status code."""
    if err is None:
        return "OK"
    # A contract failure made from what the request raised (`raise ... from err`): the
    # request's own error is its cause.
    while getattr(err, "status", None) is None and err.__cause__ is not None:
        err = err.__cause__
    status = getattr(err, "status", None)  # temporalio.service.RPCError
    if isinstance(status, int) and 0 <= status < len(_CODES):
        return _CODES[status]
    if isinstance(err, TimeoutError):
        return "DEADLINE_EXCEEDED"
    if isinstance(err, asyncio.CancelledError):
        return "CANCELLED"
    return "UNKNOWN"


def job_outcome(code: int, already: bool) -> str:
    """A job's outcome: the answer's, or `already` for a repeat answered as done."""
    return "already" if already and code == 0 else lines.outcome_of(code)


def route_label(route: str | None) -> str:
    """The route a request matched; a link's route, never the link (a credential)."""
    if not route:
        return NONE
    return LINK_ROUTE if route.startswith("/a/") else route


def method_label(method: str) -> str:
    """The method, or `other`: a caller must not grow the label set."""
    return method if method in _METHODS else "other"


# The result of a link request by its status (docs/completer-http.md, "Signed links").
LINK_RESULTS = {403: "invalid", 410: "expired", 409: "refused", 503: "unreachable", 500: "failed"}


def link_result(method: str, status: int) -> str:
    """acted (a POST answered 200), shown (a GET or HEAD answered 200), or what refused."""
    if status == 200:
        return "acted" if method == "POST" else "shown"
    return LINK_RESULTS.get(status, "failed")
