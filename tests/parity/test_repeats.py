"""Who acted, and what a late or repeated request is told (issue 12), by both completers,
from the CLI and over HTTP: every closing kind reached for real, the same words from Python
and Go (the recorded identity differs only by the language's name), the identity as
`temporal workflow show` prints it, webhook retries at once, and a closing event that lies
beyond the first page of a long history."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType

from tests.conftest import Demo
from tests.harness import TEMPORAL, CompleterRun, TokenLine, clean_env, unique_id, wait_until
from tests.serve import contract as c
from tests.serve.harness import ServeProcess
from tests.serve.history import (
    CLOSING,
    COMPLETED,
    TIMED_OUT,
    closing,
    events,
    request_cancel,
    rfc3339,
)

HOST = socket.gethostname()
BAD_IDENTITY = "error: --identity must be 1 to 128 characters without control characters"
BAD_KEY = "error: --idempotency-key must be 1 to 128 printable ASCII characters without spaces"
KINDS = ("python", "go")


def cli_identity(actor: str, kind: str, key: str | None = None) -> str:
    recorded = f"{actor} via {kind}-completer cli@{HOST}"
    return f"{recorded} key={key}" if key else recorded


def desc_token(workflow_id: str, attempt: int = 1) -> str:
    return f'Activity "1" of Workflow "{workflow_id}" (attempt {attempt})'


def desc_ids(workflow_id: str) -> str:
    return f'Activity "1" of Workflow "{workflow_id}"'


def not_pending(desc: str, reason: str) -> str:
    return f"error: {desc} is not pending any more: {reason}\n"


def already(desc: str, verbed: str, time: str, identity: str) -> str:
    return f"Already done: {desc} was {verbed} at {time} by {identity}\n"


def run(demo: Demo, kind: str, *args: str, stdin: str | None = None) -> CompleterRun:
    return demo.run(kind, *args, stdin=stdin)


def shown_identities(demo: Demo, workflow_id: str) -> list[str]:
    """The identities of the Activity's closing events, as `temporal workflow show` prints
    them: what an operator reads in an audit."""
    shown = subprocess.run(
        [str(TEMPORAL), "workflow", "show", "--workflow-id", workflow_id, "--output", "json"],
        capture_output=True,
        text=True,
        env=clean_env(demo.server.address),
        timeout=30,
        check=True,
    )
    found = []
    for event in json.loads(shown.stdout)["events"]:
        for key in (
            "activityTaskCompletedEventAttributes",
            "activityTaskFailedEventAttributes",
            "activityTaskCanceledEventAttributes",
        ):
            if key in event:
                found.append(event[key].get("identity", ""))
    return found


# The recorded identity, from the CLI.


def test_the_cli_records_who_acted_and_its_language(demo: Demo, completer: str) -> None:
    handle, line = demo.pending()
    key = unique_id("key")
    done = run(
        demo,
        completer,
        "complete",
        "--tasktoken",
        "-",
        "--result",
        "ok",
        "--identity",
        "alice@example.com",
        "--idempotency-key",
        key,
        stdin=line.token,
    )
    assert (done.returncode, done.stderr) == (0, ""), done
    assert demo.result(handle) == "ok"
    assert shown_identities(demo, handle.id) == [cli_identity("alice@example.com", completer, key)]


def test_without_identity_the_cli_records_pid_at_host(demo: Demo, completer: str) -> None:
    handle, _ = demo.pending()
    done = run(
        demo, completer, "fail", "--workflow-id", handle.id, "--activity-id", "1", "--reason", "no"
    )
    assert done.returncode == 0, done
    [shown] = shown_identities(demo, handle.id)
    assert re.fullmatch(
        rf"\d+@{re.escape(HOST)} via {completer}-completer cli@{re.escape(HOST)}", shown
    ), shown


def test_a_batch_job_names_its_own_identity(demo: Demo, completer: str, tmp_path: Path) -> None:
    handle, line = demo.pending()
    batch = tmp_path / "jobs.txt"
    batch.write_text(json.dumps({"tasktoken": line.token, "identity": "bob"}) + "\n")
    done = run(demo, completer, "complete", "--batch", str(batch), "--identity", "ignored")
    assert done.returncode == 0, done
    assert shown_identities(demo, handle.id) == [cli_identity("bob", completer)]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--identity", ""], BAD_IDENTITY),
        (["--identity", "a\tb"], BAD_IDENTITY),
        (["--identity", "x" * 129], BAD_IDENTITY),
        (["--idempotency-key", "has space"], BAD_KEY),
        (["--idempotency-key", "k" * 129], BAD_KEY),
        (["--idempotency-key", "caf\u00e9"], BAD_KEY),
    ],
    ids=["empty", "tab", "long", "space", "long-key", "non-ascii-key"],
)
def test_a_bad_identity_or_key_is_a_usage_error(
    demo: Demo, completer: str, args: list[str], line: str
) -> None:
    ran = run(demo, completer, "complete", "--workflow-id", "w", "--activity-id", "1", *args)
    assert (ran.returncode, ran.stdout, ran.stderr) == (2, "", line + "\n")


# Late and repeated requests, each closing kind reached for real.


def both(demo: Demo, *args: str, stdin: str | None = None) -> dict[str, CompleterRun]:
    return {kind: run(demo, kind, *args, stdin=stdin) for kind in KINDS}


def assert_both(runs: dict[str, CompleterRun], code: int, stdout: str, stderr: str) -> None:
    for ran in runs.values():
        assert (ran.returncode, ran.stdout, ran.stderr) == (code, stdout, stderr), runs


def test_a_repeat_by_token_is_already_done_and_anything_else_says_who_completed(
    demo: Demo, completer: str
) -> None:
    handle, line = demo.pending()
    key = unique_id("k")
    first = run(
        demo,
        completer,
        "complete",
        "--tasktoken",
        "-",
        "--result",
        "first",
        "--idempotency-key",
        key,
        stdin=line.token,
    )
    assert first.returncode == 0, first
    closed = closing(demo, handle)
    assert closed.identity.endswith(f" key={key}")
    desc = desc_token(handle.id)
    repeat = both(
        demo,
        "complete",
        "--tasktoken",
        "-",
        "--result",
        "first",
        "--idempotency-key",
        key,
        stdin=line.token,
    )
    assert_both(repeat, 0, already(desc, "completed", closed.time, closed.identity), "")
    no_key = both(demo, "complete", "--tasktoken", "-", "--result", "first", stdin=line.token)
    assert_both(no_key, 0, already(desc, "completed", closed.time, closed.identity), "")
    refused = not_pending(desc, f"it was completed at {closed.time} by {closed.identity}")
    other_result = both(
        demo,
        "complete",
        "--tasktoken",
        "-",
        "--result",
        "second",
        "--idempotency-key",
        key,
        stdin=line.token,
    )
    assert_both(other_result, 3, "", refused)
    other_key = both(
        demo,
        "complete",
        "--tasktoken",
        "-",
        "--result",
        "first",
        "--idempotency-key",
        key + "x",
        stdin=line.token,
    )
    assert_both(other_key, 3, "", refused)
    fail = both(demo, "fail", "--tasktoken", "-", "--reason", "late", stdin=line.token)
    assert_both(fail, 3, "", refused)
    beat = both(demo, "heartbeat", "--tasktoken", "-", stdin=line.token)
    assert_both(beat, 3, "", refused)
    assert demo.result(handle) == "first"
    assert len(events(demo, handle, *CLOSING)) == 1


def test_a_repeated_failure_is_already_done_and_a_completion_is_told_it_failed(
    demo: Demo, completer: str
) -> None:
    handle, _ = demo.pending()
    ids = ("--workflow-id", handle.id, "--activity-id", "1")
    assert run(demo, completer, "fail", *ids, "--reason", "Rejected: no budget").returncode == 0
    closed = closing(demo, handle)
    desc = desc_ids(handle.id)
    assert_both(
        both(demo, "fail", *ids, "--reason", "Rejected: no budget"),
        0,
        already(desc, "failed", closed.time, closed.identity),
        "",
    )
    told = not_pending(
        desc, f"it failed at {closed.time}: Rejected: no budget (reported by {closed.identity})"
    )
    assert_both(both(demo, "complete", *ids, "--result", "yes"), 3, "", told)
    # Retryable is another failure than the non-retryable one recorded.
    assert_both(
        both(demo, "fail", *ids, "--reason", "Rejected: no budget", "--retryable"), 3, "", told
    )


def test_a_repeated_cancellation_is_already_done(demo: Demo, completer: str) -> None:
    handle, line = demo.pending()
    request_cancel(demo, handle)
    assert run(demo, completer, "cancel", "--tasktoken", "-", stdin=line.token).returncode == 0
    closed = closing(demo, handle)
    desc = desc_token(handle.id)
    assert_both(
        both(demo, "cancel", "--tasktoken", "-", stdin=line.token),
        0,
        already(desc, "reported as cancelled", closed.time, closed.identity),
        "",
    )
    told = not_pending(desc, f"it was reported as cancelled at {closed.time} by {closed.identity}")
    assert_both(both(demo, "complete", "--tasktoken", "-", stdin=line.token), 3, "", told)


@pytest.mark.parametrize("kind", ["start-to-close", "heartbeat"])
def test_a_timed_out_activity_says_which_timeout(demo: Demo, kind: str) -> None:
    settings = (
        {"start_to_close": 2.0, "max_attempts": 1}
        if kind == "start-to-close"
        else {"heartbeat_timeout": 1.0, "max_attempts": 1}
    )
    handle, line = demo.pending(**settings)
    wait_until(
        lambda: events(demo, handle, TIMED_OUT), 30, f"the {kind} timeout of {handle.id}", 0.2
    )
    [timed_out] = events(demo, handle, TIMED_OUT)
    told = not_pending(
        desc_token(handle.id),
        f"it timed out at {rfc3339(timed_out.event_time)} (its {kind} timeout)",
    )
    assert_both(both(demo, "complete", "--tasktoken", "-", stdin=line.token), 3, "", told)


def test_a_retried_token_says_which_attempt_is_pending(demo: Demo) -> None:
    handle, line = demo.pending(max_attempts=3)
    retry = run(
        demo, "go", "fail", "--tasktoken", "-", "--reason", "again", "--retryable", stdin=line.token
    )
    assert retry.returncode == 0, retry
    second: TokenLine = demo.worker.wait_for_token(handle.id, attempt=2)
    told = not_pending(
        desc_token(handle.id),
        "attempt 1 was retried: attempt 2 is pending now; its token is in the Worker's log",
    )
    assert_both(both(demo, "complete", "--tasktoken", "-", stdin=line.token), 3, "", told)
    done = run(
        demo, "python", "complete", "--tasktoken", "-", "--result", "two", stdin=second.token
    )
    assert done.returncode == 0, done
    closed = closing(demo, handle)
    told = not_pending(
        desc_token(handle.id),
        f"attempt 1 was retried: attempt 2 was completed at {closed.time} by {closed.identity}",
    )
    assert_both(
        both(demo, "complete", "--tasktoken", "-", "--result", "two", stdin=line.token), 3, "", told
    )


def test_a_terminated_workflow_is_named(demo: Demo) -> None:
    handle, line = demo.pending()
    demo.loop.run(handle.terminate("no longer needed"))
    [terminated] = events(demo, handle, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)
    told = not_pending(
        desc_token(handle.id), f"its Workflow was terminated at {rfc3339(terminated.event_time)}"
    )
    assert_both(both(demo, "complete", "--tasktoken", "-", stdin=line.token), 3, "", told)


def test_a_closing_event_beyond_the_first_history_page_is_found(demo: Demo) -> None:
    """Signals the Workflow ignores make its history long: the closing event comes after
    hundreds of other events."""
    handle, line = demo.pending()

    async def signal_many() -> None:
        for start in range(0, 600, 50):
            await asyncio.gather(*(handle.signal("ignored", i) for i in range(start, start + 50)))

    demo.loop.run(signal_many(), timeout=120)
    done = run(demo, "go", "complete", "--tasktoken", "-", "--result", "late", stdin=line.token)
    assert done.returncode == 0, done
    # More events than the server's default page (256) before the closing event. (Once the
    # Workflow is closed the dev server answers with its whole history at once, so each
    # completer's paging is proven by its unit tests against a fake that pages.)
    assert len(demo.history_events(handle)) > 600
    closed = closing(demo, handle)
    assert_both(
        both(demo, "complete", "--tasktoken", "-", "--result", "late", stdin=line.token),
        0,
        already(desc_token(handle.id), "completed", closed.time, closed.identity),
        "",
    )


# Webhook retries over HTTP.


@pytest.fixture(scope="module")
def serves(
    dev_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServeProcess]]:
    logs = tmp_path_factory.mktemp("serve-repeats")
    started = {
        kind: ServeProcess.start(kind, dev_server.address, logs / f"{kind}.log") for kind in KINDS
    }
    yield started
    for serve in started.values():
        serve.stop()


def test_twenty_webhook_retries_at_once_complete_once(
    demo: Demo, serves: dict[str, ServeProcess], completer: str
) -> None:
    handle, _ = demo.pending()
    job = {"workflow_id": handle.id, "activity_id": "1", "result": "Paid"}
    serve = serves[completer]
    headers = {"Idempotency-Key": "evt-20"}
    with ThreadPoolExecutor(20) as pool:
        answers = list(
            pool.map(lambda _: serve.post("/v1/complete", job, headers=headers), range(20))
        )
    assert [a.status for a in answers] == [200] * 20, answers
    bodies = [json.loads(a.body) for a in answers]
    assert sum(1 for b in bodies if b.get("already")) == 19, bodies
    assert demo.result(handle) == "Paid"
    assert len(events(demo, handle, COMPLETED)) == 1


def test_the_same_key_with_another_result_is_409(
    demo: Demo, serves: dict[str, ServeProcess], completer: str
) -> None:
    handle, _ = demo.pending()
    job = {"workflow_id": handle.id, "activity_id": "1", "result": "Paid"}
    first = serves[completer].post("/v1/complete", job, headers={"Idempotency-Key": "evt-1"})
    assert first.status == 200
    closed = closing(demo, handle)
    again = serves[completer].post(
        "/v1/complete", {**job, "result": "Refunded"}, headers={"Idempotency-Key": "evt-1"}
    )
    assert again == c.not_pending(
        desc_ids(handle.id), c.was_completed(closed.time, closed.identity)
    )
    assert demo.result(handle) == "Paid"


def test_an_unauthenticated_loopback_request_names_itself(
    demo: Demo, serves: dict[str, ServeProcess], completer: str
) -> None:
    handle, _ = demo.pending()
    job = {"workflow_id": handle.id, "activity_id": "1", "result": "ok", "identity": "carol"}
    assert serves[completer].post("/v1/complete", job).status == 200
    assert shown_identities(demo, handle.id) == [c.identity(c.unauthenticated("carol"), completer)]
