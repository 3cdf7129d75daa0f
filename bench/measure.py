"""The three measurements: one completion as a whole process, bulk completion, and the
Worker holding many pending Activities."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.client import Client

from bench.prepare import Preparation, prepare, wait_closed
from bench.procs import BenchWorker, Pending, TokenLog
from tests.harness import TEMPORAL, clean_env

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


async def run_process(argv: Sequence[str], address: str) -> tuple[int, bytes, bytes, float]:
    """Runs one program; returns its exit code, output and the perf_counter() it ended at."""
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=clean_env(address),
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


# 1. One completion, whole process -----------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None for none."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Timings:
    """One program's runs. For a completion, end_to_end_ms runs from starting the process
    until it has exited and the Workflow's result is available; for --help and inspect it is
    the process's wall time."""

    program: str
    end_to_end_ms: list[float] = field(default_factory=list)
    process_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def p50_ms(self) -> float | None:
        return percentile(self.end_to_end_ms, 0.5)

    @property
    def p95_ms(self) -> float | None:
        return percentile(self.end_to_end_ms, 0.95)


def completion_argv(bench: Bench, program: str, pending: Pending) -> list[str]:
    if program == "temporal activity complete":
        # The outside reference: by IDs, as a person would type it; --result is JSON.
        return [
            *(str(TEMPORAL), "activity", "complete", "--workflow-id", pending.workflow_id),
            *("--activity-id", "1", "--result", json.dumps(RESULT), "--address", bench.address),
        ]
    return [
        *(str(bench.completers[program]), "complete", "--tasktoken", pending.token),
        *("--result", RESULT, "--address", bench.address),
    ]


async def one_completion(bench: Bench, program: str, pending: Pending) -> tuple[float, float]:
    """(end to end, process) milliseconds of one completion by one program."""
    handle = bench.client.get_workflow_handle(pending.workflow_id, result_type=str)

    async def result_time() -> float:
        result = await handle.result()
        if result != RESULT:
            raise MeasureError(f"the Workflow's result was {result!r}, not {RESULT!r}")
        return time.perf_counter()

    waiting = asyncio.create_task(result_time())
    # Lets the long poll for the result reach the server before the clock starts, so the
    # figure is the completion's, not this poll's setup.
    await asyncio.sleep(0.05)
    argv = completion_argv(bench, program, pending)
    began = time.perf_counter()
    try:
        code, _, err, ended = await run_process(argv, bench.address)
        if code != 0:
            raise failure(argv, code, err)
        result_at = await asyncio.wait_for(waiting, 30)
    finally:
        waiting.cancel()
        # Collects the wait's outcome, so a failed run leaves no unretrieved-exception warning.
        await asyncio.gather(waiting, return_exceptions=True)
    return (max(ended, result_at) - began) * 1000, (ended - began) * 1000


async def process_time(bench: Bench, argv: list[str]) -> float:
    began = time.perf_counter()
    code, _, err, ended = await run_process(argv, bench.address)
    if code != 0:
        raise failure(argv, code, err)
    return (ended - began) * 1000


@dataclass
class OneCompletion:
    preparation: Preparation
    completions: list[Timings]
    startup: list[Timings]  # --help and inspect


async def measure_one_completion(bench: Bench, runs: int) -> OneCompletion:
    programs = [*bench.completers, "temporal activity complete"]
    pending, preparation = await prepare(
        bench.client, bench.tokens, bench.prefix("one"), runs * len(programs)
    )
    await settle()
    completions = {p: Timings(p) for p in programs}
    left = list(pending)
    failed: list[Pending] = []
    # Programs take turns run by run, so a slow moment of the machine hits all alike.
    for run in range(runs):
        for program in programs:
            target = left.pop()
            timings = completions[program]
            try:
                end_to_end, process = await one_completion(bench, program, target)
            except Exception as err:  # one failed run is reported; the others go on
                timings.errors.append(describe(err))
                failed.append(target)
                continue
            timings.end_to_end_ms.append(end_to_end)
            timings.process_ms.append(process)
        print(f"  one completion: run {run + 1}/{runs} done", flush=True)
    await complete_leftovers(bench.client, failed)

    # inspect is offline: any well-formed token will do, even a completed one's.
    token = pending[0].token
    startup: list[Timings] = []
    for program, path in bench.completers.items():
        for label, argv in (
            (f"{program} --help", [str(path), "--help"]),
            (f"{program} inspect", [str(path), "inspect", "--tasktoken", token]),
        ):
            timings = Timings(label)
            for _ in range(runs):
                try:
                    timings.end_to_end_ms.append(await process_time(bench, argv))
                except MeasureError as err:
                    timings.errors.append(str(err))
            timings.process_ms = list(timings.end_to_end_ms)
            startup.append(timings)
    for timings in [*completions.values(), *startup]:
        if timings.errors:
            bench.errors.append(f"{timings.program}: {timings.errors[0]}")
    return OneCompletion(preparation, list(completions.values()), startup)


# 2. Bulk ------------------------------------------------------------------------------


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


async def batch(bench: Bench, program: str, pending: Sequence[Pending], concurrency: int) -> int:
    """Runs PROGRAM complete --batch FILE; returns how many jobs it reported ok."""
    jobs = bench.logs / f"batch-{bench.measurements:03d}-{program}-{len(pending)}.txt"
    jobs.write_text("".join(f"{p.token}\n" for p in pending))
    argv = [str(bench.executable(program)), "complete", "--batch", str(jobs)]
    argv += ["--result", RESULT, "--concurrency", str(concurrency)]
    argv += ["--address", bench.address]
    code, out, err, _ = await run_process(argv, bench.address)
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


# 3. Pending scale ---------------------------------------------------------------------


@dataclass
class PendingLevel:
    pending: int
    preparation: Preparation | None
    seconds: list[float] = field(default_factory=list)  # when each sample was taken
    rss_kib: list[int] = field(default_factory=list)
    slots_used: list[int] = field(default_factory=list)  # Activity task slots
    slots_available: list[int] = field(default_factory=list)


async def measure_pending(
    bench: Bench,
    levels: Sequence[int],
    sample_seconds: float,
    results: list[PendingLevel],
    samples: int = 6,
) -> None:
    """Tops the pending Activities up level by level (they are never completed: the server
    goes away with the run) and samples the Worker at each; appends to results as it goes."""
    held = 0
    for level in sorted(set(levels)):
        preparation = None
        if level > held:
            _, preparation = await prepare(
                bench.client, bench.tokens, bench.prefix(f"pending{level}"), level - held
            )
            held = level
        await settle()
        result = PendingLevel(level, preparation)
        began = time.perf_counter()
        for i in range(samples):
            result.seconds.append(time.perf_counter() - began)
            result.rss_kib.append(bench.worker.rss_kib())
            used, available = await asyncio.to_thread(bench.worker.activity_slots)
            result.slots_used.append(used)
            result.slots_available.append(available)
            if i < samples - 1:
                await asyncio.sleep(sample_seconds / (samples - 1))
        print(
            f"  pending {level}: RSS {result.rss_kib[-1] / 1024:.0f} MiB, "
            f"Activity slots used {max(result.slots_used)}",
            flush=True,
        )
        results.append(result)
