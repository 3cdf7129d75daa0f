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

from temporalio.activity import ActivityCancellationDetails
from temporalio.api.common.v1 import Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.api.workflowservice.v1 import (
    RecordActivityTaskHeartbeatByIdRequest,
    RecordActivityTaskHeartbeatRequest,
    RespondActivityTaskCanceledByIdRequest,
    RespondActivityTaskCanceledRequest,
    RespondActivityTaskCompletedByIdRequest,
    RespondActivityTaskCompletedRequest,
    RespondActivityTaskFailedByIdRequest,
    RespondActivityTaskFailedRequest,
)
from temporalio.client import AsyncActivityCancelledError, Client
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from async_completer import history, lines
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
from async_completer.jobs import Job, Outcome, success_line
from async_completer.target import Target

FAILURE_TYPE = "PythonCompleterFailure"
# The server's default blob size limit (limit.blobSize.error). A larger result is not
# refused by the server: it fails the Activity instead, so it is stopped here.
BLOB_SIZE_LIMIT = 2 * 1024 * 1024

# One request about one Activity, sent with an identity (who acts), bounded by a timeout.
# The requests are the SDK's own (what AsyncActivityHandle sends, payloads and failures
# encoded by the client's data converter), made here because the SDK sends the identity of
# its connection, and a batch job or a serve request names its own.
Request = Callable[[Client, Target, str, timedelta], Awaitable[None]]


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


async def _text_payloads(client: Client, text: str | None) -> Payloads | None:
    """One text payload, or none (heartbeat and cancel without details)."""
    return None if text is None else await client.data_converter.encode_wrapper([text])


async def _respond(
    client: Client,
    target: Target,
    timeout: timedelta,
    by_token: tuple[str, Any],
    by_ids: tuple[str, Any],
    **fields: Any,
) -> Any:
    """Sends one of a pair of requests: by task token, or by IDs (method name and message
    type of each), with the fields the two share (identity, result, failure, details)."""
    fields["namespace"] = client.namespace
    if target.task_token is not None:
        method, message = by_token
        fields["task_token"] = target.task_token
    else:
        method, message = by_ids
        fields.update(
            workflow_id=target.workflow_id,
            run_id=target.run_id or "",
            activity_id=target.activity_id,
        )
    call = getattr(client.workflow_service, method)
    return await call(message(**fields), retry=True, timeout=timeout)


def complete_request(result: str) -> Request:
    async def request(client: Client, target: Target, identity: str, timeout: timedelta) -> None:
        await _respond(
            client,
            target,
            timeout,
            ("respond_activity_task_completed", RespondActivityTaskCompletedRequest),
            ("respond_activity_task_completed_by_id", RespondActivityTaskCompletedByIdRequest),
            identity=identity,
            result=await _text_payloads(client, result),
        )

    return request


def fail_request(reason: str, retryable: bool) -> Request:
    error = ApplicationError(reason, type=FAILURE_TYPE, non_retryable=not retryable)

    async def request(client: Client, target: Target, identity: str, timeout: timedelta) -> None:
        failure = Failure()
        await client.data_converter.encode_failure(error, failure)
        await _respond(
            client,
            target,
            timeout,
            ("respond_activity_task_failed", RespondActivityTaskFailedRequest),
            ("respond_activity_task_failed_by_id", RespondActivityTaskFailedByIdRequest),
            identity=identity,
            failure=failure,
        )

    return request


def heartbeat_request(details: str | None) -> Request:
    async def request(client: Client, target: Target, identity: str, timeout: timedelta) -> None:
        answer = await _respond(
            client,
            target,
            timeout,
            ("record_activity_task_heartbeat", RecordActivityTaskHeartbeatRequest),
            ("record_activity_task_heartbeat_by_id", RecordActivityTaskHeartbeatByIdRequest),
            identity=identity,
            details=await _text_payloads(client, details),
        )
        # The Go SDK reports a pause or reset only for a heartbeat by token; by IDs it
        # returns success. Doing the same keeps the two completers' answers equal.
        if answer.cancel_requested or (
            target.task_token is not None and (answer.activity_paused or answer.activity_reset)
        ):
            raise AsyncActivityCancelledError(
                details=ActivityCancellationDetails(
                    cancel_requested=answer.cancel_requested,
                    paused=answer.activity_paused,
                    reset=answer.activity_reset,
                )
            )

    return request


def cancel_request(details: str | None) -> Request:
    async def request(client: Client, target: Target, identity: str, timeout: timedelta) -> None:
        await _respond(
            client,
            target,
            timeout,
            ("respond_activity_task_canceled", RespondActivityTaskCanceledRequest),
            ("respond_activity_task_canceled_by_id", RespondActivityTaskCanceledByIdRequest),
            identity=identity,
            details=await _text_payloads(client, details),
        )

    return request


def job_request(verb: str, job: Job) -> Request:
    """The request of one job (a command line, a batch line, a serve body) of verb."""
    if verb == "fail":
        return fail_request(job.reason, job.retryable)
    if verb == "heartbeat":
        return heartbeat_request(job.details)
    if verb == "cancel":
        return cancel_request(job.details)
    return complete_request(job.result)


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


def not_pending_any_more(err: BaseException) -> bool:
    """The server's NOT_FOUND about the Activity (not about the namespace): it is not
    pending any more, and the history says why."""
    return (
        isinstance(err, RPCError)
        and err.status == RPCStatusCode.NOT_FOUND
        and not err.message.startswith("Namespace ")
    )


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
    request = job_request(verb, job)
    try:
        async with asyncio.timeout(timeout):
            await request(client, job.target, identity, timedelta(seconds=timeout))
    except Exception as err:
        if not_pending_any_more(err):
            read_timeout = timeout if history_timeout is None else history_timeout
            return await history.answer_refusal(client, server, verb, job, read_timeout)
        raise failure_for(err, server, job.target) from err
    return Outcome(job.line, 0, success_line(verb, job.target.description, job.retryable))


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
