"""serve (issue 10): N pending Activities completed through each language's `serve` by 32
concurrent HTTP clients, beside the same language's `complete --batch` at the same N."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp

from bench.base import RESULT, Bench, MeasureError, complete_leftovers, settle
from bench.bulk import CpuClock, batch
from bench.figures import ms, num, percentile, rate_cells, table
from bench.prepare import prepare, wait_closed
from bench.procs import Pending
from bench.serve_process import LANGUAGES, Serve, post, session

CLIENTS = 32  # concurrent HTTP clients, as the issue says
SERVE_OF_BATCH = 0.90
PYTHON_OF_GO = 0.80


@dataclass
class ServeRun:
    size: int
    program: str  # "go-completer serve" or "go-completer --batch"
    order: int  # its place in the phase's A B B A sequence
    load_average: float | None = None
    wall_seconds: float | None = None  # serve: first request to last answer; batch: process
    per_second: float | None = None
    ok: int = 0
    latency_p50_ms: float | None = None  # serve only: one request, sent to answered
    latency_p95_ms: float | None = None
    # The completer's CPU (all its threads) per completion: serve's over the measured
    # requests, --batch's over its whole process.
    cpu_us: float | None = None
    error: str | None = None


@dataclass
class ServePhase:
    clients: int
    runs: list[ServeRun] = field(default_factory=list)


async def through_serve(
    bench: Bench,
    program: str,
    pending: Sequence[Pending],
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> ServeRun:
    run = ServeRun(len(pending) - 1, f"{program} serve", 0)
    async with Serve(bench, program, extra, env) as served, session(CLIENTS) as http:
        # The first request connects serve to Temporal: not part of the measurement.
        warm, *jobs = pending
        status, answer, _ = await post(
            http, served.url, {"tasktoken": warm.token, "result": RESULT}
        )
        if status != 200:
            raise MeasureError(f"{program} serve answered {status} {answer} to the first request")
        queue: asyncio.Queue[Pending] = asyncio.Queue()
        for p in jobs:
            queue.put_nowait(p)
        latencies: list[float] = []
        failures: list[str] = []

        async def client() -> None:
            while not queue.empty():
                p = queue.get_nowait()
                try:
                    status, answer, elapsed = await post(
                        http, served.url, {"tasktoken": p.token, "result": RESULT}
                    )
                except aiohttp.ClientError as err:
                    failures.append(f"{type(err).__name__}: {err}")
                    continue
                latencies.append(elapsed)
                if status == 200 and answer.get("outcome") == "ok":
                    run.ok += 1
                else:
                    failures.append(f"{status} {answer.get('message', '')}")

        await settle()
        run.load_average = os.getloadavg()[0]
        cpu = served.cpu_seconds()
        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CLIENTS)))
        run.wall_seconds = time.perf_counter() - began
        run.cpu_us = (served.cpu_seconds() - cpu) / run.size * 1e6
    run.per_second = run.size / run.wall_seconds if run.wall_seconds else None
    run.latency_p50_ms = percentile(latencies, 0.5)
    run.latency_p95_ms = percentile(latencies, 0.95)
    if failures:
        raise MeasureError(f"{len(failures)} requests failed, the first: {failures[0]}")
    return run


async def through_batch(
    bench: Bench,
    program: str,
    pending: Sequence[Pending],
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> ServeRun:
    run = ServeRun(len(pending), f"{program} --batch", 0)
    await settle()
    run.load_average = os.getloadavg()[0]
    clock = CpuClock(bench.server_pid, bench.worker.process.pid)
    clock.start()
    began = time.perf_counter()
    run.ok = await batch(bench, program, pending, CLIENTS, extra, env)
    run.wall_seconds = time.perf_counter() - began
    _, children, _, _ = clock.read()  # the batch process: the one child reaped meanwhile
    run.cpu_us = children / run.size * 1e6
    run.per_second = run.size / run.wall_seconds
    if run.ok != run.size:
        raise MeasureError(f"{run.program} completed {run.ok} of {run.size}")
    return run


async def measure_run(
    bench: Bench,
    phase: str,
    step: str,
    name: str,
    program: str,
    how: str,
    prefix: str,
    size: int,
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> ServeRun:
    """One run of the serve and telemetry phases: N Activities of its own (serve gets one
    more: its first request, connecting, is not measured) completed through PROGRAM's serve
    or --batch (how), then every Workflow waited for until closed. A run that fails is
    named so in its error and in bench.errors, and what it left pending is completed.
    Prints its rate as `PHASE N=SIZE STEP NAME: RATE`."""
    count = size + 1 if how == "serve" else size
    pending, _ = await prepare(bench.client, bench.tokens, prefix, count)
    try:
        if how == "serve":
            run = await through_serve(bench, program, pending, extra, env)
        else:
            run = await through_batch(bench, program, pending, extra, env)
    except MeasureError as err:
        run = ServeRun(size, name, 0, error=str(err))
        bench.errors.append(f"{phase} N={size}, {name}: {err}")
        await complete_leftovers(bench.client, pending)
    run.program = name
    closed = await wait_closed(bench.client, prefix, count)
    if run.error is None and closed.completed != count:
        run.error = f"{closed.completed} of {count} Workflows completed"
        bench.errors.append(f"{phase} N={size}, {name}: {run.error}")
    rate = f"{run.per_second:.0f}/s" if run.per_second and not run.error else run.error
    print(f"  {phase} N={size} {step} {name}: {rate}", flush=True)
    return run


async def measure_serve(bench: Bench, sizes: Sequence[int], phase: ServePhase) -> None:
    """For each size: A B B A over (language x serve/--batch), each run N Activities of its
    own. Appends to phase.runs as it goes."""
    forward = [(lang, how) for lang in LANGUAGES for how in ("serve", "batch")]
    for size in sizes:
        for i, (program, how) in enumerate([*forward, *forward[::-1]], 1):
            bench.measurements += 1
            prefix = bench.prefix(f"serve{size}-m{bench.measurements:03d}-{how}")
            name = f"{program} {'serve' if how == 'serve' else '--batch'}"
            run = await measure_run(bench, "serve", f"[{i}/8]", name, program, how, prefix, size)
            run.order = i
            phase.runs.append(run)


# Report -------------------------------------------------------------------------------


def median_rate(phase: ServePhase, size: int, program: str) -> float | None:
    rates = [
        r.per_second
        for r in phase.runs
        if r.size == size and r.program == program and r.per_second and not r.error
    ]
    return percentile(rates, 0.5)


def targets(phase: ServePhase) -> list[tuple[str, str, bool | None]]:
    found: list[tuple[str, str, bool | None]] = []
    for size in sorted({r.size for r in phase.runs}):
        for program, reference, share in (
            ("go-completer serve", "go-completer --batch", SERVE_OF_BATCH),
            ("python-completer serve", "python-completer --batch", SERVE_OF_BATCH),
            ("python-completer serve", "go-completer serve", PYTHON_OF_GO),
        ):
            value, base = median_rate(phase, size, program), median_rate(phase, size, reference)
            ratio = value / base if value and base else None
            found.append(
                (
                    f"serve N={size}: {program} >= {share:.0%} of {reference} (completions/s)",
                    "n/a" if ratio is None else f"{ratio:.0%} ({value:,.0f}/s vs {base:,.0f}/s)",
                    None if ratio is None else ratio >= share,
                )
            )
    return found


def markdown(phase: ServePhase) -> list[str]:
    rows = [
        [
            f"{r.size:,}",
            r.program,
            str(r.order),
            num(r.wall_seconds, 2),
            num(r.per_second, 0),
            ms(r.latency_p50_ms),
            ms(r.latency_p95_ms),
            num(r.load_average, 1),
            r.error or "",
        ]
        for r in sorted(phase.runs, key=lambda r: (r.size, r.program, r.order))
    ]
    summary = []
    for size in sorted({r.size for r in phase.runs}):
        for program in sorted({r.program for r in phase.runs}):
            rates = [
                r.per_second
                for r in phase.runs
                if (r.size, r.program) == (size, program) and r.per_second and not r.error
            ]
            middle = percentile(rates, 0.5)
            summary.append(
                [
                    f"{size:,}",
                    program,
                    str(len(rates)),
                    *rate_cells(rates, middle),
                ]
            )
    return [
        "",
        "## serve against --batch",
        "",
        f"N pending Activities completed through `COMPLETER serve --listen 127.0.0.1:0` by "
        f"{phase.clients} concurrent HTTP clients (aiohttp, keep-alive, in the bench's own "
        "process), by token; serve's wall time runs from the first measured request to the "
        "last answer (serve already running and connected: one request before the clock), "
        f"--batch's from process start to exit (`--concurrency {phase.clients}`, start-up "
        "included). Each language's serve and --batch ran in the order A B B A, each run on N "
        "Activities of its own. Latency: one request, sent to answered.",
        "",
        *table(
            ["N", "program", "samples", "median /s", "range /s", "spread"],
            summary,
            "rlrrrr",
        ),
        "",
        *table(
            [
                *("N", "program", "order", "wall s", "completions/s", "p50 ms", "p95 ms"),
                *("load", "error"),
            ],
            rows,
            "rlrrrrrrl",
        ),
    ]
