"""The words of metrics and traces (docs/completer-cli.md, "--batch --metrics-file"; Go:
internal/lines/telemetry.go)."""

from __future__ import annotations

METRICS_FILE_NEEDS_BATCH = "--metrics-file goes with --batch: it counts the jobs of a batch"


def metrics_file_failed(path: str, reason: str) -> str:
    return f"cannot write the metrics file {path}: {reason} (the jobs were sent)"
