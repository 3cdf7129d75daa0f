"""The processes the benchmark starts and what it reads from them: the Worker (its log of
token lines, its resident memory, its task slots) and the facts of the machine."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import platform
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness import VENV_BIN, clean_env, free_port, stop_process, wait_until


@dataclass
class Pending:
    """One pending Activity: its Workflow and the token its attempt logged."""

    workflow_id: str
    token: str


class TokenLog:
    """The Worker's standard output, read incrementally: every byte is read and parsed once,
    however often it is polled, so waiting for 10000 token lines stays cheap."""

    _FIELD = re.compile(rb"(\w+)=(\S+)")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""
        # workflow_id -> (attempt, token); a later attempt replaces an earlier one.
        self._tokens: dict[str, tuple[int, str]] = {}

    def read_new(self) -> None:
        with self.path.open("rb") as log:
            log.seek(self._offset)
            data = log.read()
        self._offset += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()  # an unfinished last line waits for the next read
        for line in lines:
            if b"taskToken=" not in line or b"msg=Activity" not in line:
                continue
            fields = dict(self._FIELD.findall(line))
            workflow_id = fields[b"workflow_id"].decode()
            attempt = int(fields[b"attempt"])
            # The contract: the token is the last taskToken= on the line.
            token = line.rsplit(b"taskToken=", 1)[1].strip().decode()
            if attempt >= self._tokens.get(workflow_id, (0, ""))[0]:
                self._tokens[workflow_id] = (attempt, token)

    async def wait_for(self, workflow_ids: list[str], timeout: float) -> list[Pending]:
        """Waits until every Workflow's Activity has logged its token; returns them in order."""
        deadline = time.monotonic() + timeout
        while True:
            self.read_new()
            missing = sum(1 for w in workflow_ids if w not in self._tokens)
            if not missing:
                return [Pending(w, self._tokens[w][1]) for w in workflow_ids]
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{missing} of {len(workflow_ids)} Activities logged no token "
                    f"within {timeout:.0f} s; see {self.path}"
                )
            await asyncio.sleep(0.1)


@dataclass
class BenchWorker:
    """python-worker with its Prometheus metrics on, so its task slots can be read.
    (tests.harness.WorkerProcess starts it without --metrics-bind.)"""

    address: str
    log: Path
    metrics_address: str = field(default_factory=lambda: f"127.0.0.1:{free_port()}")
    process: subprocess.Popen[bytes] = field(init=False)

    def start(self) -> BenchWorker:
        with self.log.open("ab") as out, self.log.with_suffix(".err").open("ab") as err:
            self.process = subprocess.Popen(
                [
                    *(str(VENV_BIN / "python-worker"), "--address", self.address),
                    *("--metrics-bind", self.metrics_address),
                ],
                stdout=out,
                stderr=err,
                env=clean_env(self.address),
            )
        wait_until(self._started, 60, f"the Worker ({self.log})", interval=0.1)
        return self

    def _started(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the Worker exited; see {self.log.with_suffix('.err')}")
        return "Worker started" in self.log.read_text()

    def stop(self) -> None:
        stop_process(self.process)

    def rss_kib(self) -> int:
        """Resident memory from /proc: what the Worker really holds, not what it mapped."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for the Worker (pid {self.process.pid})")

    def activity_slots(self) -> tuple[int, int]:
        """(used, available) Activity task slots, from the Worker's own metrics."""
        url = f"http://{self.metrics_address}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            text: str = response.read().decode()
        values: dict[str, int] = {}
        for line in text.splitlines():
            if 'worker_type="ActivityWorker"' in line and not line.startswith("#"):
                name = line.split("{", 1)[0]
                values[name] = int(float(line.rsplit(" ", 1)[1]))
        return (
            values["temporal_worker_task_slots_used"],
            values["temporal_worker_task_slots_available"],
        )


def _command_line(*args: str) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"unknown ({err})"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def python_bytecode() -> str:
    """Whether the installed packages have compiled bytecode: without it (uv installs none
    unless asked, and PYTHONDONTWRITEBYTECODE=1 keeps Python from caching any) every Python
    process compiles temporalio from source, which dominates its start-up time."""
    spec = importlib.util.find_spec("temporalio")
    package = Path(spec.origin).parent if spec and spec.origin else None
    compiled = package is not None and any(package.glob("__pycache__/*.pyc"))
    if compiled:
        return "compiled"
    cache = ", PYTHONDONTWRITEBYTECODE set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return "not compiled" + cache


def machine_facts() -> dict[str, str]:
    """What a reader needs to compare two runs: the figures depend on all of these."""
    cpu_model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    load = os.getloadavg()
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu_model,
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "python bytecode": python_bytecode(),
        "go": _command_line("go", "version"),
        "temporal": _command_line(str(VENV_BIN / "temporal"), "--version"),
        "load average at start": " ".join(f"{x:.2f}" for x in load),
        "python executable": sys.executable,
    }
