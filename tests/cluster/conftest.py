"""The cluster suites: the session's server is the cluster here, whatever
ASYNC_TEST_SERVER says, so `pytest tests/cluster` runs on its own. The figures a test
measures (how many requests were answered 503 before 200, how long a node was away) are
written to the terminal through `report`, whether or not the test passes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.cluster.harness import Cluster
from tests.faults import helpers as h
from tests.harness import unique_id


@pytest.fixture(scope="session")
def dev_server(cluster: Cluster) -> Cluster:
    return cluster


@pytest.fixture
def report(
    capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> Callable[[str], None]:
    def write(line: str) -> None:
        with capsys.disabled():
            print(f"\n    [{request.node.name}] {line}", end="", flush=True)

    return write


@pytest.fixture(scope="module")
def queue_worker(
    cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[h.QueueWorker]:
    """A Worker on a task queue of the module's own, at node 1: the loads' Activities stay
    out of the session Worker's log and out of `list`'s default scope."""
    log = tmp_path_factory.mktemp("cluster-worker") / "worker.log"
    worker = h.QueueWorker(cluster.frontend(1), log, task_queue=unique_id("cluster")).start()
    try:
        worker.wait_started()
        yield worker
    finally:
        worker.stop()
