"""Reading a /metrics page with the Prometheus client library's own text parser."""

from __future__ import annotations

import urllib.request

from prometheus_client.parser import text_string_to_metric_families

Sample = tuple[str, tuple[tuple[str, str], ...]]


def scrape(port: int, prefix: str = "completer_") -> dict[Sample, float]:
    """Every sample on the page whose name starts with prefix: (name, sorted labels) ->
    value. A bucket's `le` is read as a number, as Prometheus reads it: Go writes 1, Python
    1.0."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        text = response.read().decode()
    samples: dict[Sample, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name.startswith(prefix):
                labels = dict(s.labels)
                if "le" in labels:
                    labels["le"] = repr(float(labels["le"]))
                samples[(s.name, tuple(sorted(labels.items())))] = s.value
    return samples


def value(samples: dict[Sample, float], name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def counts(samples: dict[Sample, float], name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples of one metric, by labels."""
    return {labels: v for (n, labels), v in samples.items() if n == name}
