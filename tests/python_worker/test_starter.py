"""The starter as a person runs it, and its main() with an injected client."""

from __future__ import annotations

import asyncio
import json
import subprocess
from typing import Any

from async_worker.starter import main, parse_args

from tests.conftest import Demo
from tests.harness import VENV_BIN, clean_env, free_port, unique_id


def start(address: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "python-starter"), *args],
        capture_output=True,
        text=True,
        env=clean_env(address),
        timeout=60,
    )


def test_starting_a_running_workflow_id_again_is_a_one_line_error(demo: Demo) -> None:
    workflow_id = unique_id("wf")
    first = start(demo.server.address, "--workflow-id", workflow_id, "--no-wait")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"Started Workflow: workflow_id={workflow_id} run_id=")

    second = start(demo.server.address, "--workflow-id", workflow_id, "--no-wait")
    assert second.returncode == 1
    assert second.stderr == (
        f'error: a Workflow with ID "{workflow_id}" is already running: pass another '
        "--workflow-id, or finish that one first (complete its Activity, or make cancel "
        f"WORKFLOW_ID={workflow_id})\n"
    )
    # Leave nothing pending for later tests to trip over.
    assert (
        demo.run("go", "complete", "--workflow-id", workflow_id, "--activity-id", "1").returncode
        == 0
    )


def test_main_waits_for_and_returns_the_result(demo: Demo, capsys: Any) -> None:
    workflow_id = unique_id("wf")
    args = parse_args(["--workflow-id", workflow_id, "--input", "hello"])

    async def start_and_complete() -> str | None:
        task = asyncio.create_task(main(args, demo.client))
        line = await asyncio.to_thread(demo.worker.wait_for_token, workflow_id)
        run = await asyncio.to_thread(
            demo.run, "python", "--tasktoken", line.token, "--result", "from the test"
        )
        assert run.returncode == 0, run.stderr
        return await task

    assert demo.loop.run(start_and_complete()) == "from the test"
    out = capsys.readouterr().out
    assert f"Started Workflow: workflow_id={workflow_id} run_id=" in out
    assert "Workflow result: from the test\n" in out


def test_summary_sets_the_activitys_summary(demo: Demo) -> None:
    workflow_id = unique_id("wf")
    args = ["--workflow-id", workflow_id, "--input", "invoice 9", "--no-wait"]
    started = start(demo.server.address, *args, "--summary", "Pay invoice 9 of 80 EUR")
    assert started.returncode == 0, started.stderr
    demo.worker.wait_for_token(workflow_id)
    listed = demo.run("go", "list", "--json", "--workflow-id", workflow_id)
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["input"], row["summary"]) == (["invoice 9"], "Pay invoice 9 of 80 EUR")
    done = demo.run("go", "complete", "--workflow-id", workflow_id, "--activity-id", "1")
    assert done.returncode == 0, done


def test_an_unreachable_server_is_one_line_that_says_what_to_do() -> None:
    address = f"127.0.0.1:{free_port()}"  # nothing listens here
    for program, code, prefix in [
        ("python-starter", 4, "error: "),
        ("python-worker", 1, "error: the Worker could not start: "),
    ]:
        run = subprocess.run(
            [str(VENV_BIN / program)],
            capture_output=True,
            text=True,
            env=clean_env(address),
            timeout=60,
        )
        assert run.returncode == code, run.stderr
        # The cause in words, not the SDK's `tonic::transport::Error(...)` dump.
        assert run.stderr == (
            f"{prefix}could not reach the Temporal server at {address}: start one with make "
            "server, or point TEMPORAL_ADDRESS or --address at yours "
            "(the connection was refused)\n"
        )


def test_a_failed_activity_is_shown_with_the_completers_reason_and_type(demo: Demo) -> None:
    workflow_id = unique_id("wf")
    starter = subprocess.Popen(
        [str(VENV_BIN / "python-starter"), "--workflow-id", workflow_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(demo.server.address),
    )
    demo.worker.wait_for_token(workflow_id)
    failed = demo.run(
        "go", "fail", "--workflow-id", workflow_id, "--activity-id", "1", "--reason", "Rejected"
    )
    assert failed.returncode == 0, failed.stderr
    out, err = starter.communicate(timeout=60)
    assert starter.returncode == 1, out + err
    assert err == (
        'error: the Workflow did not complete: its Activity "1" failed: Rejected '
        "(type GoCompleterFailure)\n"
    )
