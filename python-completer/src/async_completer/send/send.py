"""Sending one job about one Activity (complete, fail, heartbeat, cancel), bounded by
--rpc-timeout: a command line's (connecting first), a batch's or a serve request's (on a
connected client). Go: internal/send/send.go."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio.client import Client

from async_completer.connection import Connection, Server, client_config, connect
from async_completer.model import Job, Outcome
from async_completer.send.errors import failure_for, invalid_transition, not_pending_any_more
from async_completer.send.refusal import answer_refusal
from async_completer.send.verbs import VERBS
from async_completer.telemetry import temporal_call, traced_job


def send(verb: str, job: Job, connection: Connection, identity: str) -> Outcome:
    """Connects and sends one job, both within --rpc-timeout (after a refusal, the history
    is read within another). Returns its outcome (a success, maybe already done); raises
    the contract's error for whatever went wrong."""
    config, server = client_config(connection)
    try:
        return asyncio.run(
            _connect_and_send(config, server, verb, job, identity, connection.rpc_timeout)
        )
    except Exception as err:
        raise failure_for(err, server, job.target) from err


async def _connect_and_send(
    config: dict[str, Any], server: Server, verb: str, job: Job, identity: str, timeout: float
) -> Outcome:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    # One bound over connecting and the request together, as --rpc-timeout promises.
    async with asyncio.timeout(timeout):
        client = await connect(config, server)
    # The SDK retries an unavailable server inside the call; its deadline keeps the
    # retries within what is left of --rpc-timeout.
    remaining = max(deadline - loop.time(), 0.001)
    return await send_on(client, server, verb, job, identity, remaining, history_timeout=timeout)


@traced_job
async def send_on(
    client: Client,
    server: Server,
    verb: str,
    job: Job,
    identity: str,
    timeout: float,
    history_timeout: float | None = None,
) -> Outcome:
    """One job on a connected client (a batch's, a serve request's), bounded by timeout on
    its own from the moment it is sent. After a refusal "not pending any more" the history
    is read (within history_timeout, default timeout): a repeat of what closed the Activity
    is answered as already done, anything else is refused saying what closed it. Returns
    the outcome; raises the contract's error."""
    row = VERBS[verb]
    request = row.request(job)
    try:
        with temporal_call(verb):
            async with asyncio.timeout(timeout):
                await request(client, job.target, identity, timedelta(seconds=timeout))
    except Exception as err:
        if not_pending_any_more(err) or invalid_transition(err, job.target):
            read_timeout = timeout if history_timeout is None else history_timeout
            cause = failure_for(err, server, job.target, verb)
            return await answer_refusal(client, server, verb, job, read_timeout, cause)
        raise failure_for(err, server, job.target) from err
    return Outcome(job.line, 0, row.success(job))
