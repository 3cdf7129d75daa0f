"""Checks that the security tests share."""

from __future__ import annotations

import subprocess

from tests.harness import CompleterRun
from tests.security.tlsproxy import Connection, TlsProxy

SERVICE = "/temporal.api.workflowservice.v1.WorkflowService/"


def tls_line(address: str) -> str:
    return (
        f"error: could not reach the Temporal server at {address} over TLS: the TLS handshake "
        "failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME\n"
    )


def calls(connections: list[Connection]) -> list[str]:
    """The gRPC methods called on these connections, in order."""
    return [
        request.path.removeprefix(SERVICE)
        for connection in connections
        for request in connection.requests
    ]


def over_tls(proxy: TlsProxy, mark: int, who: str) -> list[str]:
    """Checks that who opened at least one TLS connection (ALPN h2) since mark, that its
    HTTP/2 stream could be read, and returns the gRPC methods it called on them."""
    connections = proxy.connections_since(mark)
    assert connections, f"{who} completed no TLS handshake with the proxy"
    for connection in connections:
        assert connection.alpn == "h2", f"{who}: ALPN {connection.alpn!r}"
        assert not connection.decode_errors, f"{who}: {connection.decode_errors}"
    return calls(connections)


def show(run: CompleterRun | subprocess.CompletedProcess[str]) -> str:
    return f"exit {run.returncode}\nstdout: {run.stdout!r}\nstderr: {run.stderr!r}"


def retoken(token: str, **changes: str) -> str:
    """The token with some of its fields changed: a well-formed token of another Activity."""
    from async_completer.tasktokenpb.task_token_pb2 import Task

    task = Task()
    task.ParseFromString(bytes.fromhex(token))
    for name, value in changes.items():
        setattr(task, name, value)
    return task.SerializeToString().hex()


def leaks(text: str, secrets: list[str], window: int = 32) -> list[str]:
    """Which secrets appear in text, whole or as any run of `window` of their characters
    (a token cut short is still most of a credential)."""
    found = []
    lower = text.lower()
    for secret in secrets:
        pieces = {secret[i : i + window].lower() for i in range(max(len(secret) - window, 0) + 1)}
        if any(piece in lower for piece in pieces):
            found.append(secret[:16] + "…")
    return found
