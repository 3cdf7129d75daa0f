"""Fixtures shared by the suites: one dev server and one Worker per test session, each
test with its own Workflow ID, so tests never see each other's Activities.

ASYNC_TEST_SERVER=cluster (make test-cluster) puts the production-shaped cluster in the
dev server's place: PostgreSQL and two server nodes (tests/cluster/harness.py); the
session's Worker and completers then talk to node 1's frontend."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.harness import Cluster
from tests.harness import (
    TEMPORAL,
    CompleterRun,
    DevServer,
    EventLoopThread,
    TokenLine,
    WorkerProcess,
    run_completer,
    unique_id,
)


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def cluster(logs: Path) -> Iterator[Cluster]:
    started = Cluster.start(logs / "cluster")
    yield started
    started.stop()


@pytest.fixture(scope="session")
def dev_server(request: pytest.FixtureRequest, logs: Path) -> Iterator[DevServer | Cluster]:
    if os.environ.get("ASYNC_TEST_SERVER") == "cluster":
        yield request.getfixturevalue("cluster")
        return
    server = DevServer.start(logs / "dev-server.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def worker(dev_server: DevServer | Cluster, logs: Path) -> Iterator[WorkerProcess]:
    process = WorkerProcess(dev_server.address, logs / "worker.log").start()
    process.wait_started()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def loop() -> Iterator[EventLoopThread]:
    thread = EventLoopThread()
    yield thread
    thread.close()


@pytest.fixture(scope="session")
def client(dev_server: DevServer | Cluster, loop: EventLoopThread) -> Any:
    from temporalio.client import Client

    return loop.run(Client.connect(dev_server.address))


class Demo:
    """What a test does with the system: start Workflows, read tokens, run completers,
    read results and histories."""

    def __init__(
        self, server: DevServer | Cluster, worker: WorkerProcess, loop: EventLoopThread, client: Any
    ) -> None:
        self.server = server
        self.worker = worker
        self.loop = loop
        self.client = client

    def start(
        self,
        input: str = "Plain text input",
        *,
        start_to_close: float = 300,
        heartbeat_timeout: float | None = None,
        max_attempts: int | None = None,
    ) -> Any:
        from async_worker.shared import TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings

        settings = ActivitySettings(start_to_close, heartbeat_timeout, max_attempts)
        return self.loop.run(
            self.client.start_workflow(
                WORKFLOW_TYPE,
                args=[input, settings],
                id=unique_id("wf"),
                task_queue=TASK_QUEUE,
                result_type=str,
            )
        )

    def pending(self, **kwargs: Any) -> tuple[Any, TokenLine]:
        """Starts a Workflow and waits until its Activity logged its token."""
        handle = self.start(**kwargs)
        return handle, self.worker.wait_for_token(handle.id)

    def result(self, handle: Any, timeout: float = 30) -> Any:
        return self.loop.run(handle.result(), timeout)

    def describe(self, handle: Any) -> Any:
        return self.loop.run(handle.describe())

    def history_events(self, handle: Any) -> list[Any]:
        history = self.loop.run(handle.fetch_history())
        return list(history.events)

    def run(self, kind: str, *args: str, stdin: str | None = None, **kwargs: Any) -> CompleterRun:
        return run_completer(kind, args, self.server.address, stdin=stdin, **kwargs)

    def temporal(self, *args: str) -> str:
        """The `temporal` CLI against the session's server, which must succeed; its standard
        output."""
        run = subprocess.run(
            [str(TEMPORAL), *args, "--address", self.server.address],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run
        return run.stdout


@pytest.fixture
def demo(
    dev_server: DevServer | Cluster, worker: WorkerProcess, loop: EventLoopThread, client: Any
) -> Demo:
    return Demo(dev_server, worker, loop, client)


@pytest.fixture(params=["python", "go"])
def completer(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind
