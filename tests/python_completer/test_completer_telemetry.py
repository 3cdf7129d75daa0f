"""The telemetry room's labels and switches (Go: internal/telemetry/names_test.go)."""

from __future__ import annotations

import asyncio

import pytest
from async_completer.lines.errors import ServerRefused
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
