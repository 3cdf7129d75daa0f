"""Real processes for the tests: a dev server on a free port, the Python Worker, the
completers. Everything started here is stopped by its process ID."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
TEMPORAL = VENV_BIN / "temporal"
COMPLETERS = {
    "python": VENV_BIN / "python-completer",
    "go": ROOT / "bin" / "go-completer",
}

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def clean_env(address: str, **extra: str) -> dict[str, str]:
    """The test's environment: none of the caller's Temporal settings, then ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env["TEMPORAL_ADDRESS"] = address
    env.update(extra)
    return env


def run_all_script(
    timeout: float, umask: int = -1, **extra: str
) -> subprocess.CompletedProcess[str]:
    """scripts/run-all.sh (the demo, on a dev server of its own) with none of the caller's
    Temporal settings, then extra; it must succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env.update(extra)
    run = subprocess.run(
        [str(ROOT / "scripts" / "run-all.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        umask=umask,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def stop_process(
    proc: subprocess.Popen[Any], sig: int = signal.SIGTERM, timeout: float = 10
) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.05) -> Any:
    """Polls predicate until it returns something truthy; fails naming what timed out."""
    deadline = time.monotonic() + timeout
    tries = 0
    while True:
        tries += 1
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"Timed out waiting for {what}, tried {tries} times")
        time.sleep(interval)


@dataclass
class DevServer:
    address: str
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, log: Path, *extra: str, port: int | None = None) -> DevServer:
        port = port or free_port()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [
                    *(str(TEMPORAL), "server", "start-dev", "--headless", "--ip", "127.0.0.1"),
                    *("--port", str(port), "--log-level", "error", *extra),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = cls(f"127.0.0.1:{port}", process, log)
        try:
            wait_until(server.healthy, 30, f"the dev server at {server.address}", interval=0.1)
            # Another server on a port we thought free can answer the health check while ours
            # fails to bind and exits: look again once the check passed.
            time.sleep(0.2)
            if process.poll() is not None:
                raise RuntimeError(f"the dev server exited, port {port} taken? see {log}")
        except BaseException:
            server.stop()
            raise
        return server

    def healthy(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the dev server exited; see {self.log}")
        return (
            subprocess.run(
                [str(TEMPORAL), "operator", "cluster", "health", "--address", self.address],
                capture_output=True,
            ).returncode
            == 0
        )

    def stop(self) -> None:
        stop_process(self.process)


@dataclass
class TokenLine:
    """One token line of the Worker's log, parsed."""

    fields: dict[str, str]

    @property
    def token(self) -> str:
        return self.fields["taskToken"]

    @property
    def activity_id(self) -> str:
        return self.fields["activity_id"]

    @property
    def run_id(self) -> str:
        return self.fields["run_id"]

    @property
    def attempt(self) -> int:
        return int(self.fields["attempt"])


TOKEN_LINE = re.compile(r"msg=Activity .*taskToken=[0-9a-f]+$")


@dataclass
class WorkerProcess:
    address: str
    log: Path
    process: subprocess.Popen[bytes] = field(init=False)

    def start(self) -> WorkerProcess:
        with self.log.open("ab") as out, self.log.with_suffix(".err").open("ab") as err:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "python-worker")],
                stdout=out,
                stderr=err,
                env=clean_env(self.address),
            )
        return self

    def wait_started(self, timeout: float = 30) -> None:
        wait_until(
            lambda: "Worker started" in self.log.read_text(), timeout, f"the Worker ({self.log})"
        )

    def token_lines(self, workflow_id: str) -> list[TokenLine]:
        lines = []
        for line in self.log.read_text().splitlines():
            if f" workflow_id={workflow_id} " in line and TOKEN_LINE.search(line):
                fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
                fields["taskToken"] = line.rsplit("taskToken=", 1)[1]
                lines.append(TokenLine(fields))
        return lines

    def wait_for_standalone_token(
        self, activity_id: str, attempt: int = 1, timeout: float = 30
    ) -> TokenLine:
        """The token line of a standalone Activity's attempt: no Workflow ID."""

        def find() -> TokenLine | None:
            found = [
                t
                for t in self.token_lines("")
                if t.activity_id == activity_id and t.attempt == attempt
            ]
            return found[-1] if found else None

        line: TokenLine = wait_until(
            find, timeout, f"the token line of standalone {activity_id} attempt {attempt}"
        )
        return line

    def wait_for_token(self, workflow_id: str, attempt: int = 1, timeout: float = 30) -> TokenLine:
        def find() -> TokenLine | None:
            found = [t for t in self.token_lines(workflow_id) if t.attempt == attempt]
            return found[-1] if found else None

        line: TokenLine = wait_until(
            find, timeout, f"the token line of {workflow_id} attempt {attempt} in {self.log}"
        )
        return line

    def stop(self, sig: int = signal.SIGTERM) -> None:
        stop_process(self.process, sig)


class EventLoopThread:
    """A private event loop in a thread, so that plain (sync) tests can use the
    Temporal client: `loop.run(client.start_workflow(...))`."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def unique_id(prefix: str = "test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass
class CompleterRun:
    returncode: int
    stdout: str
    stderr: str


def run_completer(
    kind: str,
    args: Sequence[str],
    address: str,
    *,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> CompleterRun:
    """Runs one completer (python, go) as a real process against the server at address."""
    result = subprocess.run(
        [str(COMPLETERS[kind]), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env or clean_env(address),
        timeout=timeout,
    )
    return CompleterRun(result.returncode, result.stdout, result.stderr)
