"""Faults on the cluster, each with its figures written to the test output:

- a server node SIGKILLed in the middle of 1,000 completions through two serves (one per
  node), then started again: every completion ends in 200, at once or after 503s retried
  with the same Idempotency-Key; each Activity is completed exactly once;
- PostgreSQL stopped for a few seconds in the middle of a `--batch` of 1,000: the lines
  that came back unreachable (exit 4) are sent again until done; the same outcome;
- `list` running while a node dies: it finishes, or fails with one line, never a
  traceback."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.harness import Cluster
from tests.cluster.load import (
    assert_each_completed_once,
    assert_every_delivery_done,
    deliver_all,
    figures,
)
from tests.faults import helpers as h
from tests.harness import COMPLETERS, EventLoopThread, clean_env, wait_until
from tests.serve.harness import serving
from tests.serve.test_load import LoadJob, prepare, tokens_of

COMPLETIONS = 1000
# The node goes once this many completions are done: about a third of the load.
KILL_AFTER = 300
# How long the killed node stays away, and the database.
AWAY = 3.0
# serve's and the batch's bound on a request, shorter than the outage: the SDKs retry an
# unavailable server within it, and the outage is meant to show through as 503 / exit 4.
SERVE_RPC_TIMEOUT = "2s"
BATCH_RPC_TIMEOUT = "1s"


@pytest.fixture
def restores(cluster: Cluster) -> Iterator[None]:
    """Whatever a test broke is running again afterwards, for the tests after it."""
    yield
    cluster.start_database_if_stopped()
    for n, process in cluster.nodes.items():
        if process.poll() is not None:
            cluster.start_node(n)
            cluster.wait_healthy(n)


class NodeOutage:
    """Kills node 2 when called (from the load's event loop: quick), then, in a thread,
    starts it again after AWAY seconds and waits until it is healthy."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.killed_at = 0.0
        self.healthy_at = 0.0
        self.thread = threading.Thread(target=self._come_back, daemon=True)

    def __call__(self) -> None:
        self.killed_at = time.monotonic()
        self.cluster.kill_node(2)
        self.thread.start()

    def _come_back(self) -> None:
        time.sleep(AWAY)
        self.cluster.start_node(2)
        self.cluster.wait_healthy(2)
        self.healthy_at = time.monotonic()

    def wait(self) -> str:
        self.thread.join(180)
        assert self.healthy_at, "node 2 did not come back"
        away = self.healthy_at - self.killed_at
        return f"node 2 was away {away:.1f} s (started again {AWAY:.0f} s after SIGKILL)"


def test_a_node_killed_mid_load_loses_nothing_and_doubles_nothing(
    cluster: Cluster,
    loop: EventLoopThread,
    client: Any,
    queue_worker: h.QueueWorker,
    tmp_path: Path,
    report: Callable[[str], None],
    restores: None,
) -> None:
    jobs = prepare(loop, client, queue_worker, COMPLETIONS, "node-killed")
    outage = NodeOutage(cluster)
    with (
        serving(
            "python",
            cluster.frontend(1),
            tmp_path / "serve-node1.log",
            "--rpc-timeout",
            SERVE_RPC_TIMEOUT,
        ) as one,
        serving(
            "go",
            cluster.frontend(2),
            tmp_path / "serve-node2.log",
            "--rpc-timeout",
            SERVE_RPC_TIMEOUT,
        ) as two,
    ):
        started = time.monotonic()
        delivered = asyncio.run(deliver_all([one.url, two.url], jobs, after=(KILL_AFTER, outage)))
        took = time.monotonic() - started
    away = outage.wait()
    report(
        f"serve --rpc-timeout {SERVE_RPC_TIMEOUT}; SIGKILL after {KILL_AFTER} completions; {away}"
    )
    report(f"{figures(delivered)}; {took:.1f} s in all")
    assert_every_delivery_done(jobs, delivered)
    assert_each_completed_once(loop, jobs)
    report(f"all {COMPLETIONS} Workflows closed with their results, each Activity completed once")


# A refusal whose history could not be read (docs/completer-cli.md: the refusal stands,
# exit 3) happens here when the server lost the answer to a completion it made, the SDK's
# retry got "not pending", and the history read met the database still down. It does not
# say the Activity is closed by someone else, so the test sends it again, like exit 4.
UNREAD = "refused, its history unread"


def outcome_kind(outcome: dict[str, Any]) -> str:
    if outcome["outcome"] == "refused" and "(its history could not be read: " in outcome["message"]:
        return UNREAD
    return str(outcome["outcome"])


def batch_lines(jobs: list[LoadJob]) -> str:
    return "".join(job.body.decode() + "\n" for job in jobs)


def run_batch(address: str, jobs: list[LoadJob], on_line: Callable[[int], None]) -> list[Any]:
    """The Go completer's `complete --batch -` of jobs; on_line(n) is called as its n-th
    outcome line arrives. Returns the outcome lines (as parsed JSON)."""
    process = subprocess.Popen(
        [str(COMPLETERS["go"]), "complete", "--batch", "-", "--rpc-timeout", BATCH_RPC_TIMEOUT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(address),
    )
    assert process.stdin is not None and process.stdout is not None
    feeding = threading.Thread(target=lambda: _feed(process.stdin, batch_lines(jobs)))
    feeding.start()
    outcomes = []
    for line in process.stdout:
        outcomes.append(json.loads(line))
        on_line(len(outcomes))
    feeding.join()
    assert process.wait(60) in (0, 3, 4), process.stderr
    return outcomes


def _feed(stdin: Any, text: str) -> None:
    stdin.write(text)
    stdin.close()


def test_postgresql_stopped_mid_batch_the_unreachable_lines_sent_again_are_done(
    cluster: Cluster,
    loop: EventLoopThread,
    client: Any,
    queue_worker: h.QueueWorker,
    report: Callable[[str], None],
    restores: None,
) -> None:
    jobs = prepare(loop, client, queue_worker, COMPLETIONS, "db-stopped")
    stopped: list[float] = []

    def stop_database_once(done: int) -> None:
        if done == KILL_AFTER and not stopped:
            stopped.append(time.monotonic())
            cluster.stop_database()
            threading.Timer(AWAY, cluster.start_database).start()

    rounds: list[str] = []
    remaining = jobs
    while remaining and len(rounds) < 10:
        outcomes = run_batch(cluster.frontend(1), remaining, stop_database_once)
        assert len(outcomes) == len(remaining)
        kinds = Counter(outcome_kind(o) for o in outcomes)
        rounds.append(f"{len(remaining)} sent: {dict(kinds)}")
        assert set(kinds) <= {"ok", "unreachable", UNREAD}, [o for o in outcomes if o["code"]][:5]
        # A line's number is its job's place in this round's input.
        remaining = [remaining[o["line"] - 1] for o in outcomes if o["outcome"] != "ok"]
        wait_until(lambda: cluster.database_running(), 60, "PostgreSQL to be back")
    report(
        f"--batch --rpc-timeout {BATCH_RPC_TIMEOUT}: PostgreSQL stopped for {AWAY:.0f} s "
        f"after {KILL_AFTER} of {COMPLETIONS} outcome lines"
    )
    report("; then ".join(rounds))
    assert not remaining, f"{len(remaining)} still not done after {len(rounds)} rounds"
    assert_each_completed_once(loop, jobs)
    report(f"all {COMPLETIONS} Workflows closed with their results, each Activity completed once")


def test_list_while_a_node_dies_finishes_or_fails_with_one_line(
    cluster: Cluster,
    loop: EventLoopThread,
    client: Any,
    queue_worker: h.QueueWorker,
    tmp_path: Path,
    report: Callable[[str], None],
    restores: None,
) -> None:
    handles = h.start_workflows(loop, client, queue_worker.task_queue, 200, prefix="list-dies")
    ids = {handle.id for handle in handles}
    wait_until(lambda: len(tokens_of(queue_worker.log, ids)) == len(ids), 120, "200 token lines")
    query = f'TaskQueue = "{queue_worker.task_queue}" AND ExecutionStatus = "Running"'
    runs = {
        (kind, n): subprocess.Popen(
            [
                str(COMPLETERS[kind]),
                "list",
                "--query",
                query,
                "--page-size",
                "10",
                "--concurrency",
                "2",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(cluster.frontend(n)),
        )
        for kind in ("python", "go")
        for n in (1, 2)
    }
    time.sleep(0.5)
    cluster.kill_node(2)
    ended = {key: run.communicate(timeout=120) for key, run in runs.items()}
    cluster.start_node(2)
    cluster.wait_healthy(2)
    for (kind, n), (out, err) in ended.items():
        code = runs[(kind, n)].returncode
        said = out.splitlines()[-1] if code == 0 and out else err.strip()
        report(f"{kind} list at node {n}: exit {code}: {said}")
        assert "Traceback" not in err and "panic" not in err and "goroutine" not in err, err
        if code != 0:
            assert code in (1, 4) and err.startswith("error: ") and err.count("\n") == 1, err

    async def terminate_all() -> None:
        await asyncio.gather(*(handle.terminate("test over") for handle in handles))

    loop.run(terminate_all(), 120)
