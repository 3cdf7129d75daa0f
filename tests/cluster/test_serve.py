"""serve on the cluster: two instances, the Python one at node 1's frontend and the Go one
at node 2's, behind a round-robin "balancer" (request i goes to instance i % 2), 1,000
completions from 32 clients. Neither instance keeps state, and the nodes share one
database: every Activity is completed exactly once, whichever node took its request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.cluster.harness import Cluster
from tests.cluster.load import (
    assert_each_completed_once,
    assert_every_delivery_done,
    deliver_all,
    figures,
)
from tests.faults import helpers as h
from tests.harness import EventLoopThread
from tests.serve.harness import serving
from tests.serve.test_load import prepare

COMPLETIONS = 1000


def test_two_serves_at_two_nodes_complete_1000_activities_each_once(
    cluster: Cluster,
    loop: EventLoopThread,
    client: Any,
    queue_worker: h.QueueWorker,
    tmp_path: Path,
    report: Callable[[str], None],
) -> None:
    jobs = prepare(loop, client, queue_worker, COMPLETIONS, "two-nodes")
    with (
        serving("python", cluster.frontend(1), tmp_path / "serve-node1.log") as one,
        serving("go", cluster.frontend(2), tmp_path / "serve-node2.log") as two,
    ):
        started = time.monotonic()
        delivered = asyncio.run(deliver_all([one.url, two.url], jobs))
        took = time.monotonic() - started
    report(f"{figures(delivered)}; {took:.1f} s, {COMPLETIONS / took:.0f} completions/s")
    assert_every_delivery_done(jobs, delivered)
    # No fault, no retry: each request was answered 200 the first time.
    assert [d.kind for d in delivered] == ["200"] * COMPLETIONS
    assert_each_completed_once(loop, jobs)
