"""Running a batch's jobs: at most --concurrency requests in flight, one JSON line per job
written as each finishes (output.py). send_all takes the sending as a function (verbs/batch.py
gives it send/'s, the tests a fake), so this module imports no temporalio.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from async_completer import lines
from async_completer.batch.output import BatchOutput
from async_completer.model import Job, Outcome

Send = Callable[[Job], Awaitable[Outcome]]


async def send_all(jobs: Sequence[Job], send: Send, concurrency: int, output: BatchOutput) -> None:
    """Sends every job with at most `concurrency` in flight: that many workers take the
    next job as they finish one. One job's failure, even a bug, never stops the others."""
    output.loop = asyncio.get_running_loop()
    pending = iter(jobs)

    async def worker() -> None:
        for job in pending:
            try:
                outcome = await send(job)
            except Exception as err:
                outcome = Outcome(job.line, 1, lines.unexpected_failure(err))
            output.add(outcome)

    try:
        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(jobs)))))
    finally:
        output.loop = None
