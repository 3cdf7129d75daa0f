"""docs/grafana-dashboard.json: a Grafana dashboard whose every query names only metrics that
docs/completer-http.md ("Seeing it run") documents, and that shows what the issue asks:
requests by outcome, latency percentiles, Temporal's latency, requests in flight."""

from __future__ import annotations

import json
import re

from tests.harness import ROOT

DASHBOARD = ROOT / "docs" / "grafana-dashboard.json"
DOC = ROOT / "docs" / "completer-http.md"
METRIC = re.compile(r"\b((?:completer|temporal|async_worker)_[a-z_]+)")
SUFFIXES = ("_bucket", "_count", "_sum")


def _documented() -> set[str]:
    section = DOC.read_text().split("## Seeing it run", 1)[1]
    return set(re.findall(r"`((?:completer|temporal|async_worker)_[a-z_]+)", section))


def _base(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith("_seconds" + suffix):
            return name.removesuffix(suffix)
    return name


def test_every_query_names_documented_metrics() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    documented = _documented()
    queried = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            queried |= {_base(n) for n in METRIC.findall(target["expr"])}
    assert queried, "no query names a metric"
    assert queried <= documented, queried - documented


def test_it_shows_what_an_operator_asks() -> None:
    exprs = " ".join(
        t["expr"] for p in json.loads(DASHBOARD.read_text())["panels"] for t in p["targets"]
    )
    assert "sum by (outcome) (rate(completer_http_requests_total" in exprs
    for q in ("0.5", "0.95", "0.99"):
        assert f"histogram_quantile({q}, sum by (le) (rate(completer_http_request_duration" in exprs
    assert "completer_temporal_request_duration_seconds_bucket" in exprs
    assert "completer_http_requests_in_flight" in exprs
