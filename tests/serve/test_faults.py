"""Temporal going away and coming back while serve runs (docs/completer-http.md: "a Temporal
server that is down gives 503 answers, not a failed start, and the same connection
recovers when the server returns").

A private dev server with a database file, stopped and started again on the same port, so
that the pending Activities survive the outage (tests/faults/helpers.py RestartableServer),
with a Worker of its own. Both languages at once: their 503 answers name the same address
and timeout, so they must be the same bytes."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from temporalio.client import Client

from tests.faults import helpers as h
from tests.harness import EventLoopThread, TokenLine, WorkerProcess, wait_until
from tests.serve import contract as c
from tests.serve.harness import KINDS, ServeProcess, elapsed, serving_all

RPC_TIMEOUT = "1s"
RPC_SECONDS = 1.0
# How much longer than --rpc-timeout an answer may take on a busy machine.
MARGIN = 5.0
# How long a serve may take to notice that Temporal is back: the SDKs' reconnect backoff.
RECOVERY = 60.0


def assert_unreachable_alike(serves: dict[str, ServeProcess], address: str, token: str) -> None:
    """Every route that needs Temporal answers 503 with the unreachable line, within
    --rpc-timeout and a margin, the same bytes from both languages; the page still 200."""
    expected = c.unreachable(address, RPC_TIMEOUT)
    json_type = {"Content-Type": c.JSON}
    requests: list[tuple[str, str, bytes | None, dict[str, str]]] = [
        ("POST", "/v1/complete", json.dumps({"tasktoken": token}).encode(), json_type),
        ("POST", "/v1/heartbeat", json.dumps({"tasktoken": token}).encode(), json_type),
        ("GET", "/healthz", None, {}),
        ("GET", "/v1/pending", None, {}),
    ]
    for method, path, body, headers in requests:
        answers, seconds = {}, {}
        for kind, serve in serves.items():
            start = time.monotonic()
            answers[kind] = serve.request(method, path, body, headers)
            seconds[kind] = elapsed(start)
        assert answers == dict.fromkeys(serves, expected), path
        assert answers["go"] == answers["python"]
        assert max(seconds.values()) < RPC_SECONDS + MARGIN, (path, seconds)
    for kind, serve in serves.items():
        assert serve.get("/").status == 200, kind


def test_serve_answers_503_while_temporal_is_down_and_200_once_it_is_back_on_the_same_port(
    loop: EventLoopThread, tmp_path: Path
) -> None:
    server = h.RestartableServer(tmp_path)
    server.start()
    worker = WorkerProcess(server.address, tmp_path / "worker.log").start()
    with contextlib.ExitStack() as stack:
        stack.callback(server.stop)
        stack.callback(worker.stop)
        worker.wait_started()
        client = loop.run(Client.connect(server.address))
        # Two Activities per language: one for a serve running before the outage, one for
        # a serve started during it.
        handles = h.start_workflows(loop, client, "async", 2 * len(KINDS), prefix="serve-down")
        lines: list[TokenLine] = [worker.wait_for_token(handle.id) for handle in handles]
        serve_args = ("--rpc-timeout", RPC_TIMEOUT)

        before = stack.enter_context(
            serving_all(KINDS, server.address, tmp_path, *serve_args, name="before")
        )
        for kind, serve in before.items():
            assert serve.get("/healthz") == c.healthy(server.address), kind

        server.stop()
        assert not h.listening(server.address)
        assert_unreachable_alike(before, server.address, lines[0].token)

        # Started while Temporal is down: it listens all the same.
        during = stack.enter_context(
            serving_all(KINDS, server.address, tmp_path, *serve_args, name="during")
        )
        assert_unreachable_alike(during, server.address, lines[0].token)

        server.start()
        serves = {f"{kind} before": serve for kind, serve in before.items()}
        serves.update({f"{kind} during": serve for kind, serve in during.items()})
        for name, serve in serves.items():
            wait_until(serve.healthy, RECOVERY, f"{name} serve to see Temporal again")
            assert serve.get("/healthz") == c.healthy(server.address), name

        client = loop.run(Client.connect(server.address))
        handles = [client.get_workflow_handle(handle.id) for handle in handles]
        for (name, serve), handle, line in zip(serves.items(), handles, lines, strict=True):
            job = {"tasktoken": line.token, "result": f"after the outage, by {name}"}
            answer = serve.post("/v1/complete", job)
            assert answer == c.ok(c.completed(c.by_token(handle.id))), name
        assert h.results(loop, handles, timeout=120) == [
            f"after the outage, by {name}" for name in serves
        ]
        # The same processes all along, never restarted, and each stops cleanly.
        for name, serve in serves.items():
            assert serve.running(), name
            assert serve.stdout_lines == [f"Serving on {serve.url}"], name
            assert serve.stop() == 0, name
