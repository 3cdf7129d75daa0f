"""The requests: connect to Temporal, then complete, fail, heartbeat or cancel the Activity,
or every job of a batch on one client.

This is the only module that imports temporalio; cli.py imports it only for a verb that
sends a request, so `--help` and `inspect` start fast and work without a server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio.client import AsyncActivityCancelledError, AsyncActivityHandle, Client
from temporalio.converter import DataConverter
from temporalio.envconfig import ClientConfig
from temporalio.exceptions import ApplicationError
from temporalio.runtime import Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode

from async_completer.batch import BatchOutput, Job, Outcome, Send, send_all, success_line
from async_completer.connection import Connection
from async_completer.errors import (
    CancelRequested,
    CompleterError,
    ServerRefused,
    ServerUnreachable,
    UsageFailure,
    one_line,
)
from async_completer.target import Target

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"
FAILURE_TYPE = "PythonCompleterFailure"
# The server's default blob size limit (limit.blobSize.error). A larger result is not
# refused by the server: it fails the Activity instead, so it is stopped here.
BLOB_SIZE_LIMIT = 2 * 1024 * 1024

Request = Callable[[AsyncActivityHandle, timedelta], Awaitable[None]]


class _ConnectFailed(Exception):
    """Client.connect failed without an answer from a server."""


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
        raise UsageFailure(
            f"the {what} is {size} bytes once encoded, more than the {BLOB_SIZE_LIMIT} "
            f"bytes the server accepts (its blob size limit): send a smaller {what}, or a "
            "reference to where the data is"
        )


def complete(target: Target, connection: Connection, result: str) -> None:
    check_payload_size("result", result)

    async def request(handle: AsyncActivityHandle, timeout: timedelta) -> None:
        await handle.complete(result, rpc_timeout=timeout)

    _send(target, connection, request)


def fail(target: Target, connection: Connection, reason: str, retryable: bool) -> None:
    error = ApplicationError(reason, type=FAILURE_TYPE, non_retryable=not retryable)

    async def request(handle: AsyncActivityHandle, timeout: timedelta) -> None:
        await handle.fail(error, rpc_timeout=timeout)

    _send(target, connection, request)


def heartbeat(target: Target, connection: Connection, details: str | None) -> None:
    if details is not None:
        check_payload_size("details", details)

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
            if cancel_requested or target.task_token is not None:
                raise

    _send(target, connection, request)


def cancel(target: Target, connection: Connection, details: str | None) -> None:
    if details is not None:
        check_payload_size("details", details)

    async def request(handle: AsyncActivityHandle, timeout: timedelta) -> None:
        if details is None:
            await handle.report_cancellation(rpc_timeout=timeout)
        else:
            await handle.report_cancellation(details, rpc_timeout=timeout)

    _send(target, connection, request)


def client_config(connection: Connection) -> dict[str, Any]:
    """Client.connect's arguments: Temporal's environment configuration (TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE,
    TEMPORAL_CONFIG_FILE), then --address and --namespace on top."""
    try:
        config: dict[str, Any] = dict(ClientConfig.load_client_connect_config())
    except Exception as err:
        raise CompleterError(
            "could not load Temporal's environment configuration (TEMPORAL_* variables, "
            f"TEMPORAL_CONFIG_FILE): {one_line(str(err))}"
        ) from err
    config.setdefault("target_host", DEFAULT_ADDRESS)
    config.setdefault("namespace", DEFAULT_NAMESPACE)
    if connection.address:
        config["target_host"] = connection.address
    if connection.namespace:
        config["namespace"] = connection.namespace
    return config


@dataclass(frozen=True)
class Server:
    """The server requests go to, as the messages of a failure name it: the address and
    namespace used, the --rpc-timeout text, and whether TLS is configured."""

    address: str
    namespace: str
    rpc_timeout_text: str
    tls: bool


def server_for(config: dict[str, Any], connection: Connection) -> Server:
    # Environment configuration turns TLS on for TEMPORAL_TLS=true, any TEMPORAL_TLS_*
    # certificate or server name, a profile with tls, or an API key; TEMPORAL_TLS=false
    # leaves `tls` False.
    return Server(
        address=config["target_host"],
        namespace=config["namespace"],
        rpc_timeout_text=connection.rpc_timeout_text,
        tls=bool(config.get("tls")),
    )


# The page's words, and the names rustls (under the SDK's Rust core) gives to a peer that does
# not speak TLS: against a plain-text server the SDK says only "InvalidMessage(InvalidContent
# Type)" where Go says "tls: first record does not look like a TLS handshake".
_TLS_WORDS = (
    "tls",
    "certificate",
    "x509",
    "handshake",
    "invalidcontenttype",
    "invalidmessage",
    "peerincompatible",
    "peermisbehaved",
)


def mentions_tls(text: str) -> bool:
    """Whether an error of connecting speaks of TLS, a certificate, x509 or a handshake."""
    lower = text.lower()
    return any(word in lower for word in _TLS_WORDS)


def _quiet_runtime() -> Runtime:
    """The SDK core logs warnings (a payload over 512 KiB, say) to standard output, which
    belongs to the completer's own result lines: switch that logging off."""
    return Runtime(telemetry=TelemetryConfig(logging=None))


async def _connect(config: dict[str, Any], server: Server) -> Client:
    try:
        return await Client.connect(**config, runtime=_quiet_runtime())
    except Exception as err:
        if server.tls and mentions_tls(str(err)):
            raise ServerUnreachable(
                f"could not reach the Temporal server at {server.address} over TLS: the TLS "
                "handshake failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and "
                "TEMPORAL_TLS_SERVER_NAME"
            ) from err
        if isinstance(err, RPCError) and err.status in (
            RPCStatusCode.UNAUTHENTICATED,
            RPCStatusCode.PERMISSION_DENIED,
        ):
            raise  # the server answered, and refused these credentials
        # Connection refused, unknown host, an address that is no address, any other
        # answer than a refusal of the credentials: no Temporal server was reached.
        raise _ConnectFailed(str(err)) from err


def _handle(client: Client, target: Target) -> AsyncActivityHandle:
    if target.task_token is not None:
        return client.get_async_activity_handle(task_token=target.task_token)
    return client.get_async_activity_handle(
        workflow_id=target.workflow_id, run_id=target.run_id, activity_id=target.activity_id
    )


def _send(target: Target, connection: Connection, request: Request) -> None:
    config = client_config(connection)
    server = server_for(config, connection)
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
        client = await _connect(config, server)
        # The SDK retries an unavailable server inside the call; its deadline keeps the
        # retries within what is left of --rpc-timeout.
        remaining = max(deadline - loop.time(), 0.001)
        await request(_handle(client, target), timedelta(seconds=remaining))

    # One bound over connecting and the request together, as --rpc-timeout promises.
    await asyncio.wait_for(connect_and_send(), timeout)


def run_batch(
    verb: str,
    jobs: Sequence[Job],
    connection: Connection,
    concurrency: int,
    output: BatchOutput,
) -> None:
    """Connects once and sends every job (all of one verb) on that client. Raises the
    single-command error when connecting fails: then no job was sent."""
    config = client_config(connection)
    server = server_for(config, connection)
    timeout = connection.rpc_timeout

    async def connect_and_send_all() -> None:
        try:
            async with asyncio.timeout(timeout):
                client = await _connect(config, server)
        except Exception as err:
            raise failure_for(err, server) from err
        await send_all(jobs, _job_sender(client, verb, server, timeout), concurrency, output)

    asyncio.run(connect_and_send_all())


def _job_sender(client: Client, verb: str, server: Server, timeout: float) -> Send:
    """The function that sends one job and says what became of it. Each job is bounded by
    --rpc-timeout on its own, from the moment it is sent."""
    rpc_timeout = timedelta(seconds=timeout)
    failing = verb == "fail"

    async def send(job: Job) -> Outcome:
        target = job.target
        handle = _handle(client, target)
        try:
            async with asyncio.timeout(timeout):
                if failing:
                    error = ApplicationError(
                        job.reason, type=FAILURE_TYPE, non_retryable=not job.retryable
                    )
                    await handle.fail(error, rpc_timeout=rpc_timeout)
                else:
                    await handle.complete(job.result, rpc_timeout=rpc_timeout)
        except Exception as err:
            failure = failure_for(err, server, target)
            return Outcome(job.line, failure.exit_code, failure.message)
        return Outcome(job.line, 0, success_line(verb, target.description, job.retryable))

    return send


def failure_for(err: Exception, server: Server, target: Target | None = None) -> CompleterError:
    """The contract's error for what connecting or a request raised. target is None while
    connecting, where no answer names an Activity."""
    desc = target.description if target is not None else "the Activity"
    unreachable = ServerUnreachable(
        f"could not reach the Temporal server at {server.address} within "
        f"{server.rpc_timeout_text}: start one with make server, or point TEMPORAL_ADDRESS or "
        "--address at yours"
    )
    if isinstance(err, CompleterError):
        return err
    if isinstance(err, TimeoutError | _ConnectFailed):
        return unreachable
    if isinstance(err, AsyncActivityCancelledError):
        details = err.details
        if details is None or details.cancel_requested:
            return CancelRequested(
                f"cancellation was requested for {desc}: stop its work, then report it with "
                "the cancel command"
            )
        if details.paused:
            return CompleterError(
                f"{desc} is paused on the server: the heartbeat was recorded; stop its work "
                "until it is unpaused"
            )
        return CompleterError(
            f"{desc} was reset on the server: the heartbeat was recorded; stop its work, its "
            "next attempt logs a new token in the Worker's log"
        )
    if isinstance(err, RPCError):
        if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            return unreachable
        if err.status == RPCStatusCode.CANCELLED:
            return CompleterError(one_line(err.message))  # not the server's doing
        if err.status == RPCStatusCode.NOT_FOUND:
            # ("workflow not found for ID: my-namespace-wf" is not that case.)
            if err.message.startswith("Namespace "):
                # "Namespace NS is not found.": the namespace is the one this request used.
                return ServerRefused(
                    f'namespace "{server.namespace}" was not found on the server at '
                    f"{server.address}: check --namespace or TEMPORAL_NAMESPACE"
                )
            return ServerRefused(
                f"{desc} is not pending any more: it was completed, failed, timed out or "
                "retried, or its Workflow closed; a retry logs a new token in the Worker's log"
            )
        message = err.message.lower()
        if "different namespace" in message:
            return ServerRefused(
                f'the task token is for another namespace than "{server.namespace}": set '
                "--namespace or TEMPORAL_NAMESPACE to the namespace of its Workflow"
            )
        if "request canceled first" in message:
            return ServerRefused(
                f"the server refused to report {desc} as cancelled: no cancellation was "
                "requested for it; request one first "
                f"(make cancel WORKFLOW_ID={target.workflow_id if target else ''})"
            )
        if "deserializing task token" in message:
            return ServerRefused(
                "the server could not read the task token (was it cut short?): copy the "
                "whole taskToken= value from the Worker's log"
            )
        return ServerRefused(f"the server refused the request: {one_line(err.message)}")
    return CompleterError(one_line(str(err)) or type(err).__name__)
