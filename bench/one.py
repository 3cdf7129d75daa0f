"""One completion as a whole process: each completer and `temporal` by turns, and the
start-up of --help and inspect."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

from bench.base import (
    RESULT,
    Bench,
    MeasureError,
    complete_leftovers,
    describe,
    failure,
    run_process,
    settle,
)
from bench.figures import percentile
from bench.prepare import Preparation, prepare
from bench.procs import Pending
from tests.harness import TEMPORAL


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
