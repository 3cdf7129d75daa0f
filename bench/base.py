"""What every measurement shares: the run's server, Worker, client and programs, running a
program, and finishing what a failed measurement left pending."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.client import Client

from bench.procs import BenchWorker, Pending, TokenLog
from tests.harness import clean_env

RESULT = "bench"
SDK = "in-process SDK"


class MeasureError(Exception):
    """A measurement that could not be taken; the run goes on and reports it."""


@dataclass
class Bench:
    """What every measurement needs: the server, the Worker, one client, the programs."""

    client: Client
    address: str
    worker: BenchWorker
    tokens: TokenLog
    logs: Path
    stamp: str
    completers: dict[str, Path]  # "go-completer" / "python-completer" -> executable
    server_pid: int  # the dev server's process, whose CPU time each bulk run reads
    # Bulk only: more executables measured beside the completers, by label (for example a
    # wrapper that runs the Go completer under another GOMAXPROCS).
    extra: dict[str, Path] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    measurements: int = 0  # bulk runs so far: each gets Workflow IDs of its own

    def executable(self, program: str) -> Path:
        return self.completers.get(program) or self.extra[program]

    def prefix(self, what: str) -> str:
        return f"bench-{self.stamp}-{what}"


async def run_process(
    argv: Sequence[str], address: str, env: dict[str, str] | None = None
) -> tuple[int, bytes, bytes, float]:
    """Runs one program (env: more environment); returns its exit code, output and the
    perf_counter() it ended at."""
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=clean_env(address, **(env or {})),
        )
    except OSError as err:
        raise MeasureError(
            f"cannot run {argv[0]}: {err.strerror} (make install builds it)"
        ) from err
    stdout, stderr = await process.communicate()
    ended = time.perf_counter()
    assert process.returncode is not None
    return process.returncode, stdout, stderr, ended


def describe(err: Exception) -> str:
    if isinstance(err, MeasureError):
        return str(err)
    if isinstance(err, TimeoutError):
        return "no Workflow result within 30 s"
    return f"{type(err).__name__}: {err}"


def failure(argv: Sequence[str], code: int, stderr: bytes) -> MeasureError:
    lines = stderr.decode(errors="replace").strip().splitlines()
    said = lines[-1] if lines else "nothing on standard error"
    return MeasureError(f"{Path(argv[0]).name} {argv[1]} exited {code}: {said}")


async def settle() -> None:
    """A pause after preparing: the server's background work for the new Workflows
    (visibility records, transfer tasks) finishes before a clock starts, not during it."""
    await asyncio.sleep(1)


async def complete_leftovers(client: Client, pending: Sequence[Pending]) -> None:
    """Completes what a failed measurement left pending, so that the next one (and the
    pending-scale baseline) starts clean. Already completed ones are refused: ignored."""
    limit = asyncio.Semaphore(32)

    async def one(p: Pending) -> None:
        async with limit:
            await client.get_async_activity_handle(task_token=bytes.fromhex(p.token)).complete(
                RESULT
            )

    await asyncio.gather(*(one(p) for p in pending), return_exceptions=True)
