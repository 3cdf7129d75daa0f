"""What a README example needs before its commands run (`setup=NAME` in its marker): the
Workflows, tokens and files the README's text says exist at that point. Each setup returns
the substitutions for the example's commands (`<hex>` is the token a person would paste)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from async_worker.shared import TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings

from tests.harness import (
    VENV_BIN,
    DevServer,
    EventLoopThread,
    WorkerProcess,
    clean_env,
    free_port,
    run_completer,
    stop_process,
    wait_until,
)


@dataclass
class Stage:
    """The module's dev server, Worker and folder, and what the setups started there."""

    server: DevServer
    worker: WorkerProcess
    loop: EventLoopThread
    client: Any
    folder: Path
    logs: Path
    handles: list[Any] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # A placeholder of the README's commands and what stands there in this run.
    substitutions: dict[str, str] = field(default_factory=dict)

    def start(
        self, workflow_id: str, max_attempts: int | None = None, input: str = "Plain text input"
    ) -> Any:
        handle = self.loop.run(
            self.client.start_workflow(
                WORKFLOW_TYPE,
                args=[input, ActivitySettings(maximum_attempts=max_attempts)],
                id=workflow_id,
                task_queue=TASK_QUEUE,
                result_type=str,
            )
        )
        self.handles.append(handle)
        return handle

    def pending(
        self, workflow_id: str, max_attempts: int | None = None, input: str = "Plain text input"
    ) -> str:
        """Starts workflow_id and returns its Activity's token."""
        self.start(workflow_id, max_attempts, input)
        return self.worker.wait_for_token(workflow_id).token

    def complete(self, *args: str) -> None:
        run = run_completer("go", args, self.server.address)
        assert run.returncode == 0, run.stderr

    def listed(self, count: int) -> None:
        """Waits until visibility lists count running Workflows: it lags a start."""
        query = f'TaskQueue="{TASK_QUEUE}" AND ExecutionStatus="Running"'

        async def running() -> int:
            return len([w async for w in self.client.list_workflows(query)])

        wait_until(lambda: self.loop.run(running()) == count, 30, f"{count} listed Workflows")

    def finish(self) -> None:
        """Ends what earlier examples left running, so the next one's `list` sees only its own."""
        from temporalio.service import RPCError, RPCStatusCode

        for handle in self.handles:
            try:
                self.loop.run(handle.terminate("the README example is over"))
            except RPCError as err:
                # Closed already (or while we asked): nothing left to end.
                if err.status != RPCStatusCode.NOT_FOUND:
                    raise
        self.handles.clear()
        self.listed(0)

    def stop(self) -> None:
        for process in self.processes:
            stop_process(process)


def exercise(stage: Stage) -> dict[str, str]:
    """The exercise: Workflow `async` waits, and its token is in the file `token`."""
    token = stage.pending("async")
    (stage.folder / "token").write_text(token + "\n")
    return {"<hex>": token}


def batch(stage: Stage) -> dict[str, str]:
    """Three pending Activities and the approvals file of the --batch example."""
    first, second = stage.pending("order-11"), stage.pending("order-12")
    stage.pending("order-13")
    (stage.folder / "approvals.jsonl").write_text(
        "# approvals of 27 November\n"
        f"{first}\n"
        f'{{"tasktoken": "{second}", "result": "Approved with changes"}}\n'
        '{"workflow_id": "order-13", "activity_id": "1", "result": "Approved"}\n'
        '{"workflow_id": "order-13", "activity_id": "1"}\n'
        "not-a-token\n"
    )
    return {}


def orders(stage: Stage) -> dict[str, str]:
    """order-17 retried after a failure, order-18 with a heartbeat, order-19 asked to cancel."""
    stage.pending("order-17", max_attempts=3, input="Pay invoice 17: 1,200 EUR to ACME")
    stage.complete(
        "fail", "--workflow-id", "order-17", "--activity-id", "1",
        "--reason", "Card declined, retry", "--retryable",
    )  # fmt: skip
    stage.worker.wait_for_token("order-17", attempt=2)
    stage.pending("order-18", max_attempts=3, input="Pay invoice 18: 80 EUR to Büro Lang")
    stage.complete(
        "heartbeat", "--workflow-id", "order-18", "--activity-id", "1",
        "--details", "waiting for the bank",
    )  # fmt: skip
    stage.pending("order-19", max_attempts=3, input="Pay invoice 19: 15 EUR to Café")
    handle = stage.handles[-1]
    stage.loop.run(handle.cancel())

    def cancel_requested() -> bool:
        pending = stage.loop.run(handle.describe()).raw_description.pending_activities
        return bool(pending) and pending[0].state == 3  # PENDING_ACTIVITY_STATE_CANCEL_REQUESTED

    wait_until(cancel_requested, 30, "order-19's cancel request")
    stage.listed(3)
    return {}


def serve(stage: Stage) -> dict[str, str]:
    """serve behind the README's credentials file, and order-21 and order-22 pending."""
    (stage.folder / "credentials").write_text("payments whsec-9f2c1d7e5b8a4c3d\n")
    listen = f"127.0.0.1:{free_port()}"
    out = stage.logs / "serve.out"
    with out.open("wb") as stdout, (stage.logs / "serve.err").open("wb") as stderr:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "python-completer"),
                "serve",
                "--listen",
                listen,
                "--auth-token-file",
                "credentials",
            ],
            cwd=stage.folder,
            stdout=stdout,
            stderr=stderr,
            env=clean_env(stage.server.address),
        )
    stage.processes.append(process)
    wait_until(lambda: "Serving on" in out.read_text(), 30, f"serve ({out})")
    stage.pending("order-21", input="Pay invoice 21: 300 EUR to ACME")
    stage.pending("order-22", input="Pay invoice 22: 40 EUR to ACME")
    stage.listed(2)
    return {"127.0.0.1:8080": listen}


def metrics(stage: Stage) -> dict[str, str]:
    """serve with --metrics-listen, and order-31 pending."""
    listen, metrics_listen = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    out = stage.logs / "serve-metrics.out"
    with out.open("wb") as stdout, (stage.logs / "serve-metrics.err").open("wb") as stderr:
        process = subprocess.Popen(
            [
                *(str(VENV_BIN / "python-completer"), "serve", "--listen", listen),
                *("--metrics-listen", metrics_listen),
            ],
            cwd=stage.folder,
            stdout=stdout,
            stderr=stderr,
            env=clean_env(stage.server.address),
        )
    stage.processes.append(process)
    wait_until(lambda: "Serving on" in out.read_text(), 30, f"serve ({out})")
    stage.pending("order-31")
    return {"127.0.0.1:8080": listen, "127.0.0.1:9464": metrics_listen}


SETUPS: dict[str, Callable[[Stage], dict[str, str]]] = {
    "exercise": exercise,
    "batch": batch,
    "orders": orders,
    "serve": serve,
    "metrics": metrics,
}
