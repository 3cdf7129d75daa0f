"""Standalone Activities (started without a Workflow, `temporal activity start`) on a real dev
server, by both completers: every verb by token and by --activity-id alone, cross-checked
with `temporal activity describe`; a retried one's old token refused with "retried"; a
refusal that says what closed it and who, read from the Activity's own record; a batch that
mixes both kinds; and the `temporal` CLI as the third completer, both ways round."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import Demo
from tests.harness import TokenLine, unique_id, wait_until

KINDS = ("python", "go")
IDENTITY = {"python": "python-completer", "go": "go-completer"}


def start_standalone(demo: Demo, *extra: str) -> tuple[str, TokenLine]:
    """Starts a standalone Activity on the Worker's task queue; its ID and token line."""
    activity_id = unique_id("sa")
    demo.temporal(
        "activity", "start", "--activity-id", activity_id, "--type", "Activity",
        "--task-queue", "async", "--start-to-close-timeout", "5m", "--input", '"Plain text"',
        *extra,
    )  # fmt: skip
    return activity_id, demo.worker.wait_for_standalone_token(activity_id)


def describe(demo: Demo, activity_id: str) -> dict[str, Any]:
    described: dict[str, Any] = json.loads(
        demo.temporal("activity", "describe", "--activity-id", activity_id, "-o", "json")
    )
    return described


def status(demo: Demo, activity_id: str) -> str:
    info: dict[str, Any] = describe(demo, activity_id)["info"]
    return str(info["status"]).removeprefix("ACTIVITY_EXECUTION_STATUS_")


def start_by(demo: Demo, how: str) -> tuple[str, list[str], str]:
    """Starts a standalone Activity; its ID, and its target options and DESC by token or by
    its ID."""
    activity_id, line = start_standalone(demo)
    if how == "token":
        target = ["--tasktoken", line.token]
        return activity_id, target, f'standalone Activity "{activity_id}" (attempt 1)'
    return activity_id, ["--activity-id", activity_id], f'standalone Activity "{activity_id}"'


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", ["token", "id"])
def test_complete_and_heartbeat_a_standalone_activity(demo: Demo, kind: str, how: str) -> None:
    activity_id, target, desc = start_by(demo, how)
    beat = demo.run(kind, "heartbeat", *target, "--details", "half way")
    assert (beat.returncode, beat.stdout) == (0, f"Recorded a heartbeat for {desc}\n"), beat
    assert describe(demo, activity_id)["info"]["totalHeartbeatCount"] in ("1", 1)
    done = demo.run(kind, "complete", *target, "--result", f"done by {kind}")
    assert (done.returncode, done.stdout) == (0, f"Completed {desc}\n"), done
    described = describe(demo, activity_id)
    assert described["info"]["status"] == "ACTIVITY_EXECUTION_STATUS_COMPLETED"
    assert f"via {IDENTITY[kind]}" in described["info"]["lastWorkerIdentity"]
    # The same again is already done; another result is refused, saying who completed it.
    again = demo.run(kind, "complete", *target, "--result", f"done by {kind}")
    assert again.returncode == 0 and again.stdout.startswith(
        f"Already done: {desc} was completed"
    ), again
    other = demo.run(kind, "complete", *target, "--result", "other")
    assert other.returncode == 3, other
    assert other.stderr.startswith(f"error: {desc} is not pending any more: it was completed at ")
    assert f" via {IDENTITY[kind]}" in other.stderr


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", ["token", "id"])
def test_fail_a_standalone_activity(demo: Demo, kind: str, how: str) -> None:
    activity_id, target, desc = start_by(demo, how)
    failed = demo.run(kind, "fail", *target, "--reason", "out of stock")
    assert (failed.returncode, failed.stdout) == (0, f"Failed {desc} (non-retryable)\n"), failed
    assert status(demo, activity_id) == "FAILED"
    late = demo.run(kind, "heartbeat", *target)
    assert late.returncode == 3, late
    assert "is not pending any more: it failed at " in late.stderr
    assert "out of stock (reported by " in late.stderr


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", ["token", "id"])
def test_cancel_a_standalone_activity(demo: Demo, kind: str, how: str) -> None:
    activity_id, target, desc = start_by(demo, how)
    # Not before a cancel was requested: refused, and the Activity still runs.
    early = demo.run(kind, "cancel", *target)
    assert (early.returncode, early.stderr) == (
        3,
        f"error: the server refused to report {desc} as cancelled: no cancellation was "
        f"requested for it; request one first (temporal activity cancel --activity-id "
        f"{activity_id})\n",
    )
    assert status(demo, activity_id) == "RUNNING"
    demo.temporal("activity", "cancel", "--activity-id", activity_id, "--reason", "stop")
    beat = demo.run(kind, "heartbeat", *target)
    assert (beat.returncode, beat.stderr) == (
        5,
        f"error: cancellation was requested for {desc}: stop its work, then report it with "
        "the cancel command\n",
    )
    cancelled = demo.run(kind, "cancel", *target, "--details", "stopped")
    assert (cancelled.returncode, cancelled.stdout) == (0, f"Reported {desc} as cancelled\n")
    assert status(demo, activity_id) == "CANCELED"


def test_inspect_says_a_token_is_standalone(demo: Demo) -> None:
    activity_id, line = start_standalone(demo)
    for kind in KINDS:
        run = demo.run(kind, "inspect", "--tasktoken", line.token)
        assert run.returncode == 0, run
        decoded = json.loads(run.stdout)
        assert (decoded["standalone"], decoded["activity_id"], decoded["workflow_id"]) == (
            True,
            activity_id,
            "",
        )
        assert decoded["activity_run_id"] == line.run_id == describe(demo, activity_id)["runId"]
    demo.temporal("activity", "terminate", "--activity-id", activity_id, "--reason", "test over")


def test_a_retried_standalone_activitys_old_token_is_refused(demo: Demo) -> None:
    activity_id, line = start_standalone(demo, "--retry-initial-interval", "1s")
    failed = demo.run("go", "fail", "--tasktoken", line.token, "--reason", "later", "--retryable")
    assert failed.returncode == 0, failed
    second = demo.worker.wait_for_standalone_token(activity_id, attempt=2)
    for kind in KINDS:
        old = demo.run(kind, "complete", "--tasktoken", line.token)
        assert (old.returncode, old.stderr) == (
            3,
            f'error: standalone Activity "{activity_id}" (attempt 1) is not pending any more: '
            "attempt 1 was retried: attempt 2 is pending now; its token is in the Worker's "
            "log\n",
        ), old
    done = demo.run("python", "complete", "--tasktoken", second.token, "--result", "second")
    assert done.returncode == 0, done
    assert status(demo, activity_id) == "COMPLETED"


def test_an_unknown_standalone_activity_is_refused(demo: Demo) -> None:
    for kind in KINDS:
        run = demo.run(kind, "complete", "--activity-id", "no-such-activity")
        assert run.returncode == 3, run
        assert run.stderr.startswith('error: standalone Activity "no-such-activity" is not ')
        assert 'no such standalone Activity in namespace "default"' in run.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_a_batch_mixes_both_kinds(demo: Demo, kind: str) -> None:
    handle, workflow_line = demo.pending()
    by_token, token_line = start_standalone(demo)
    by_id, _ = start_standalone(demo)
    batch = "\n".join(
        [
            workflow_line.token,
            json.dumps({"tasktoken": token_line.token, "result": "token"}),
            json.dumps({"workflow_id": None, "activity_id": by_id, "result": "id"}),
        ]
    )
    run = demo.run(kind, "complete", "--batch", "-", "--result", "workflow", stdin=batch + "\n")
    assert run.returncode == 0, run
    outcomes = sorted(json.loads(text)["message"] for text in run.stdout.splitlines())
    assert outcomes == sorted(
        [
            f'Completed Activity "1" of Workflow "{handle.id}" (attempt 1)',
            f'Completed standalone Activity "{by_token}" (attempt 1)',
            f'Completed standalone Activity "{by_id}"',
        ]
    )
    assert demo.result(handle) == "workflow"
    assert status(demo, by_token) == status(demo, by_id) == "COMPLETED"


def test_the_temporal_cli_is_the_third_completer(demo: Demo) -> None:
    # What the temporal CLI completes, ours read: a later request says who completed it.
    activity_id, _ = start_standalone(demo)
    demo.temporal(
        "activity", "complete", "--activity-id", activity_id, "--result", '"by the CLI"',
        "--identity", "temporal-cli-user",
    )  # fmt: skip
    for kind in KINDS:
        run = demo.run(kind, "fail", "--activity-id", activity_id, "--reason", "too late")
        assert run.returncode == 3, run
        assert "it was completed at " in run.stderr and "by temporal-cli-user" in run.stderr
    # What ours complete, the temporal CLI reads: the result and who.
    activity_id, _ = start_standalone(demo)
    done = demo.run("go", "complete", "--activity-id", activity_id, "--result", "by Go")
    assert done.returncode == 0, done
    result = demo.temporal("activity", "result", "--activity-id", activity_id, "-o", "json")
    assert "by Go" in result


def listed_json(demo: Demo, kind: str, ids: set[str]) -> list[dict[str, Any]]:
    """The default scope's JSON lines of these Activity IDs (the session's server holds other
    tests' Activities too)."""
    run = demo.run(kind, "list", "--json")
    assert run.returncode == 0 and run.stderr == "", run
    rows = [json.loads(text) for text in run.stdout.splitlines()]
    return [row for row in rows if row["activity_id"] in ids or row["workflow_id"] in ids]


def test_list_shows_both_kinds_and_they_pipe_into_a_batch(demo: Demo) -> None:
    handle, _ = demo.pending()
    activity_id, line = start_standalone(demo)
    demo.temporal("activity", "pause", "--activity-id", activity_id, "--identity", "ops")
    ids = {handle.id, activity_id}
    # A heartbeat on the paused standalone Activity: its own line, exit 5, in both languages.
    for kind, target, desc in (
        ("python", ["--tasktoken", line.token], f'standalone Activity "{activity_id}" (attempt 1)'),
        ("go", ["--activity-id", activity_id], f'standalone Activity "{activity_id}"'),
    ):
        beat = demo.run(kind, "heartbeat", *target)
        assert (beat.returncode, beat.stderr) == (
            5,
            f"error: {desc} is paused on the server: the heartbeat was recorded; stop its work "
            "until it is unpaused\n",
        ), beat

    def both_listed() -> list[dict[str, Any]] | None:
        rows = listed_json(demo, "python", ids)
        return rows if len(rows) == 2 else None

    wait_until(both_listed, 30, "both Activities listed (visibility lags)", interval=0.2)
    listings = {kind: listed_json(demo, kind, ids) for kind in KINDS}
    for rows in listings.values():
        for row in rows:
            row.pop("waiting_since")
    assert sorted(map(json.dumps, listings["python"])) == sorted(map(json.dumps, listings["go"]))
    [standalone] = [row for row in listings["go"] if row["workflow_id"] is None]
    assert (standalone["activity_id"], standalone["run_id"]) == (activity_id, line.run_id)
    assert standalone["state"] == "pause_requested"
    tables = {}
    for kind in KINDS:
        run = demo.run(kind, "list")
        assert run.returncode == 0, run
        [cells] = [text for text in run.stdout.splitlines() if f"  {activity_id}  " in text]
        tables[kind] = re.split(r" {2,}", cells)
        assert re.search(r" and \d+ standalone \(", run.stdout.splitlines()[-1]), run.stdout
    assert tables["python"][:5] == tables["go"][:5]
    assert tables["go"][:5] == ["(standalone)", activity_id, "Activity", "1", "pause requested"]
    # What list gives, a batch finishes: both kinds.
    batch = "".join(json.dumps(row) + "\n" for row in listings["go"])
    done = demo.run("python", "complete", "--batch", "-", "--result", "listed", stdin=batch)
    assert done.returncode == 0, done
    assert demo.result(handle) == "listed"
    assert status(demo, activity_id) == "COMPLETED"
