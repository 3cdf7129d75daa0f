"""A verb's --batch mode: `complete --batch FILE` and `fail --batch FILE`, one Activity per
line (Go: internal/cli/batch.go).

Every line is read and checked before anything is sent (batch/read.py), so a malformed line
is reported (and skipped) without a connection; then the jobs go out on one client with at
most --concurrency requests in flight (batch/run.py), and one JSON line per job is written
as each finishes. The lines and the summary are docs/completer-cli.md's, byte for byte the
Go completer's. temporalio is imported only once there is something to send (send/).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from async_completer import lines
from async_completer.batch.output import BatchOutput
from async_completer.batch.read import Defaults, parse_batch
from async_completer.batch.run import send_all
from async_completer.connection import Connection
from async_completer.files import read_batch_file, read_result_file
from async_completer.identity import cli_identity
from async_completer.lines.errors import CompleterError
from async_completer.model import Job, Outcome
from async_completer.telemetry.textfile import start_batch_metrics, write_batch_metrics
from async_completer.text import os_reason


def run(
    path: str,
    defaults: Defaults,
    connection: Connection,
    concurrency: int,
    result_file: str | None = None,
    metrics_file: str | None = None,
) -> None:
    """--batch: reads and checks every line (reporting the malformed ones), then sends the
    jobs on one connection. Raises the summary line when a job did not succeed."""
    data = read_batch_file(path)
    if result_file is not None:
        defaults = replace(defaults, result=read_result_file(result_file))
    if defaults.verb == "complete":
        # Imported here, not at the top: temporalio takes a while to import, and a batch
        # with nothing to send does not need it.
        from async_completer.send.limits import check_payload_size

        check_payload_size("result", defaults.result)
    jobs, malformed = parse_batch(data, defaults)
    if metrics_file is not None:
        start_batch_metrics()
    output = BatchOutput(len(jobs) + len(malformed), jobs=len(jobs))
    for outcome in malformed:
        output.add(outcome)
    output.flush()
    try:
        if jobs:
            asyncio.run(_connect_and_send_all(defaults.verb, jobs, connection, concurrency, output))
    finally:
        output.finish()
    failure = output.summary()
    if metrics_file is not None:
        # The batch's summary, when there is one, is the one error line.
        written = _write_metrics(metrics_file, defaults.verb, output)
        failure = failure or written
    if failure is not None:
        raise failure


def _write_metrics(path: str, verb: str, output: BatchOutput) -> CompleterError | None:
    """Writes the batch's counters; the error line when the file cannot be written."""
    try:
        write_batch_metrics(path, verb, output.counts, output.already)
    except OSError as err:
        return CompleterError(lines.metrics_file_failed(path, os_reason(err)))
    return None


async def _connect_and_send_all(
    verb: str,
    jobs: Sequence[Job],
    connection: Connection,
    concurrency: int,
    output: BatchOutput,
) -> None:
    """Connects once and sends every job (all of one verb) on that client. Raises the
    single-command error when connecting fails: then no job was sent."""
    from async_completer.connection import client_config, connect
    from async_completer.send.errors import failure_for
    from async_completer.send.send import send_on

    config, server = client_config(connection)
    timeout = connection.rpc_timeout
    try:
        async with asyncio.timeout(timeout):
            client = await connect(config, server)
    except Exception as err:
        raise failure_for(err, server) from err

    async def send(job: Job) -> Outcome:
        identity = cli_identity(job.identity, job.idempotency_key)
        try:
            return await send_on(client, server, verb, job, identity, timeout)
        except CompleterError as err:
            return Outcome(job.line, err.exit_code, err.message)

    await send_all(jobs, send, concurrency, output)
