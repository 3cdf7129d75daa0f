"""Whatever connecting or a request raised, as the contract's failure (exit code and line)."""

from __future__ import annotations

from temporalio.client import AsyncActivityCancelledError
from temporalio.service import RPCError, RPCStatusCode

from async_completer import lines
from async_completer.connection import (
    ConnectFailed,
    Server,
    connect_failure,
    lazy_connect_failed,
)
from async_completer.lines.errors import (
    CancelRequested,
    CompleterError,
    ServerRefused,
    ServerUnreachable,
)
from async_completer.model import Target

# Statuses that are no refusal of this request, whatever their message says.
_NOT_A_REFUSAL = (
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.NOT_FOUND,
)


def not_pending_any_more(err: BaseException) -> bool:
    """The server's NOT_FOUND about the Activity (not about the namespace): it is not
    pending any more, and the history says why."""
    return (
        isinstance(err, RPCError)
        and err.status == RPCStatusCode.NOT_FOUND
        and not err.message.startswith("Namespace ")
    )


def invalid_transition(err: BaseException, target: Target) -> bool:
    """A standalone Activity's refusal of a request its state does not take: FAILED_PRECONDITION
    "invalid transition from STATE". Closed, or (cancel without a request) still running:
    its record says which."""
    return (
        target.standalone
        and isinstance(err, RPCError)
        and err.status == RPCStatusCode.FAILED_PRECONDITION
        and "invalid transition" in err.message.lower()
    )


def failure_for(
    err: Exception, server: Server, target: Target | None = None, verb: str = ""
) -> CompleterError:
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
            return CancelRequested(lines.paused(desc))
        return CancelRequested(lines.reset(desc))
    if isinstance(err, RPCError):
        if not_pending_any_more(err):
            # ("workflow not found for ID: my-namespace-wf" is not the namespace's case.)
            return ServerRefused(lines.not_pending(desc))
        if target is not None and verb == "cancel" and invalid_transition(err, target):
            return ServerRefused(lines.standalone_cancel_refused(desc, target.activity_id))
        if err.status not in _NOT_A_REFUSAL:
            message = err.message.lower()
            if "different namespace" in message:
                return ServerRefused(lines.other_namespace(server.namespace))
            if "request canceled first" in message and target is not None and target.standalone:
                return ServerRefused(lines.standalone_cancel_refused(desc, target.activity_id))
            if "request canceled first" in message:
                workflow_id = target.workflow_id if target else ""
                return ServerRefused(lines.cancel_refused(desc, workflow_id))
            if "deserializing task token" in message:
                return ServerRefused(lines.SERVER_CANNOT_READ_TOKEN)
        return rpc_failure(err, server)
    return CompleterError(lines.other_failure(err))


def listing_failure(err: Exception, server: Server) -> CompleterError:
    """The contract's error for what a listing's request raised (visibility, describe):
    no answer of these names an Activity."""
    if isinstance(err, RPCError):
        return rpc_failure(err, server)
    # (serve's client connects lazily: its first request may fail to connect.)
    return failure_for(err, server)


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
