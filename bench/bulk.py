"""Bulk completion: N pending Activities completed by each completer's --batch and by an
in-process SDK loop (the ceiling), with the CPU each party spent."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.base import (
    RESULT,
    SDK,
    Bench,
    MeasureError,
    complete_leftovers,
    failure,
    run_process,
    settle,
)
from bench.prepare import Preparation, prepare, wait_closed
from bench.procs import Pending


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process so far (/proc/PID/stat, clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command's closing parenthesis, field 3 of proc(5) is fields[0]: utime is
    # field 14 and stime field 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuClock:
    """The CPU time that each party spent during one bulk run: the program (for the SDK
    loop, this Python process), the dev server and the Worker. Two cores give 2 x wall."""

    server_pid: int
    worker_pid: int
    _began: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    def _now(self) -> tuple[float, float, float, float]:
        me = resource.getrusage(resource.RUSAGE_SELF)
        # Children are counted once reaped: during a run that is only the completer (the
        # dev server and the Worker run on, and are read from /proc instead).
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (
            me.ru_utime + me.ru_stime,
            kids.ru_utime + kids.ru_stime,
            process_cpu_seconds(self.server_pid),
            process_cpu_seconds(self.worker_pid),
        )

    def start(self) -> None:
        self._began = self._now()

    def read(self) -> tuple[float, float, float, float]:
        """(this process, reaped children, server, Worker) seconds since start()."""
        now = self._now()
        began = self._began
        return (now[0] - began[0], now[1] - began[1], now[2] - began[2], now[3] - began[3])


@dataclass
class BulkRun:
    size: int
    program: str
    preparation: Preparation
    concurrency: int = 0  # requests in flight at most
    round: int = 1  # the bulk phase's repetition this run belongs to (--rounds)
    load_average: float | None = None  # 1-minute load average just before the clock started
    wall_seconds: float | None = None  # the program (or SDK loop) from start to end
    last_close_seconds: float | None = None  # from that start until the last Workflow closed
    ok: int = 0  # completions the program reported done
    completed: int = 0  # Workflows that closed as Completed
    # CPU seconds during the wall time: the program's (for a completer, the process; for
    # the SDK loop, this Python process), the dev server's, the Worker's.
    program_cpu_seconds: float | None = None
    server_cpu_seconds: float | None = None
    worker_cpu_seconds: float | None = None
    error: str | None = None

    @property
    def per_second(self) -> float | None:
        return self.size / self.wall_seconds if self.wall_seconds else None

    @property
    def closed_per_second(self) -> float | None:
        return self.size / self.last_close_seconds if self.last_close_seconds else None


async def sdk_loop(bench: Bench, pending: Sequence[Pending], concurrency: int) -> int:
    """The ceiling: one connected client, the same concurrency as the completers' batch."""
    limit = asyncio.Semaphore(concurrency)

    async def one(p: Pending) -> None:
        async with limit:
            handle = bench.client.get_async_activity_handle(task_token=bytes.fromhex(p.token))
            await handle.complete(RESULT)

    outcomes = await asyncio.gather(*(one(p) for p in pending), return_exceptions=True)
    return sum(1 for outcome in outcomes if outcome is None)


async def batch(
    bench: Bench,
    program: str,
    pending: Sequence[Pending],
    concurrency: int,
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> int:
    """Runs PROGRAM complete --batch FILE (extra: more options, env: more environment);
    returns how many jobs it reported ok."""
    jobs = bench.logs / f"batch-{bench.measurements:03d}-{program}-{len(pending)}.txt"
    jobs.write_text("".join(f"{p.token}\n" for p in pending))
    argv = [str(bench.executable(program)), "complete", "--batch", str(jobs)]
    argv += ["--result", RESULT, "--concurrency", str(concurrency)]
    argv += ["--address", bench.address, *extra]
    code, out, err, _ = await run_process(argv, bench.address, env)
    ok = 0
    for line in out.splitlines():
        try:
            ok += json.loads(line).get("outcome") == "ok"
        except (ValueError, AttributeError):
            raise MeasureError(
                f"{program} printed a line that is not a JSON job: {line!r}"
            ) from None
    if code != 0:
        raise failure(argv, code, err)
    return ok


async def measure_bulk_run(
    bench: Bench, size: int, program: str, concurrency: int, round_: int
) -> BulkRun:
    bench.measurements += 1
    name = "sdk" if program == SDK else program.removesuffix("-completer")
    # A number of its own: no run's Workflow IDs start with another's prefix.
    prefix = bench.prefix(f"bulk{size}-m{bench.measurements:03d}-{name}")
    pending, preparation = await prepare(bench.client, bench.tokens, prefix, size)
    run = BulkRun(
        size,
        program if program == SDK else f"{program} --batch",
        preparation,
        concurrency=concurrency,
        round=round_,
    )
    await settle()
    clock = CpuClock(bench.server_pid, bench.worker.process.pid)
    run.load_average = os.getloadavg()[0]
    clock.start()
    began_wall = time.time()
    began = time.perf_counter()
    try:
        run.ok = await (
            sdk_loop(bench, pending, concurrency)
            if program == SDK
            else batch(bench, program, pending, concurrency)
        )
        run.wall_seconds = time.perf_counter() - began
        me, children, server, worker = clock.read()
        run.program_cpu_seconds = me if program == SDK else children
        run.server_cpu_seconds = server
        run.worker_cpu_seconds = worker
        if run.ok != size:
            raise MeasureError(f"{run.program} completed {run.ok} of {size}")
    except MeasureError as err:
        run.error = str(err)
        bench.errors.append(f"bulk N={size}, {run.program}, concurrency {concurrency}: {err}")
        # Figures of a partial run mean nothing; finish its Activities so the next starts clean.
        await complete_leftovers(bench.client, pending)
    closed = await wait_closed(bench.client, prefix, size)
    run.completed = closed.completed
    if run.error is None and closed.last_close is not None:
        run.last_close_seconds = closed.last_close.timestamp() - began_wall
    if run.error is None and closed.completed != size:
        run.error = f"{closed.completed} of {size} Workflows completed"
        bench.errors.append(f"bulk N={size}, {run.program}, concurrency {concurrency}: {run.error}")
    return run


def bulk_order(
    programs: Sequence[str], concurrencies: Sequence[int], rounds: int, shift: int = 0
) -> list[tuple[int, str, int]]:
    """(round, program, concurrency) in the order they run: in each round, concurrency by
    concurrency, the programs in turn (starting at shift); every second round is the first
    one backwards (A B B A), so that a drift of the machine over the run (load, the server's
    growing store of closed Workflows) weighs alike on every program and concurrency."""
    turned = [*programs[shift:], *programs[:shift]]
    forward = [(p, c) for c in concurrencies for p in turned]
    order: list[tuple[int, str, int]] = []
    for round_ in range(1, rounds + 1):
        pairs = forward if round_ % 2 else forward[::-1]
        order += [(round_, p, c) for p, c in pairs]
    return order


async def measure_bulk(
    bench: Bench,
    sizes: Sequence[int],
    concurrencies: Sequence[int],
    rounds: int,
    programs: Sequence[str],
    runs: list[BulkRun],
) -> None:
    """Appends to runs as it goes, so a failure keeps what was measured before it."""
    for turn, size in enumerate(sizes):
        # The order turns from size to size, so that no program is always first (right after
        # the previous size) or last (with the most closed Workflows in the server's memory).
        order = bulk_order(programs, concurrencies, rounds, turn % len(programs))
        for i, (round_, program, concurrency) in enumerate(order, 1):
            run = await measure_bulk_run(bench, size, program, concurrency, round_)
            rate = f"{run.per_second:.0f}/s" if run.per_second else run.error
            print(
                f"  bulk N={size} [{i}/{len(order)}] round {round_}, concurrency "
                f"{concurrency}, {run.program}: {rate} (load {run.load_average:.1f})",
                flush=True,
            )
            runs.append(run)
