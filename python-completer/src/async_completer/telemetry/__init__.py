"""Seeing it run: Prometheus metrics and OpenTelemetry traces, the same names in both
languages (docs/completer-http.md, "Seeing it run"; Go: internal/telemetry).

Both are off until a program turns them on (serve --metrics-listen, --batch --metrics-file,
the standard OTEL_* environment). This module imports neither library: the hooks in the
other rooms (temporal_call, traced_job) cost one test of STATE when both are off, and a
verb that turns nothing on never pays for the imports. No label and no span attribute
ever holds a token, a result, a reason or a secret: only IDs, names and counts.
"""

from __future__ import annotations

from async_completer.telemetry.hooks import (
    REQUEST_SPAN,
    STATE,
    job_span,
    set_outcome,
    temporal_call,
    traced_job,
)

__all__ = ["REQUEST_SPAN", "STATE", "job_span", "set_outcome", "temporal_call", "traced_job"]
