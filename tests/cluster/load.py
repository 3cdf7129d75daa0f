"""Loads on the cluster: many pending Activities, and HTTP clients that deliver each
completion the way docs/completer-http.md asks a webhook sender to: one Idempotency-Key
per completion, kept on every retry, 503 retried, 200 taken as done whether or not it
says "already", anything else final."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.harness import EventLoopThread
from tests.serve import contract as c
from tests.serve.harness import Answer
from tests.serve.history import assert_history_of_one_completion, histories
from tests.serve.test_load import LoadJob

CLIENTS = 32
# A retried delivery waits this long, then goes to the next serve (a load balancer's
# round robin); a node that went away is back well within the deadline.
RETRY_PAUSE = 0.5
DELIVERY_DEADLINE = 180.0


@dataclass
class Delivery:
    """Every try of one completion: its HTTP status, or the error that stood for none."""

    tries: list[int | str] = field(default_factory=list)
    answer: Answer | None = None

    @property
    def kind(self) -> str:
        """How it went, in the words of the figures printed: `200`, `503 then 200`, or
        what went wrong."""
        if self.tries == [200]:
            return "200"
        if self.tries and self.tries[-1] == 200 and set(self.tries[:-1]) == {503}:
            return "503 then 200"
        return "other: " + " ".join(map(str, self.tries))

    @property
    def already(self) -> bool:
        return (
            self.answer is not None
            and self.answer.status == 200
            and bool(self.answer.json().get("already"))
        )


async def deliver_all(
    urls: Sequence[str],
    jobs: Sequence[LoadJob],
    *,
    clients: int = CLIENTS,
    after: tuple[int, Callable[[], None]] | None = None,
) -> list[Delivery]:
    """Delivers every job's completion from `clients` concurrent clients, job i first to
    urls[i % len(urls)]. With after=(n, action), action runs once, when n deliveries are
    done (in the event loop: it must be quick)."""
    delivered = [Delivery() for _ in jobs]
    indexes = iter(range(len(jobs)))
    done = 0
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def one_client() -> None:
            nonlocal done, after
            for index in indexes:
                record = delivered[index]
                headers = {"Content-Type": c.JSON, "Idempotency-Key": f"delivery-{index}"}
                deadline = time.monotonic() + DELIVERY_DEADLINE
                for attempt in range(10_000):
                    url = urls[(index + attempt) % len(urls)] + "/v1/complete"
                    try:
                        async with session.post(
                            url, data=jobs[index].body, headers=headers
                        ) as reply:
                            record.answer = Answer(
                                reply.status, reply.headers.get("Content-Type"), await reply.read()
                            )
                            record.tries.append(reply.status)
                    except (aiohttp.ClientError, TimeoutError) as err:
                        record.tries.append(type(err).__name__)
                        break
                    if reply.status != 503 or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(RETRY_PAUSE)
                done += 1
                if after is not None and done >= after[0]:
                    action, after = after[1], None
                    action()

        await asyncio.gather(*(one_client() for _ in range(clients)))
    return delivered


def figures(delivered: Sequence[Delivery]) -> str:
    kinds = Counter(d.kind for d in delivered)
    retried = [d for d in delivered if d.kind == "503 then 200"]
    already = sum(d.already for d in retried)
    most = max((len(d.tries) - 1 for d in retried), default=0)
    parts = [f"{len(delivered)} completions: {kinds['200']} answered 200 at once"]
    parts.append(
        f"{len(retried)} answered 503 then 200 on a retry with the same Idempotency-Key "
        f'({already} of them "already": true; at most {most} retries)'
    )
    others = len(delivered) - kinds["200"] - len(retried)
    parts.append(f"{others} answered otherwise")
    return ", ".join(parts)


def assert_every_delivery_done(jobs: Sequence[LoadJob], delivered: Sequence[Delivery]) -> None:
    """Each completion ended in its 200 (the success line, or "already" after a 503),
    with nothing but 503 before it."""
    wrong = []
    for job, record in zip(jobs, delivered, strict=True):
        if record.kind not in ("200", "503 then 200") or record.answer is None:
            wrong.append((job.handle.id, record.tries, record.answer))
            continue
        body = record.answer.json()
        said = body["message"] == job.expected.json()["message"] or (
            record.already and body["message"].startswith("Already done: ")
        )
        if body["outcome"] != "ok" or not said:
            wrong.append((job.handle.id, record.tries, record.answer))
    assert wrong == [], f"{len(wrong)} of {len(jobs)} not done as expected: {wrong[:5]}"


def assert_each_completed_once(loop: EventLoopThread, jobs: Sequence[LoadJob]) -> None:
    """Every Workflow closed with its job's result, and every history, read whole, holds
    exactly one completion of its Activity."""
    from tests.faults import helpers as h

    handles: list[Any] = [job.handle for job in jobs]
    assert h.results(loop, handles, timeout=300) == [job.result for job in jobs]
    for job, history in zip(jobs, histories(loop, handles), strict=True):
        assert_history_of_one_completion(history, job.result)
