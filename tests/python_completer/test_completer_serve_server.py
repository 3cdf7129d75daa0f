"""`serve` in Python against the session's real dev server and Worker (tests/conftest.py):
make_app's routes with a real Temporal client, the lazily connected client that serve starts
with (503 while nothing answers, 200 once a server does, without restarting), and the
installed console script as a process: its `Serving on` line, its start-up refusals, and a
SIGTERM or SIGINT that ends it with exit 0.

The cross-language contract (both completers, byte for byte) is tests/serve's."""

from __future__ import annotations

import http.client
import json
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from async_completer import lines
from async_completer.connection import Connection, Server, client_config, connect
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import CancelledError

from tests.conftest import Demo
from tests.harness import (
    COMPLETERS,
    DevServer,
    EventLoopThread,
    clean_env,
    free_port,
    stop_process,
    unique_id,
    wait_until,
)
from tests.python_completer.test_completer_serve import Reply, Served, body_of, serving
from tests.security.pki import write_pki

ACTIVITY = 'Activity "1" of Workflow "{}"'


def server_of(demo: Demo, timeout_text: str = "10s") -> Server:
    return Server(demo.server.address, "default", timeout_text, tls=False)


@contextmanager
def real(demo: Demo) -> Iterator[Served]:
    """make_app with the session's client, on its event loop."""
    with serving(demo.client, server=server_of(demo), rpc_timeout=10, loop=demo.loop) as served:
        yield served


def test_complete_and_fail_reach_the_workflow(demo: Demo) -> None:
    completed, line = demo.pending()
    failed, _ = demo.pending()
    with real(demo) as served:
        job = {"workflow_id": completed.id, "activity_id": "1", "run_id": line.run_id}
        reply = served.post("/v1/complete", {**job, "result": "Approved ✓"})
        assert reply.body == body_of("ok", 0, "Completed " + ACTIVITY.format(completed.id))
        again = served.post("/v1/complete", {**job, "result": "twice"})
        assert (again.status, again.json()["outcome"]) == (409, "refused")
        no = served.post("/v1/fail", {"workflow_id": failed.id, "activity_id": "1", "reason": "No"})
        assert no.status == 200
    assert demo.result(completed) == "Approved ✓"
    with pytest.raises(WorkflowFailureError) as caught:
        demo.result(failed)
    assert "PythonCompleterFailure: No" in repr(caught.value.cause.__cause__)


def test_heartbeat_then_a_cancel_request_then_cancel(demo: Demo) -> None:
    handle, line = demo.pending(heartbeat_timeout=60)
    desc = f"{ACTIVITY.format(handle.id)} (attempt 1)"
    job = {"tasktoken": line.token}
    with real(demo) as served:
        beat = served.post("/v1/heartbeat", {**job, "details": "40%"})
        assert beat.body == body_of("ok", 0, f"Recorded a heartbeat for {desc}")
        refused = served.post("/v1/cancel", job)
        assert (refused.status, refused.json()["outcome"]) == (409, "refused")
        demo.loop.run(handle.cancel())

        def cancel_requested() -> Reply | None:
            reply = served.post("/v1/heartbeat", job)
            return reply if reply.json()["code"] == 5 else None

        reply = wait_until(cancel_requested, 30, "the heartbeat to see the cancel request")
        assert (reply.status, reply.json()["outcome"]) == (200, "cancel_requested")
        done = served.post("/v1/cancel", {**job, "details": "stopped"})
        assert done.body == body_of("ok", 0, f"Reported {desc} as cancelled")
    with pytest.raises(WorkflowFailureError) as caught:
        demo.result(handle)
    assert isinstance(caught.value.cause, CancelledError)


def test_pending_lists_the_activity_as_a_list_line_that_posts_back(demo: Demo) -> None:
    handle, line = demo.pending()
    with real(demo) as served:
        listed = served.request("GET", f"/v1/pending?workflow_id={handle.id}")
        assert (listed.status, listed.content_type) == (200, "application/x-ndjson")
        [text] = listed.body.decode().splitlines(keepends=True)
        record = json.loads(text)
        assert (record["workflow_id"], record["run_id"], record["state"]) == (
            handle.id,
            line.run_id,
            "started",
        )
        nothing = served.request("GET", f"/v1/pending?workflow_id={unique_id('nowhere')}")
        assert (nothing.status, nothing.body) == (200, b"")
        refused = served.request("GET", "/v1/pending?query=this+is+%3D%3D+not+a+query")
        assert (refused.status, refused.json()["outcome"]) == (409, "refused")
        assert refused.json()["message"].startswith("the server refused the query: ")
        done = served.post("/v1/complete", text.encode())
        assert done.body == body_of("ok", 0, "Completed " + ACTIVITY.format(handle.id))
    assert demo.result(handle) == ""


def test_the_lazy_client_answers_503_until_a_server_listens_then_200(
    loop: EventLoopThread, tmp_path: Path
) -> None:
    """serve's own client: connected lazily, to an address where nothing listens yet; the
    same client reaches the server started there later."""
    address = f"127.0.0.1:{free_port()}"
    config, server = client_config(Connection(address, None, 2.0, "2s"))
    client = loop.run(connect(config, server, lazy=True))
    unreachable = body_of("unreachable", 4, lines.unreachable(address, "2s"))
    with serving(client, server=server, rpc_timeout=2.0, loop=loop) as served:
        job = {"workflow_id": "wf-nowhere", "activity_id": "1"}
        begun = time.monotonic()
        assert served.post("/v1/complete", job).body == unreachable
        assert served.request("GET", "/healthz").body == unreachable
        assert served.request("GET", "/v1/pending").body == unreachable
        assert time.monotonic() - begun < 10
        dev = DevServer.start(tmp_path / "dev-server.log", port=int(address.rsplit(":", 1)[1]))
        try:
            wait_until(
                lambda: served.request("GET", "/healthz").status == 200,
                60,
                "the lazy client to reach the server",
                interval=0.5,
            )
            assert served.request("GET", "/healthz").body == body_of(
                "ok", 0, f"the Temporal server at {address} answers"
            )
            missing = served.post("/v1/complete", job)
            assert (missing.status, missing.json()["outcome"]) == (409, "refused")
        finally:
            dev.stop()


# The console script.


@dataclass
class Process:
    process: subprocess.Popen[bytes]
    url: str
    port: int
    stderr: Path

    def request(self, method: str, path: str) -> Reply:
        return Served(self.port, self.url).request(method, path)


def _read_first_line(stream: IO[bytes], found: list[str]) -> None:
    for raw in stream:
        found.append(raw.decode())


@contextmanager
def serve_process(address: str, tmp_path: Path, *args: str) -> Iterator[Process]:
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        process = subprocess.Popen(
            [str(COMPLETERS["python"]), "serve", "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE,
            stderr=err,
            env=clean_env(address),
        )
    found: list[str] = []
    assert process.stdout is not None
    threading.Thread(target=_read_first_line, args=(process.stdout, found), daemon=True).start()
    try:
        wait_until(lambda: found or process.poll() is not None, 30, "the Serving line")
        assert found, log.read_text()
        line = found[0]
        scheme = "https" if "--tls-cert" in args else "http"
        assert line.startswith(f"Serving on {scheme}://127.0.0.1:"), line
        assert line.endswith("\n"), line
        url = line.removeprefix("Serving on ").strip()
        yield Process(process, url, int(url.rsplit(":", 1)[1]), log)
    finally:
        stop_process(process)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_the_process_prints_where_it_listens_serves_and_a_signal_ends_it_with_0(
    demo: Demo, tmp_path: Path, signum: int
) -> None:
    with serve_process(demo.server.address, tmp_path) as served:
        health = served.request("GET", "/healthz")
        assert health.body == body_of(
            "ok", 0, f"the Temporal server at {demo.server.address} answers"
        )
        served.process.send_signal(signum)
        assert served.process.wait(20) == 0
        log = served.stderr.read_text()
        assert log.startswith("serve: GET /healthz 200 ok "), log
        assert log.count("\n") == 1, log


def test_the_process_starts_without_temporal_and_answers_503(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    with serve_process(address, tmp_path, "--rpc-timeout", "1s") as served:
        reply = served.request("GET", "/healthz")
        assert (reply.status, reply.body) == (
            503,
            body_of("unreachable", 4, lines.unreachable(address, "1s")),
        )
        assert served.request("GET", "/").status == 200
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(20) == 0


def test_with_a_certificate_it_serves_https(demo: Demo, tmp_path: Path) -> None:
    pki = write_pki(tmp_path / "pki")
    tls = ("--tls-cert", str(pki.server_cert), "--tls-key", str(pki.server_key))
    with serve_process(demo.server.address, tmp_path, *tls) as served:
        context = ssl.create_default_context(cafile=str(pki.ca_cert))
        connection = http.client.HTTPSConnection(
            "127.0.0.1", served.port, timeout=30, context=context
        )
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            assert (response.status, response.read()) == (
                200,
                body_of("ok", 0, f"the Temporal server at {demo.server.address} answers"),
            )
        finally:
            connection.close()
        # Plain HTTP on the TLS port is no request, and nothing but request lines is logged.
        with pytest.raises((http.client.HTTPException, OSError)):
            served.request("GET", "/healthz")
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(20) == 0
        assert served.stderr.read_text().splitlines() == [
            line for line in served.stderr.read_text().splitlines() if line.startswith("serve: ")
        ]


def refused(args: list[str], address: str = "127.0.0.1:1") -> tuple[int, str, str]:
    result = subprocess.run(
        [str(COMPLETERS["python"]), "serve", *args],
        capture_output=True,
        text=True,
        env=clean_env(address),
        timeout=30,
    )
    return result.returncode, result.stdout, result.stderr


def test_start_up_refusals_are_one_line_and_exit_2(tmp_path: Path) -> None:
    assert refused(["--listen", "0.0.0.0:0"]) == (
        2,
        "",
        "error: --listen 0.0.0.0 is not a loopback address: pass --auth-token-file FILE, whose "
        "secret callers send as Authorization: Bearer <secret>\n",
    )
    assert refused(["--listen", "nonsense"]) == (
        2,
        "",
        'error: --listen "nonsense" is not HOST:PORT: use for example 127.0.0.1:8080\n',
    )
    assert refused(["--tls-cert", "x"]) == (
        2,
        "",
        "error: give --tls-cert and --tls-key together\n",
    )
    bad = tmp_path / "not-pem"
    bad.write_text("not a certificate\n")
    assert refused(["--tls-cert", str(bad), "--tls-key", str(bad)]) == (
        2,
        "",
        f'error: cannot load the TLS certificate "{bad}" and key "{bad}": check that both are '
        "PEM files of one key pair\n",
    )
    assert refused(["--listen", "127.0.0.1:0", "extra"]) == (
        2,
        "",
        'error: unexpected argument "extra": options take the form --name VALUE (see --help)\n',
    )
    assert refused(["--bogus"]) == (2, "", 'error: unknown option "--bogus": see --help\n')
    assert refused(["--rpc-timeout", "soon"])[2].startswith('error: --rpc-timeout "soon"')
    assert refused([], address="http://localhost:7233")[2].startswith(
        'error: the Temporal address starts with "http://"'
    )


def test_serve_help_does_not_import_temporalio_or_aiohttp() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "async_completer", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: python-completer serve")
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "async_completer.cli" in imported
    assert not [n for n in imported if n.split(".")[0] in ("temporalio", "aiohttp")]
