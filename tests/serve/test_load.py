"""serve under load, with real HTTP from 32 concurrent clients (aiohttp, keep-alive).

What must hold (shared/DESIGN.md, "Bad input and faults"; docs/completer-http.md): every
request answered 200 is in its Workflow's history exactly once; nothing is answered 5xx;
serve keeps no state, so two instances sharing the load do the same; SIGTERM lets the
requests in flight finish, and serve exits 0.

The pending Activities come from a Worker of this module's own, on a task queue of its own
on the session's server, so that the session's Worker and the pages listing task queue
`async` never see them. Sizes are lean (a 2-core machine runs the dev server, the Workers,
serve and the clients): 1,000 completions once, against the Python serve, whose one event
loop and one Temporal client serve all 32 clients; 300 for the other tests, which load the Go
serve too (two instances, one per language; SIGTERM, for each language)."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.faults import helpers as h
from tests.harness import TOKEN_LINE, DevServer, EventLoopThread, unique_id, wait_until
from tests.serve import contract as c
from tests.serve.harness import Answer, ServeProcess, serving
from tests.serve.history import assert_history_of_one_completion, completions, histories

CLIENTS = 32
ONE_SERVE = 1000
ONE_SERVE_KIND = "python"
TWO_SERVES = 300
SIGTERM_LOAD = 300
# SIGTERM once this many answers arrived: about a third of the load.
SIGTERM_AFTER = 100
# Histories read whole, spread over the load.
SAMPLE = 40
# The bound of docs/completer-http.md for a stop (--rpc-timeout plus 5 s), with a margin.
RPC_TIMEOUT = 10
STOP_BOUND = RPC_TIMEOUT + 5 + 5


@dataclass(frozen=True)
class LoadJob:
    """One request of a load: its body, and the answer and result it must have."""

    handle: Any
    body: bytes
    result: str
    expected: Answer


@dataclass
class Sent:
    """What became of one request: its answer, or the error that stands for none."""

    answer: Answer | None = None
    error: str | None = None
    sent_after_signal: bool = False
    answered_after_signal: bool = False


@pytest.fixture(scope="module")
def load_worker(dev_server: DevServer, serve_logs: Path) -> Iterator[h.QueueWorker]:
    worker = h.QueueWorker(
        dev_server.address, serve_logs / "load-worker.log", task_queue=unique_id("serve-load")
    ).start()
    try:
        worker.wait_started()
        yield worker
    finally:
        worker.stop()


def tokens_of(log: Path, workflow_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Workflow ID -> (run ID, token) of the first attempts of these Workflows in log."""
    found: dict[str, tuple[str, str]] = {}
    for line in log.read_text().splitlines():
        if TOKEN_LINE.search(line):
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            if fields["workflow_id"] in workflow_ids and fields["attempt"] == "1":
                found[fields["workflow_id"]] = (fields["run_id"], fields["taskToken"])
    return found


def prepare(
    loop: EventLoopThread, client: Any, worker: h.QueueWorker, count: int, label: str
) -> list[LoadJob]:
    """count pending Activities, and a complete job for each, in turn by token, by IDs and
    by IDs with the run ID; each with a result of its own."""
    handles = h.start_workflows(loop, client, worker.task_queue, count, prefix=f"load-{label}")
    ids = {handle.id for handle in handles}

    def all_tokens() -> dict[str, tuple[str, str]] | None:
        found = tokens_of(worker.log, ids)
        return found if len(found) == count else None

    found: dict[str, tuple[str, str]] = wait_until(
        all_tokens, 120, f"{count} token lines in {worker.log}", interval=0.5
    )
    jobs = []
    for index, handle in enumerate(handles):
        run_id, token = found[handle.id]
        result = f"{label} {index} ✓"
        if index % 3 == 0:
            job: dict[str, str] = {"tasktoken": token, "result": result}
            desc = c.by_token(handle.id)
        else:
            job = {"workflow_id": handle.id, "activity_id": "1", "result": result}
            if index % 3 == 2:
                job["run_id"] = run_id
            desc = c.by_ids(handle.id)
        body = json.dumps(job, ensure_ascii=False).encode()
        jobs.append(LoadJob(handle, body, result, c.ok(c.completed(desc))))
    return jobs


async def send_all(
    urls: Sequence[str],
    jobs: Sequence[LoadJob],
    *,
    clients: int = CLIENTS,
    signal_after: tuple[int, Callable[[], None]] | None = None,
) -> list[Sent]:
    """POSTs every job to /v1/complete from `clients` concurrent clients, job i to
    urls[i % len(urls)]. With signal_after=(n, action), action runs once, as the n-th
    answer arrives."""
    sent = [Sent() for _ in jobs]
    indexes = iter(range(len(jobs)))
    signalled = False
    answered = 0
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def one_client() -> None:
            nonlocal signalled, answered
            for index in indexes:
                record = sent[index]
                record.sent_after_signal = signalled
                url = urls[index % len(urls)] + "/v1/complete"
                headers = {"Content-Type": c.JSON}
                try:
                    async with session.post(url, data=jobs[index].body, headers=headers) as reply:
                        body = await reply.read()
                        content_type = reply.headers.get("Content-Type")
                        record.answer = Answer(reply.status, content_type, body)
                except (aiohttp.ClientError, TimeoutError) as err:
                    record.error = f"{type(err).__name__}: {err}"
                    continue
                record.answered_after_signal = signalled
                answered += 1
                if signal_after is not None and not signalled and answered >= signal_after[0]:
                    signalled = True
                    signal_after[1]()

        await asyncio.gather(*(one_client() for _ in range(clients)))
    return sent


def assert_every_answer_is_its_200(jobs: Sequence[LoadJob], sent: Sequence[Sent]) -> None:
    wrong = [
        (job.handle.id, record.answer, record.error)
        for job, record in zip(jobs, sent, strict=True)
        if record.answer != job.expected
    ]
    assert wrong == [], f"{len(wrong)} of {len(jobs)} not answered 200 as expected: {wrong[:5]}"


def assert_results(loop: EventLoopThread, jobs: Sequence[LoadJob]) -> None:
    """Every Workflow returned the result its job sent; a sample of histories, read whole,
    holds exactly one completion."""
    results = h.results(loop, [job.handle for job in jobs], timeout=240)
    assert results == [job.result for job in jobs]
    sample = list(jobs[:: max(1, len(jobs) // SAMPLE)])
    for job, history in zip(sample, histories(loop, [j.handle for j in sample]), strict=True):
        assert_history_of_one_completion(history, job.result)


def test_1000_completions_from_32_concurrent_clients_are_each_answered_200_and_done_once(
    dev_server: DevServer,
    loop: EventLoopThread,
    client: Any,
    load_worker: h.QueueWorker,
    tmp_path: Path,
) -> None:
    jobs = prepare(loop, client, load_worker, ONE_SERVE, "one-serve")
    with serving(ONE_SERVE_KIND, dev_server.address, tmp_path / "serve.log") as serve:
        sent = asyncio.run(send_all([serve.url], jobs))
        assert serve.running()
    assert_every_answer_is_its_200(jobs, sent)
    assert_results(loop, jobs)


def test_two_serves_sharing_the_load_answer_alike_and_each_activity_is_done_once(
    dev_server: DevServer,
    loop: EventLoopThread,
    client: Any,
    load_worker: h.QueueWorker,
    tmp_path: Path,
) -> None:
    """One instance per language behind a round-robin "balancer": request i goes to
    instance i % 2. Neither keeps state, so neither can tell."""
    jobs = prepare(loop, client, load_worker, TWO_SERVES, "two-serves")
    with (
        serving("python", dev_server.address, tmp_path / "serve-python.log") as python,
        serving("go", dev_server.address, tmp_path / "serve-go.log") as go,
    ):
        sent = asyncio.run(send_all([python.url, go.url], jobs))
    assert_every_answer_is_its_200(jobs, sent)
    assert_results(loop, jobs)


def test_sigterm_in_the_middle_of_a_load_finishes_what_is_in_flight_and_exits_0(
    dev_server: DevServer,
    loop: EventLoopThread,
    client: Any,
    load_worker: h.QueueWorker,
    kind: str,
    tmp_path: Path,
) -> None:
    jobs = prepare(loop, client, load_worker, SIGTERM_LOAD, f"sigterm-{kind}")
    serve = ServeProcess.start(
        kind,
        dev_server.address,
        tmp_path / "serve.log",
        "--rpc-timeout",
        f"{RPC_TIMEOUT}s",
    )
    signalled_at: list[float] = []

    def terminate() -> None:
        signalled_at.append(time.monotonic())
        serve.process.send_signal(signal.SIGTERM)

    try:
        sent = asyncio.run(send_all([serve.url], jobs, signal_after=(SIGTERM_AFTER, terminate)))
        assert signalled_at, f"fewer than {SIGTERM_AFTER} answers: nothing to interrupt"
        returncode = serve.process.wait(STOP_BOUND)
        stopped_after = time.monotonic() - signalled_at[0]
    finally:
        serve.stop()
    assert returncode == 0, f"{kind} serve exited with {returncode}; see {serve.log}"
    assert stopped_after < STOP_BOUND

    answered = [(job, record) for job, record in zip(jobs, sent, strict=True) if record.answer]
    unanswered = [job for job, record in zip(jobs, sent, strict=True) if not record.answer]
    # Every answer, also those written while serve was stopping, is the request's 200.
    wrong = [(job.handle.id, r.answer) for job, r in answered if r.answer != job.expected]
    assert wrong == [], wrong[:5]
    in_flight = [r for _, r in answered if r.answered_after_signal and not r.sent_after_signal]
    assert in_flight, "no request in flight at SIGTERM was answered: were they dropped?"
    assert unanswered, f"all {len(jobs)} were answered: SIGTERM came too late to test anything"

    # Every request answered 200 is in its history exactly once.
    done = [job for job, _ in answered]
    for job, history in zip(done, histories(loop, [job.handle for job in done]), strict=True):
        assert completions(history) == [job.result], job.handle.id

    # What was not answered was not done: sent again, to a new serve, each is done now.
    with serving(kind, dev_server.address, tmp_path / "serve-again.log") as again:
        resent = asyncio.run(send_all([again.url], unanswered))
    assert_every_answer_is_its_200(unanswered, resent)
    assert_results(loop, jobs)
