"""--batch --metrics-file FILE: at the end of a batch its counters are in FILE, in the
Prometheus text format, the same in both languages (docs/completer-cli.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.harness import run_completer
from tests.serve.harness import KINDS


def _samples(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(path.read_text()):
        for s in family.samples:
            labels = dict(s.labels)
            if "le" in labels:
                labels["le"] = repr(float(labels["le"]))
            found[(s.name, tuple(sorted(labels.items())))] = s.value
    return found


def _batch(kind: str, demo: Any, tmp_path: Path) -> tuple[Any, dict[Any, float]]:
    """2 ok, 1 already, 1 refused, 1 malformed."""
    (_, one), (_, two) = demo.pending(), demo.pending()
    done = run_completer(
        kind, ["complete", "--tasktoken", one.token, "--result", "a"], demo.server.address
    )
    assert done.returncode == 0, done.stderr
    (_, three) = demo.pending()
    jobs = [
        json.dumps({"tasktoken": two.token, "result": "b"}),
        json.dumps({"tasktoken": three.token, "result": "c"}),
        json.dumps({"tasktoken": one.token, "result": "a"}),  # repeats the first: already
        json.dumps({"tasktoken": one.token, "result": "other"}),  # refused
        "not hex",
    ]
    metrics = tmp_path / f"batch-{kind}.prom"
    run = run_completer(
        kind,
        ["complete", "--batch", "-", "--concurrency", "1", "--metrics-file", str(metrics)],
        demo.server.address,
        stdin="\n".join(jobs) + "\n",
    )
    assert run.returncode == 3, run.stderr
    return run, _samples(metrics)


def test_batch_writes_its_counters(demo: Any, tmp_path: Path) -> None:
    seen = {}
    for kind in KINDS:
        _, samples = _batch(kind, demo, tmp_path)
        jobs = {k: v for k, v in samples.items() if k[0] == "completer_jobs_total"}
        assert jobs == {
            ("completer_jobs_total", (("outcome", outcome), ("verb", "complete"))): n
            for outcome, n in (("ok", 2.0), ("already", 1.0), ("refused", 1.0), ("malformed", 1.0))
        }, kind
        temporal = "completer_temporal_requests_total"
        assert samples[(temporal, (("operation", "complete"), ("result", "OK")))] == 2
        assert samples[(temporal, (("operation", "complete"), ("result", "NOT_FOUND")))] == 2
        assert not any(name.startswith("completer_http_") for name, _ in samples), kind
        seen[kind] = samples
    assert sorted(seen["python"]) == sorted(seen["go"])


@pytest.mark.parametrize("kind", KINDS)
def test_metrics_file_needs_batch(kind: str, demo: Any, tmp_path: Path) -> None:
    run = run_completer(
        kind,
        ["complete", "--tasktoken", "0a", "--metrics-file", str(tmp_path / "m.prom")],
        demo.server.address,
    )
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        "error: --metrics-file goes with --batch: it counts the jobs of a batch\n"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_metrics_file_that_cannot_be_written(kind: str, demo: Any, tmp_path: Path) -> None:
    (_, line) = demo.pending()
    path = tmp_path / "no such folder" / "m.prom"
    run = run_completer(
        kind,
        ["complete", "--batch", "-", "--metrics-file", str(path)],
        demo.server.address,
        stdin=line.token + "\n",
    )
    assert run.returncode == 1
    assert run.stderr == (
        f"error: cannot write the metrics file {path}: no such file or directory "
        "(the jobs were sent)\n"
    ), kind
