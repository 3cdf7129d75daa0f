"""A gRPC proxy in front of the dev server that refuses the describe of chosen Workflows.

Every other call is forwarded as it came (method, request bytes, metadata) and answered with
the server's answer, so a completer pointed at the proxy works as against the server, but
DescribeWorkflowExecution of a refused Workflow ID answers PERMISSION_DENIED: the one
Workflow that cannot be described, on a real server, deterministically. Unary calls only:
all the completers make."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from typing import Any

import grpc  # type: ignore[import-untyped]
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest

DESCRIBE = "/temporal.api.workflowservice.v1.WorkflowService/DescribeWorkflowExecution"
REFUSAL = "the proxy refuses to describe this Workflow"
# Headers of the connection, not of the call: the proxy's own channel sets them.
_TRANSPORT_HEADERS = ("user-agent", "te", "content-type")


class _Forward(grpc.GenericRpcHandler):  # type: ignore[misc]
    def __init__(self, channel: grpc.Channel, refused: set[str]) -> None:
        self._channel = channel
        self._refused = refused

    def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        method: str = details.method
        forward = self._channel.unary_unary(method)

        def behavior(request: bytes, context: grpc.ServicerContext) -> Any:
            if method == DESCRIBE:
                described = DescribeWorkflowExecutionRequest.FromString(request)
                if described.execution.workflow_id in self._refused:
                    context.abort(grpc.StatusCode.PERMISSION_DENIED, REFUSAL)
            metadata = [
                (key, value)
                for key, value in context.invocation_metadata()
                if not key.startswith((":", "grpc-"))
                and key not in ("user-agent", "te", "content-type")
            ]
            try:
                return forward(request, metadata=metadata, timeout=context.time_remaining())
            except grpc.RpcError as err:
                context.abort(err.code(), err.details() or "")

        return grpc.unary_unary_rpc_method_handler(behavior)


@contextmanager
def refusing_proxy(target: str, refused: set[str]) -> Iterator[str]:
    """A proxy of target on a free loopback port; yields its address. refused may change
    while it runs."""
    channel = grpc.insecure_channel(target)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers((_Forward(channel, refused),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)
        channel.close()
