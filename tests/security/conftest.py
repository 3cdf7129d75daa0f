"""Fixtures of the security suite: throwaway certificates, and a private dev server that
the programs reach only through TLS-terminating proxies: one for the Worker, one for the
programs under test (the starter, the completers), so that each proxy's record of
connections and requests belongs to one side only."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.harness import (
    VENV_BIN,
    DevServer,
    EventLoopThread,
    TokenLine,
    WorkerProcess,
    clean_env,
    stop_process,
    unique_id,
)
from tests.security.pki import Pki, write_pki
from tests.security.tlsproxy import TlsProxy


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return write_pki(tmp_path_factory.mktemp("pki"))


def tls_env(address: str, ca_cert: Path, **extra: str) -> dict[str, str]:
    """The environment of a program that reaches the server at address over TLS, trusting
    ca_cert: Temporal's environment configuration, nothing else."""
    return clean_env(address, **{"TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(ca_cert), **extra})


def start_worker(env: dict[str, str], log: Path) -> WorkerProcess:
    """The Python Worker with its own environment (WorkerProcess.start uses clean_env)."""
    worker = WorkerProcess(env["TEMPORAL_ADDRESS"], log)
    with log.open("ab") as out, log.with_suffix(".err").open("ab") as err:
        worker.process = subprocess.Popen(
            [str(VENV_BIN / "python-worker")], stdout=out, stderr=err, env=env
        )
    return worker


@dataclass
class TlsStack:
    """A private dev server, a TLS proxy in front of it, and a Worker that reaches the
    server only through that proxy. `plain_client` talks to the dev server directly, for
    setting up and checking what the programs under test did."""

    server: DevServer
    worker_proxy: TlsProxy
    worker: WorkerProcess
    pki: Pki
    loop: EventLoopThread
    plain_client: Any

    def start_pending(self, prefix: str) -> tuple[Any, TokenLine]:
        """Starts a Workflow (directly, not through the proxy) and waits for its token."""
        from async_worker.shared import DEFAULT_INPUT, TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings

        handle = self.loop.run(
            self.plain_client.start_workflow(
                WORKFLOW_TYPE,
                args=[DEFAULT_INPUT, ActivitySettings()],
                id=unique_id(prefix),
                task_queue=TASK_QUEUE,
                result_type=str,
            )
        )
        return handle, self.worker.wait_for_token(handle.id)

    def result(self, workflow_id: str) -> str:
        handle = self.plain_client.get_workflow_handle(workflow_id, result_type=str)
        result: str = self.loop.run(handle.result(), 30)
        return result

    def pending_activities(self, workflow_id: str) -> int:
        handle = self.plain_client.get_workflow_handle(workflow_id)
        description = self.loop.run(handle.describe())
        return len(description.raw_description.pending_activities)


@pytest.fixture(scope="session")
def tls_stack(
    pki: Pki, tmp_path_factory: pytest.TempPathFactory, loop: EventLoopThread
) -> Iterator[TlsStack]:
    from temporalio.client import Client

    folder = tmp_path_factory.mktemp("tls")
    with contextlib.ExitStack() as stack:
        server = DevServer.start(folder / "dev-server.log")
        stack.callback(server.stop)
        proxy = TlsProxy(server.address, pki.server_cert, pki.server_key).start()
        stack.callback(proxy.stop)
        worker = start_worker(tls_env(proxy.address, pki.ca_cert), folder / "worker.log")
        stack.callback(stop_process, worker.process)
        worker.wait_started()
        plain_client = loop.run(Client.connect(server.address))
        yield TlsStack(server, proxy, worker, pki, loop, plain_client)


@pytest.fixture
def tls(tls_stack: TlsStack) -> TlsStack:
    if tls_stack.worker.process.poll() is not None:
        pytest.fail(f"the Worker behind the TLS proxy exited; see {tls_stack.worker.log}")
    return tls_stack


@pytest.fixture(scope="session")
def client_proxy(tls_stack: TlsStack) -> Iterator[TlsProxy]:
    """The proxy that the programs under test use, so that every connection and request
    it sees is theirs (the Worker, on its own proxy, reconnects whenever the server ends
    a connection for its age, every few minutes)."""
    pki = tls_stack.pki
    with TlsProxy(tls_stack.server.address, pki.server_cert, pki.server_key) as proxy:
        yield proxy
