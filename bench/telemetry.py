"""Telemetry's overhead (issue 21): each language's `serve` and `complete --batch` with
metrics and traces on (serve --metrics-listen, --batch --metrics-file, every span exported
to an OTLP/HTTP endpoint in a process of its own) against the same with them off, in the
order A B B A (off, on, on, off), each run on N Activities of its own. Target: on is within
10% of off (completions/s, medians)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bench.base import Bench
from bench.figures import num, percentile, rate_cells, table
from bench.serve_process import LANGUAGES
from bench.serving import CLIENTS, ServeRun, measure_run

ON_OF_OFF = 0.90


@dataclass
class TelemetryPhase:
    size: int
    runs: list[ServeRun] = field(default_factory=list)


@asynccontextmanager
async def otlp_sink() -> AsyncIterator[str]:
    """The endpoint's URL, for the block."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.otlp_sink", stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        port = int((await asyncio.wait_for(process.stdout.readline(), 30)).decode())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        await process.wait()


def settings(on: bool, endpoint: str, bench: Bench, how: str) -> tuple[list[str], dict[str, str]]:
    """The options and environment of a run: none when off."""
    if not on:
        return [], {}
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_SERVICE_NAME": "bench"}
    if how == "serve":
        return ["--metrics-listen", "127.0.0.1:0"], env
    path = bench.logs / f"metrics-{bench.measurements:03d}.prom"
    return ["--metrics-file", str(path)], env


async def measure_telemetry(bench: Bench, size: int, rounds: int, phase: TelemetryPhase) -> None:
    """For each language and mode (serve, --batch): off, on, on, off, rounds times over."""
    async with otlp_sink() as endpoint:
        for _ in range(rounds):
            for program in LANGUAGES:
                for how in ("serve", "batch"):
                    for order, on in enumerate((False, True, True, False), 1):
                        run = await _one(bench, endpoint, program, how, on, order, size)
                        phase.runs.append(run)


async def _one(
    bench: Bench, endpoint: str, program: str, how: str, on: bool, order: int, size: int
) -> ServeRun:
    bench.measurements += 1
    label = "on" if on else "off"
    prefix = bench.prefix(f"telemetry{size}-m{bench.measurements:03d}-{how}-{label}")
    extra, env = settings(on, endpoint, bench, how)
    name = f"{program} {'serve' if how == 'serve' else '--batch'} telemetry {label}"
    step = f"[{order}/4]"
    run = await measure_run(bench, "telemetry", step, name, program, how, prefix, size, extra, env)
    run.order = order
    return run


def _rates(phase: TelemetryPhase, program: str) -> list[float]:
    return [
        r.per_second for r in phase.runs if r.program == program and r.per_second and not r.error
    ]


def paired_ratios(phase: TelemetryPhase, off: str, on: str) -> list[float]:
    """on / off of each run with telemetry on and the run without it beside it: in each
    round's off, on, on, off, the first two and the last two. The dev server slows as the
    runs pile up its Workflows (a third over a phase, more than telemetry costs), and two
    runs side by side see the same server."""
    runs = [r for r in phase.runs if r.program in (off, on)]
    ratios = []
    for first in range(0, len(runs) - 3, 4):
        a, b, c, d = runs[first : first + 4]
        for base, with_it in ((a, b), (d, c)):
            if base.per_second and with_it.per_second and not (base.error or with_it.error):
                ratios.append(with_it.per_second / base.per_second)
    return ratios


def targets(phase: TelemetryPhase) -> list[tuple[str, str, bool | None]]:
    found: list[tuple[str, str, bool | None]] = []
    for program in LANGUAGES:
        for how in ("serve", "--batch"):
            off, on = (f"{program} {how} telemetry {label}" for label in ("off", "on"))
            ratios = paired_ratios(phase, off, on)
            ratio = percentile(ratios, 0.5)
            found.append(
                (
                    f"telemetry N={phase.size}: {program} {how} with metrics and traces >= "
                    f"{ON_OF_OFF:.0%} of without (completions/s, median of the side-by-side "
                    "runs' ratios)",
                    "n/a"
                    if ratio is None
                    else f"{ratio:.0%} ({min(ratios):.0%} - {max(ratios):.0%}, "
                    f"{len(ratios)} pairs)",
                    None if ratio is None else ratio >= ON_OF_OFF,
                )
            )
    return found


def _cpu(phase: TelemetryPhase, program: str) -> float | None:
    """The median CPU per completion (µs) of the program's runs."""
    spent = [r.cpu_us for r in phase.runs if r.program == program and r.cpu_us and not r.error]
    return percentile(spent, 0.5)


def markdown(phase: TelemetryPhase) -> list[str]:
    programs: Sequence[str] = sorted({r.program for r in phase.runs})
    summary = []
    for program in programs:
        rates = _rates(phase, program)
        middle = percentile(rates, 0.5)
        summary.append(
            [
                program,
                str(len(rates)),
                *rate_cells(rates, middle),
                num(_cpu(phase, program), 0),
                ", ".join(num(r.load_average, 1) for r in phase.runs if r.program == program),
            ]
        )
    return [
        "",
        "## Telemetry's overhead",
        "",
        f"N = {phase.size} pending Activities completed through each language's serve "
        f"({CLIENTS} HTTP clients) and `complete --batch --concurrency {CLIENTS}`, with metrics "
        "and traces off, then on (`serve --metrics-listen`, `--batch --metrics-file`, every "
        "span exported by OTLP/HTTP to a sink in a process of its own), in the order off, on, "
        "on, off, each run on Activities of its own. CPU: the completer's own (all its "
        "threads) per completion, median: serve's over the measured requests, --batch's over "
        "its whole process (start-up included). The machine's load moves the rates much more "
        "than the CPU.",
        "",
        *table(
            ["program", "samples", "median /s", "range /s", "spread", "CPU µs", "load"],
            summary,
            "lrrrrrl",
        ),
    ]
