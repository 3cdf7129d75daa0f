"""The SDK's own client metrics (its request counts and latencies, measured by the SDK's
core), exported beside the completer's on serve --metrics-listen (Go: the SDK's
client.MetricsHandler, telemetry/sdk_metrics.go).

The core writes them into a MetricBuffer; this collector drains it (each scrape, and every
DRAIN_SECONDS, so it never fills), keeps the sums, and serves them in prometheus_client's
registry under the core's names (a duration's with `_seconds`). Durations are in seconds,
in the completer's buckets."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import Any

from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from temporalio.runtime import (
    BUFFERED_METRIC_KIND_COUNTER,
    BUFFERED_METRIC_KIND_HISTOGRAM,
    MetricBuffer,
    MetricBufferDurationFormat,
)

from async_completer.telemetry.names import BUCKETS

BUFFER_SIZE = 100_000
DRAIN_SECONDS = 1.0

_Key = tuple[tuple[str, str], ...]


class _Series:
    """One metric's sums by label set."""

    def __init__(self, name: str, help: str, kind: int) -> None:
        self.name, self.help, self.kind = name, help, kind
        self.values: dict[_Key, Any] = {}

    def add(self, labels: _Key, value: float) -> None:
        if self.kind == BUFFERED_METRIC_KIND_COUNTER:
            self.values[labels] = self.values.get(labels, 0) + value
        elif self.kind == BUFFERED_METRIC_KIND_HISTOGRAM:
            counts, total = self.values.get(labels) or ([0] * (len(BUCKETS) + 1), 0.0)
            counts[bisect.bisect_left(BUCKETS, value)] += 1
            self.values[labels] = (counts, total + value)
        else:
            self.values[labels] = value

    def metric(self) -> Metric:
        if self.kind == BUFFERED_METRIC_KIND_COUNTER:
            metric = Metric(self.name, self.help, "counter")
            for labels, value in self.values.items():
                metric.add_sample(f"{self.name}_total", dict(labels), value)
        elif self.kind == BUFFERED_METRIC_KIND_HISTOGRAM:
            metric = Metric(self.name, self.help, "histogram")
            for labels, (counts, total) in self.values.items():
                running = 0
                for bound, count in zip((*BUCKETS, float("inf")), counts, strict=True):
                    running += count
                    le = "+Inf" if bound == float("inf") else repr(bound)
                    metric.add_sample(f"{self.name}_bucket", {**dict(labels), "le": le}, running)
                metric.add_sample(f"{self.name}_count", dict(labels), running)
                metric.add_sample(f"{self.name}_sum", dict(labels), total)
        else:
            metric = Metric(self.name, self.help, "gauge")
            for labels, value in self.values.items():
                metric.add_sample(self.name, dict(labels), value)
        return metric


class SdkMetrics(Collector):
    """A prometheus_client collector over the core's MetricBuffer."""

    def __init__(self) -> None:
        self.buffer = MetricBuffer(BUFFER_SIZE, MetricBufferDurationFormat.SECONDS)
        # By the id() of the core's metric and attribute objects, which the core reuses for
        # the same metric and label set; each kept beside, so that its id stays its own.
        self._series: dict[int, tuple[Any, _Series]] = {}
        self._labels: dict[int, tuple[Any, _Key]] = {}

    def drain(self) -> None:
        """Takes what the core recorded since the last drain. (Before the client's runtime
        exists there is nothing to take.)"""
        try:
            updates = self.buffer.retrieve_updates()
        except RuntimeError:
            return
        for update in updates:
            metric = update.metric
            known = self._series.get(id(metric))
            if known is None:
                name = metric.name.removesuffix("_total")
                if metric.kind == BUFFERED_METRIC_KIND_HISTOGRAM:
                    # Durations in seconds, named so, as Prometheus names them (and Go).
                    name = name.removesuffix("_seconds") + "_seconds"
                known = self._series[id(metric)] = (
                    metric,
                    _Series(name, metric.description or name, metric.kind),
                )
            attributes = update.attributes
            labels = self._labels.get(id(attributes))
            if labels is None:
                key = tuple(sorted((k, str(v)) for k, v in attributes.items()))
                labels = self._labels[id(attributes)] = (attributes, key)
            known[1].add(labels[1], update.value)

    def collect(self) -> Iterator[Metric]:
        self.drain()
        for _, series in self._series.values():
            yield series.metric()
