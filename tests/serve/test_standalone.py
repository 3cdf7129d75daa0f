"""`serve` and standalone Activities (started without a Workflow), on a real dev server,
both completers: GET /v1/pending lists them with `"workflow_id":null`, and a job with
`activity_id` alone finishes one (by token too); a repeat is answered as already done."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Demo
from tests.harness import DevServer, wait_until
from tests.parity.test_standalone import start_standalone, status
from tests.serve.harness import KINDS, ServeProcess, serving_all


@pytest.fixture(scope="module")
def servers(dev_server: DevServer, serve_logs: Path) -> Iterator[dict[str, ServeProcess]]:
    with serving_all(KINDS, dev_server.address, serve_logs, name="standalone") as started:
        yield started


def pending_rows(serve: ServeProcess, activity_id: str) -> list[dict[str, Any]]:
    answer = serve.get("/v1/pending")
    assert answer.status == 200, answer
    rows = [json.loads(text) for text in answer.body.decode().splitlines()]
    return [row for row in rows if row["activity_id"] == activity_id]


def test_pending_lists_a_standalone_activity_and_a_job_by_its_id_completes_it(
    demo: Demo, servers: dict[str, ServeProcess], kind: str
) -> None:
    activity_id, line = start_standalone(demo)
    serve = servers[kind]
    [row] = wait_until(lambda: pending_rows(serve, activity_id), 30, "the standalone row")
    assert (row["workflow_id"], row["run_id"], row["state"]) == (None, line.run_id, "started")
    desc = f'standalone Activity "{activity_id}"'
    job = {"workflow_id": None, "activity_id": activity_id, "result": f"by {kind} serve"}
    answer = serve.post("/v1/complete", job)
    assert (answer.status, answer.json()) == (
        200,
        {"outcome": "ok", "code": 0, "message": f"Completed {desc}"},
    )
    assert status(demo, activity_id) == "COMPLETED"
    again = serve.post("/v1/complete", job)
    assert again.status == 200 and again.json()["already"] is True, again
    other = serve.post("/v1/fail", {"activity_id": activity_id, "reason": "no"})
    assert other.status == 409, other
    assert other.json()["message"].startswith(f"{desc} is not pending any more: it was completed")


def test_a_job_by_token_finishes_a_standalone_activity(
    demo: Demo, servers: dict[str, ServeProcess], kind: str
) -> None:
    activity_id, line = start_standalone(demo)
    answer = servers[kind].post("/v1/heartbeat", {"tasktoken": line.token, "details": "50%"})
    assert answer.status == 200, answer
    assert answer.json()["message"] == (
        f'Recorded a heartbeat for standalone Activity "{activity_id}" (attempt 1)'
    )
    done = servers[kind].post("/v1/complete", {"tasktoken": line.token, "result": "ok"})
    assert done.status == 200, done
    assert status(demo, activity_id) == "COMPLETED"
