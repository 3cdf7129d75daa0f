"""list with what each Activity asks (issue 19): N pending Activities listed by
`COMPLETER list --json --query Q` (a describe and a history read per Workflow) against the
same listing with `--no-input` (describes alone), each language in the order A B B A. The
target: with the input, at least 80% of the rate without it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from bench.base import Bench, complete_leftovers
from bench.figures import num, percentile, rate_cells, table
from bench.listing import cli_list, measure_rows, wait_visible
from bench.prepare import prepare

LANGUAGES = ("go-completer", "python-completer")
WITH, WITHOUT = "input", "--no-input"
OF_NO_INPUT = 0.80


@dataclass
class AsksRun:
    program: str
    mode: str  # WITH or WITHOUT
    order: int  # its place in the program's A B B A
    load_average: float | None = None
    wall_seconds: float | None = None
    rows: int = 0
    rows_per_second: float | None = None
    error: str | None = None


@dataclass
class AsksPhase:
    pending: int
    concurrency: int
    query: str = ""
    preparation_seconds: float = 0.0
    runs: list[AsksRun] = field(default_factory=list)


async def measure_asks(bench: Bench, count: int, concurrency: int, phase: AsksPhase) -> None:
    prefix = bench.prefix("asks")
    phase.query = f'WorkflowId STARTS_WITH "{prefix}-" AND ExecutionStatus = "Running"'
    pending, preparation = await prepare(bench.client, bench.tokens, prefix, count)
    phase.preparation_seconds = preparation.ready_seconds
    try:
        await wait_visible(bench, phase.query, count)
        for program in LANGUAGES:
            for i, mode in enumerate((WITH, WITHOUT, WITHOUT, WITH), 1):
                run = AsksRun(program, mode, i, os.getloadavg()[0])
                extra = () if mode == WITH else ("--no-input",)
                listing = cli_list(bench, program, phase.query, concurrency, extra)
                await measure_rows(
                    bench, run, count, listing, f"asks {count}", f"{program} {mode}", 4
                )
                phase.runs.append(run)
    finally:
        await complete_leftovers(bench.client, pending)


def median_rate(phase: AsksPhase, program: str, mode: str) -> float | None:
    rates = [
        r.rows_per_second
        for r in phase.runs
        if (r.program, r.mode) == (program, mode) and r.rows_per_second and not r.error
    ]
    return percentile(rates, 0.5)


def targets(phase: AsksPhase) -> list[tuple[str, str, bool | None]]:
    found: list[tuple[str, str, bool | None]] = []
    for program in LANGUAGES:
        value, base = median_rate(phase, program, WITH), median_rate(phase, program, WITHOUT)
        ratio = value / base if value and base else None
        found.append(
            (
                f"list {phase.pending:,} pending with input: {program} >= {OF_NO_INPUT:.0%} "
                "of its --no-input rate (rows/s)",
                "n/a" if ratio is None else f"{ratio:.0%} ({value:,.0f}/s vs {base:,.0f}/s)",
                None if ratio is None else ratio >= OF_NO_INPUT,
            )
        )
    return found


def markdown(phase: AsksPhase) -> list[str]:
    summary = []
    for program in LANGUAGES:
        for mode in (WITH, WITHOUT):
            samples = [
                r for r in phase.runs if (r.program, r.mode) == (program, mode) and not r.error
            ]
            rates = [r.rows_per_second for r in samples if r.rows_per_second]
            middle = percentile(rates, 0.5)
            summary.append(
                [
                    program,
                    mode,
                    str(len(rates)),
                    *rate_cells(rates, middle),
                ]
            )
    rows = [
        [
            str(r.order),
            r.program,
            r.mode,
            num(r.wall_seconds, 2),
            f"{r.rows:,}",
            num(r.rows_per_second, 0),
            num(r.load_average, 1),
            r.error or "",
        ]
        for r in phase.runs
    ]
    return [
        "",
        "## list with what each Activity asks",
        "",
        f"{phase.pending:,} pending Activities (prepared in {phase.preparation_seconds:.0f} s, "
        "completed after the phase) listed by `COMPLETER list --json --query Q --concurrency "
        f"{phase.concurrency}`, which reads each Workflow's history for the input and summary, "
        "and with `--no-input` (describes alone). Each language in the order A B B A (with, "
        f"without, without, with). Q is `{phase.query}`.",
        "",
        *table(
            ["program", "mode", "samples", "median rows/s", "range /s", "spread"],
            summary,
            "llrrrr",
        ),
        "",
        *table(
            ["order", "program", "mode", "wall s", "rows", "rows/s", "load", "error"],
            rows,
            "rllrrrrl",
        ),
    ]
