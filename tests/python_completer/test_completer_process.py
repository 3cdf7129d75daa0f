"""The program as a real process: what the console script and `python -m` do that CliRunner
cannot show (imports, os._exit, real standard streams, the real SDK failing to connect)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.python_completer.conftest import REAL_TOKEN

CONSOLE_SCRIPT = Path(sys.executable).parent / "python-completer"


def run(
    *args: str, stdin: str = "", importtime: bool = False, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env.update(environment or {})
    python = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m"]
    return subprocess.run(
        [*python, "async_completer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args", [["--help"], ["inspect", "--tasktoken", REAL_TOKEN]], ids=["help", "inspect"]
)
def test_help_and_inspect_do_not_import_temporalio(args: list[str]) -> None:
    process = run(*args, importtime=True)
    assert process.returncode == 0
    assert process.stdout.startswith(("Usage: python-completer", "{\n"))
    imported = [line.rsplit("|", 1)[-1].strip() for line in process.stderr.splitlines()]
    assert "async_completer.cli" in imported  # the check would see an import
    assert not [name for name in imported if name.split(".")[0] == "temporalio"]


def test_inspect_reads_standard_input() -> None:
    process = run("inspect", "-tasktoken", "-", stdin=f"  {REAL_TOKEN}\n")
    assert (process.returncode, process.stderr) == (0, "")
    assert '  "workflow_id": "t1",\n' in process.stdout


def test_a_usage_error_is_one_line_without_traceback() -> None:
    process = subprocess.run(
        [str(CONSOLE_SCRIPT), "complete", "--tasktoken", REAL_TOKEN, "--bogus"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (process.returncode, process.stdout, process.stderr) == (
        2,
        "",
        'error: unknown option "--bogus": see --help\n',
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_no_server_exits_4_with_one_line() -> None:
    """The real SDK fails to connect; the process leaves through os._exit after a client
    was created, with the contract's code and nothing else on standard error."""
    address = f"127.0.0.1:{free_port()}"
    process = run("complete", "--tasktoken", REAL_TOKEN, "--address", address, "-rpc-timeout=5s")
    assert (process.returncode, process.stdout, process.stderr) == (
        4,
        "",
        f"error: could not reach the Temporal server at {address} within 5s: start one with "
        "make server, or point TEMPORAL_ADDRESS or --address at yours\n",
    )


def test_every_batch_line_is_out_before_the_process_ends() -> None:
    """The JSON lines are written through standard output's buffer; os._exit must not cut
    them short."""
    jobs = "".join(f"zz{n}\n" for n in range(3000))
    process = run("fail", "--batch", "-", stdin=jobs, importtime=True)
    assert process.returncode == 2
    lines = process.stdout.splitlines()
    assert len(lines) == 3000
    # Without --reason, a token-only line misses its reason before its token is looked at.
    assert lines[-1] == (
        '{"line":3000,"outcome":"malformed","code":2,"message":"fail needs --reason TEXT: say '
        'why the Activity failed"}'
    )
    summary = process.stderr.splitlines()[-1]
    assert summary == (
        "error: 3000 of 3000 jobs did not succeed (0 refused, 3000 malformed, 0 unreachable, "
        "0 other errors); see the JSON lines on standard output"
    )
    # Nothing to send: no need for temporalio.
    assert "temporalio" not in process.stderr


def test_tls_against_a_server_that_does_not_speak_it_is_named() -> None:
    """The real SDK's words for a TLS handshake with a plain-text server (rustls says only
    "InvalidContentType") must still give the TLS line, as Go's "tls: first record does not
    look like a TLS handshake" does."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"127.0.0.1:{server.getsockname()[1]}"

        def answer_in_plain_text() -> None:
            with contextlib.suppress(OSError):
                while True:
                    connection, _ = server.accept()
                    with connection:
                        connection.recv(4096)
                        connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        threading.Thread(target=answer_in_plain_text, daemon=True).start()
        process = run(
            *("complete", "--workflow-id", "w", "--activity-id", "1"),
            *("--address", address, "--rpc-timeout", "5s"),
            environment={"TEMPORAL_TLS": "true"},
        )
    assert (process.returncode, process.stdout, process.stderr) == (
        4,
        "",
        f"error: could not reach the Temporal server at {address} over TLS: the TLS handshake "
        "failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME\n",
    )
