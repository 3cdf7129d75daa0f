"""--batch --metrics-file FILE: a batch's counters in the Prometheus text format, for a node
exporter's textfile collector (Go: internal/telemetry/textfile.go). The file is written once,
at the end, whole (a temporary file renamed over it): a collector never reads half of it."""

from __future__ import annotations

from collections.abc import Mapping

from async_completer import lines
from async_completer.telemetry.hooks import STATE


def start_batch_metrics() -> None:
    """Turns the metrics on for a batch: its jobs, and its requests to Temporal."""
    from async_completer.telemetry.metrics import Metrics

    STATE.metrics = Metrics(http=False)


def write_batch_metrics(path: str, verb: str, counts: Mapping[int, int], already: int) -> None:
    """Counts the batch's jobs by outcome (counts: exit code -> jobs; already: the jobs
    answered as already done, among counts[0]) and writes every counter to path. Raises
    OSError when the file cannot be written."""
    from prometheus_client import write_to_textfile

    metrics = STATE.metrics
    assert metrics is not None
    for code, number in counts.items():
        done = number - already if code == 0 else number
        if done:
            metrics.jobs.labels(verb, lines.outcome_of(code)).inc(done)
    if already:
        metrics.jobs.labels(verb, "already").inc(already)
    write_to_textfile(path, metrics.registry)
