"""Sending one request about one Activity (complete, fail, heartbeat, cancel), and turning
whatever connecting or the request raised into the contract's error.

This module imports temporalio at the top: the verbs and batch.py import it only when a
request is to be sent, so `--help` and `inspect` start fast and work without a server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio.client import AsyncActivityCancelledError, AsyncActivityHandle, Client
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from async_completer import lines
from async_completer.connection import (
    ConnectFailed,
    Connection,
    Server,
    client_config,
    connect,
    connect_failure,
    lazy_connect_failed,
)
from async_completer.errors import (
    CancelRequested,
    CompleterError,
    PayloadTooLarge,
    ServerRefused,
    ServerUnreachable,
)
from async_completer.jobs import Job
from async_completer.target import Target

FAILURE_TYPE = "PythonCompleterFailure"
# The server's default blob size limit (limit.blobSize.error). A larger result is not
# refused by the server: it fails the Activity instead, so it is stopped here.
BLOB_SIZE_LIMIT = 2 * 1024 * 1024

Request = Callable[[AsyncActivityHandle, timedelta], Awaitable[None]]


def _varint_size(n: int) -> int:
    return max(1, (n.bit_length() + 6) // 7)


def check_payload_size(what: str, text: str) -> None:
    """Refuses a result or details that the server would not accept (exit 2)."""
    payload = DataConverter.default.payload_converter.to_payloads([text])[0]
    # The server measures the Payloads message that wraps the payload: one tag byte and the
    # payload's length as a varint on top of the payload itself.
    p = payload.ByteSize()
    size = p + 1 + _varint_size(p)
    if size > BLOB_SIZE_LIMIT:
        raise PayloadTooLarge(lines.too_large(what, size, BLOB_SIZE_LIMIT))


def complete_request(result: str) -> Request:
    async def request(handle: AsyncActivityHandle, timeout: timedelta) -> None:
        await handle.complete(result, rpc_timeout=timeout)

    return request


def fail_request(reason: str, retryable: bool) -> Request:
    error = ApplicationError(reason, type=FAILURE_TYPE, non_retryable=not retryable)

    async def request(handle: AsyncActivityHandle, timeout: timedelta) -> None:
        await handle.fail(error, rpc_timeout=timeout)

    return request


def heartbeat_request(details: str | None, by_token: bool) -> Request:
    async def request(handle: AsyncActivityHandle, timeout: timedelta) -> None:
        try:
            if details is None:
                await handle.heartbeat(rpc_timeout=timeout)
            else:
                await handle.heartbeat(details, rpc_timeout=timeout)
        except AsyncActivityCancelledError as err:
            # The Go SDK reports a pause or reset only for a heartbeat by token; by IDs it
            # returns success. Doing the same keeps the two completers' answers equal.
            cancel_requested = err.details is not None and err.details.cancel_requested
            if cancel_requested or by_token:
                raise

    return request


def cancel_request(details: str | None) -> Request:
    async def request(handle: AsyncActivityHandle, timeout: timedelta) -> None:
        if details is None:
            await handle.report_cancellation(rpc_timeout=timeout)
        else:
            await handle.report_cancellation(details, rpc_timeout=timeout)

    return request


def job_request(verb: str, job: Job) -> Request:
    """The request of one job (a batch line, a serve body) of verb."""
    if verb == "fail":
        return fail_request(job.reason, job.retryable)
    if verb == "heartbeat":
        return heartbeat_request(job.details, by_token=job.target.task_token is not None)
    if verb == "cancel":
        return cancel_request(job.details)
    return complete_request(job.result)


def handle_for(client: Client, target: Target) -> AsyncActivityHandle:
    if target.task_token is not None:
        return client.get_async_activity_handle(task_token=target.task_token)
    return client.get_async_activity_handle(
        workflow_id=target.workflow_id, run_id=target.run_id, activity_id=target.activity_id
    )


def send(target: Target, connection: Connection, request: Request) -> None:
    """Connects and sends one request, both within --rpc-timeout. Raises the contract's
    error for whatever went wrong."""
    config, server = client_config(connection)
    try:
        asyncio.run(_connect_and_send(config, server, target, request, connection.rpc_timeout))
    except Exception as err:
        raise failure_for(err, server, target) from err


async def _connect_and_send(
    config: dict[str, Any], server: Server, target: Target, request: Request, timeout: float
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout

    async def connect_and_send() -> None:
        client = await connect(config, server)
        # The SDK retries an unavailable server inside the call; its deadline keeps the
        # retries within what is left of --rpc-timeout.
        remaining = max(deadline - loop.time(), 0.001)
        await request(handle_for(client, target), timedelta(seconds=remaining))

    # One bound over connecting and the request together, as --rpc-timeout promises.
    await asyncio.wait_for(connect_and_send(), timeout)


async def send_on(
    client: Client, server: Server, target: Target, request: Request, timeout: float
) -> None:
    """One request on a connected client (a batch's job), bounded by --rpc-timeout on its
    own from the moment it is sent. Raises the contract's error."""
    try:
        async with asyncio.timeout(timeout):
            await request(handle_for(client, target), timedelta(seconds=timeout))
    except Exception as err:
        raise failure_for(err, server, target) from err


def failure_for(err: Exception, server: Server, target: Target | None = None) -> CompleterError:
    """The contract's error for what connecting or a request raised. target is None while
    connecting, where no answer names an Activity."""
    desc = target.description if target is not None else "the Activity"
    if lazy_connect_failed(err):
        # serve's client connects on its first request, and again after a failure.
        err = connect_failure(err, server)
    if isinstance(err, CompleterError):
        return err
    if isinstance(err, TimeoutError | ConnectFailed):
        return ServerUnreachable(lines.unreachable(server.address, server.rpc_timeout_text))
    if isinstance(err, AsyncActivityCancelledError):
        details = err.details
        if details is None or details.cancel_requested:
            return CancelRequested(lines.cancel_requested(desc))
        if details.paused:
            return CompleterError(lines.paused(desc))
        return CompleterError(lines.reset(desc))
    if isinstance(err, RPCError):
        if err.status == RPCStatusCode.NOT_FOUND and not err.message.startswith("Namespace "):
            # ("workflow not found for ID: my-namespace-wf" is not the namespace's case.)
            return ServerRefused(lines.not_pending(desc))
        if err.status not in _NOT_A_REFUSAL:
            message = err.message.lower()
            if "different namespace" in message:
                return ServerRefused(lines.other_namespace(server.namespace))
            if "request canceled first" in message:
                workflow_id = target.workflow_id if target else ""
                return ServerRefused(lines.cancel_refused(desc, workflow_id))
            if "deserializing task token" in message:
                return ServerRefused(lines.SERVER_CANNOT_READ_TOKEN)
        return rpc_failure(err, server)
    return CompleterError(lines.other_failure(err))


# Statuses that are no refusal of this request, whatever their message says.
_NOT_A_REFUSAL = (
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.NOT_FOUND,
)


def rpc_failure(err: RPCError, server: Server) -> CompleterError:
    """What any request's RPCError means when nothing about its Activity explains it: the
    server did not answer in time, the namespace is unknown, or a refusal in the server's
    words."""
    if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return ServerUnreachable(lines.unreachable(server.address, server.rpc_timeout_text))
    if err.status == RPCStatusCode.CANCELLED:
        return CompleterError(lines.server_message(err.message))  # not the server's doing
    if err.status == RPCStatusCode.NOT_FOUND and err.message.startswith("Namespace "):
        # "Namespace NS is not found.": the namespace is the one this request used.
        return ServerRefused(lines.namespace_not_found(server.namespace, server.address))
    return ServerRefused(lines.server_refused(err.message))
