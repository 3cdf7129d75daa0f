"""The OTLP exporter, made when the first spans leave instead of when traces are turned on
(Go has no such cost: telemetry/traces.go makes its exporter at once).

Making OTLPSpanExporter imports the HTTP stack under it (requests, urllib3): 50 to 70 ms on
the 2-core machine, which a `--batch` of 1,000 jobs (about 2 s) would otherwise spend before
its first job. Made on the batch processor's thread at its first export, that import runs
while the program waits on Temporal. A program that ends before its first export makes it in
its final flush, as before. serve makes it before it listens (traces.make_exporter): no
request of a long-running server waits on the import."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult


class DeferredExporter(SpanExporter):
    """A SpanExporter that makes the real one with make() on its first export. If make()
    raises (a configuration the exporter refuses), every export fails and the program goes
    on, as it does when traces cannot be turned on."""

    def __init__(self, make: Callable[[], SpanExporter]) -> None:
        self._make: Callable[[], SpanExporter] | None = make
        self._exporter: SpanExporter | None = None
        self._lock = threading.Lock()

    def make(self) -> None:
        """Makes the real exporter now, if it is not made yet."""
        self._made()

    def _made(self) -> SpanExporter | None:
        with self._lock:
            if self._make is not None:
                make, self._make = self._make, None
                try:
                    self._exporter = make()
                except Exception:
                    self._exporter = None
            return self._exporter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        exporter = self._made()
        return SpanExportResult.FAILURE if exporter is None else exporter.export(spans)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        exporter = self._exporter
        return True if exporter is None else exporter.force_flush(timeout_millis)

    def shutdown(self) -> None:
        exporter = self._exporter
        if exporter is not None:
            exporter.shutdown()
