"""The Worker's side (docs/completer-http.md, "Seeing it run"): --metrics-listen serves the
SDK's worker metrics and the announcements sent and failed; with the OTEL_* environment its
Activity span carries the Workflow's and the Activity's IDs that the completion's span
carries too, and no exported byte holds the token."""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from async_worker.shared import WORKFLOW_TYPE, ActivitySettings
from prometheus_client.parser import text_string_to_metric_families

from tests.harness import (
    VENV_BIN,
    clean_env,
    free_port,
    run_completer,
    stop_process,
    unique_id,
    wait_until,
)
from tests.python_worker.receiver import receiver
from tests.telemetry.otlp import receiver as otlp_receiver


def _metrics(port: int) -> dict[str, list[Any]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as answer:
        text = answer.read().decode()
    found: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found.setdefault(s.name, []).append(s)
    return found


def test_worker_metrics_and_activity_span(
    dev_server: Any, loop: Any, client: Any, tmp_path: Path
) -> None:
    key_file = tmp_path / "link.key"
    key_file.write_text("a0b1c2d3e4f5" * 6 + "\n")
    key_file.chmod(0o600)
    task_queue, port = unique_id("tq"), free_port()
    with receiver((500, 200)) as hook, otlp_receiver() as otlp:
        env = clean_env(
            dev_server.address,
            OTEL_EXPORTER_OTLP_ENDPOINT=otlp.endpoint,
            OTEL_SERVICE_NAME="worker-test",
        )
        args = [
            *(str(VENV_BIN / "python-worker"), "--task-queue", task_queue),
            *("--metrics-listen", f"127.0.0.1:{port}", "--announce-url", hook.url),
            *("--link-base-url", "http://127.0.0.1:9", "--link-key-file", str(key_file)),
        ]
        log = tmp_path / "worker.log"
        with log.open("wb") as out, log.with_suffix(".err").open("wb") as err:
            process = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        try:
            wait_until(lambda: "Worker started" in log.read_text(), 60, f"the Worker ({log})")
            handle = loop.run(
                client.start_workflow(
                    WORKFLOW_TYPE,
                    args=["metrics", ActivitySettings()],
                    id=unique_id("wf"),
                    task_queue=task_queue,
                    result_type=str,
                )
            )
            wait_until(lambda: len(hook.received) >= 2 or None, 60, "two announcements")
            token = wait_until(
                lambda: next(
                    (
                        line.rsplit("taskToken=", 1)[1]
                        for line in log.read_text().splitlines()
                        if f"workflow_id={handle.id} " in line and " attempt=2 " in line
                    ),
                    None,
                ),
                30,
                "the second attempt's token",
            )
            metrics = _metrics(port)
            announced = {
                s.labels["result"]: s.value for s in metrics["async_worker_announcements_total"]
            }
            assert announced == {"failed": 1, "sent": 1}
            assert any(name.startswith("temporal_") for name in metrics), sorted(metrics)
            done = run_completer(
                "go",
                ["complete", "--tasktoken", token, "--result", "secret result text"],
                dev_server.address,
                env=env,
            )
            assert done.returncode == 0, done.stderr
            assert loop.run(handle.result(), 30) == "secret result text"
        finally:
            stop_process(process)
        spans = otlp.spans()
        raw = otlp.raw()
    activity = [s for s in spans if s.name == "RunActivity:Activity"]
    assert len(activity) == 2, spans
    completion = [s for s in spans if s.name == "completer.complete"]
    assert len(completion) == 1, spans
    for span in [*activity, *completion]:
        assert span.attributes["temporalWorkflowID"] == handle.id
        assert span.attributes["temporalActivityID"] == "1"
    assert token.encode() not in raw and bytes.fromhex(token) not in raw
    assert b"secret result text" not in raw
