"""list (issue 9): N pending Activities listed by `COMPLETER list --json --query Q` of each
language, against an in-process SDK loop doing the same visibility pages + describes at the
same concurrency (the ceiling)."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionRequest,
    ListWorkflowExecutionsRequest,
)

from bench.base import Bench, MeasureError, complete_leftovers, failure, run_process
from bench.figures import num, percentile, rate_cells, table
from bench.prepare import prepare

SDK_LIST = "in-process SDK list"
PROGRAMS = (SDK_LIST, "go-completer", "python-completer")
OF_CEILING = 0.80
PYTHON_OF_GO = 0.80
PAGE_SIZE = 1000  # the completers' default --page-size


@dataclass
class ListRun:
    program: str
    order: int  # its place in the A B C C B A sequence
    load_average: float | None = None
    wall_seconds: float | None = None
    rows: int = 0
    rows_per_second: float | None = None
    error: str | None = None


@dataclass
class ListPhase:
    pending: int
    concurrency: int
    query: str = ""
    preparation_seconds: float = 0.0
    runs: list[ListRun] = field(default_factory=list)


async def sdk_list(bench: Bench, query: str, concurrency: int) -> int:
    """The ceiling: visibility pages on the connected client, a describe of each Workflow as
    its page arrives, at most `concurrency` in flight; counts the pending Activities. Raw
    service calls, as the completers make them: no conversion of the answers."""
    service = bench.client.workflow_service
    namespace = bench.client.namespace
    limit = asyncio.Semaphore(concurrency)
    rows = 0

    async def describe(execution: WorkflowExecution) -> None:
        nonlocal rows
        try:
            answer = await service.describe_workflow_execution(
                DescribeWorkflowExecutionRequest(namespace=namespace, execution=execution)
            )
            rows += len(answer.pending_activities)
        finally:
            limit.release()

    tasks = []
    token = b""
    while True:
        page = await service.list_workflow_executions(
            ListWorkflowExecutionsRequest(
                namespace=namespace, page_size=PAGE_SIZE, next_page_token=token, query=query
            )
        )
        for info in page.executions:
            await limit.acquire()
            tasks.append(asyncio.create_task(describe(info.execution)))
        token = page.next_page_token
        if not token:
            break
    await asyncio.gather(*tasks)
    return rows


async def cli_list(
    bench: Bench, program: str, query: str, concurrency: int, extra: Sequence[str] = ()
) -> int:
    argv = [str(bench.completers[program]), "list", "--json", "--query", query, *extra]
    argv += ["--concurrency", str(concurrency), "--address", bench.address]
    code, out, err, _ = await run_process(argv, bench.address)
    if code != 0:
        raise failure(argv, code, err)
    rows = 0
    for line in out.splitlines():
        try:
            rows += "activity_id" in json.loads(line)
        except (ValueError, TypeError):
            raise MeasureError(
                f"{program} list printed a line that is not JSON: {line!r}"
            ) from None
    return rows


class RowsRun(Protocol):
    """A run of a listing phase (ListRun, asks.AsksRun): what measure_rows fills in."""

    order: int
    rows: int
    wall_seconds: float | None
    rows_per_second: float | None
    error: str | None


async def wait_visible(bench: Bench, query: str, count: int) -> None:
    """Visibility lags the starts: waits until it holds every one of them."""
    deadline = time.monotonic() + 60 + count / 50
    while (await bench.client.count_workflows(query)).count < count:
        if time.monotonic() > deadline:
            raise MeasureError(f"visibility did not show the {count} Workflows in time")
        await asyncio.sleep(0.5)


async def measure_rows(
    bench: Bench,
    run: RowsRun,
    count: int,
    listing: Awaitable[int],
    phase: str,
    label: str,
    runs: int,
) -> None:
    """Times one listing of the count pending Activities into run (its wall time, rows and
    rate, or its error, which bench.errors gets too) and prints its line: phase ("list N")
    and label (the program, and what differs) name it, of runs in the sequence."""
    began = time.perf_counter()
    try:
        run.rows = await listing
        run.wall_seconds = time.perf_counter() - began
        run.rows_per_second = run.rows / run.wall_seconds
        if run.rows != count:
            raise MeasureError(f"listed {run.rows} of {count} pending Activities")
    except Exception as err:
        run.error = str(err) if isinstance(err, MeasureError) else repr(err)
        bench.errors.append(f"{phase}, {label}: {run.error}")
    rate = f"{run.rows_per_second:,.0f} rows/s" if not run.error else run.error
    print(f"  {phase} [{run.order}/{runs}] {label}: {rate}", flush=True)


async def measure_list(bench: Bench, count: int, concurrency: int, phase: ListPhase) -> None:
    prefix = bench.prefix("list")
    phase.query = f'WorkflowId STARTS_WITH "{prefix}-" AND ExecutionStatus = "Running"'
    pending, preparation = await prepare(bench.client, bench.tokens, prefix, count)
    phase.preparation_seconds = preparation.ready_seconds
    try:
        await wait_visible(bench, phase.query, count)
        order = [*PROGRAMS, *PROGRAMS[::-1]]
        for i, program in enumerate(order, 1):
            run = ListRun(program, i)
            run.load_average = os.getloadavg()[0]
            if program == SDK_LIST:
                listing = sdk_list(bench, phase.query, concurrency)
            else:
                listing = cli_list(bench, program, phase.query, concurrency)
            await measure_rows(bench, run, count, listing, f"list {count}", program, len(order))
            phase.runs.append(run)
    finally:
        # Completed afterwards, so the phases after this one start without them.
        await complete_leftovers(bench.client, pending)


# Report -------------------------------------------------------------------------------


def median_rate(phase: ListPhase, program: str) -> float | None:
    rates = [
        r.rows_per_second
        for r in phase.runs
        if r.program == program and r.rows_per_second and not r.error
    ]
    return percentile(rates, 0.5)


def targets(phase: ListPhase) -> list[tuple[str, str, bool | None]]:
    found: list[tuple[str, str, bool | None]] = []
    for program, reference, share in (
        ("go-completer", SDK_LIST, OF_CEILING),
        ("python-completer", SDK_LIST, OF_CEILING),
        ("python-completer", "go-completer", PYTHON_OF_GO),
    ):
        value, base = median_rate(phase, program), median_rate(phase, reference)
        ratio = value / base if value and base else None
        found.append(
            (
                f"list {phase.pending:,} pending: {program} >= {share:.0%} of {reference} (rows/s)",
                "n/a" if ratio is None else f"{ratio:.0%} ({value:,.0f}/s vs {base:,.0f}/s)",
                None if ratio is None else ratio >= share,
            )
        )
    return found


def markdown(phase: ListPhase) -> list[str]:
    ceiling = median_rate(phase, SDK_LIST)
    summary = []
    for program in PROGRAMS:
        samples = [r for r in phase.runs if r.program == program and r.wall_seconds and not r.error]
        rates = [r.rows_per_second for r in samples if r.rows_per_second]
        middle = percentile(rates, 0.5)
        summary.append(
            [
                program,
                str(len(rates)),
                num(percentile([r.wall_seconds for r in samples if r.wall_seconds], 0.5), 2),
                *rate_cells(rates, middle),
                f"{middle / ceiling:.0%}" if middle and ceiling else "n/a",
            ]
        )
    rows = [
        [
            str(r.order),
            r.program,
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
        "## list",
        "",
        f"{phase.pending:,} pending Activities (prepared in {phase.preparation_seconds:.0f} s, "
        "completed after the phase) listed by `COMPLETER list --json --query Q --concurrency "
        f"{phase.concurrency}` (the whole process, connecting included) and by the in-process "
        f"SDK loop (already connected: visibility pages of {PAGE_SIZE}, a describe of each "
        f"Workflow, {phase.concurrency} in flight): the ceiling. Q is `{phase.query}`. Order "
        "A B C C B A; rows/s = pending Activities listed / wall time.",
        "",
        *table(
            [
                *("program", "samples", "median wall s", "median rows/s", "range /s"),
                *("spread", "of ceiling"),
            ],
            summary,
            "lrrrrrr",
        ),
        "",
        *table(
            ["order", "program", "wall s", "rows", "rows/s", "load", "error"],
            rows,
            "rlrrrrl",
        ),
    ]
