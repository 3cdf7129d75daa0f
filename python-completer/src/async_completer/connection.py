"""Where requests go, as the command line says: checked before anything is read or sent,
without importing temporalio (operations.py turns it into Client.connect's arguments)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Connection:
    """Where to send: --address and --namespace (None: Temporal's environment configuration)
    and --rpc-timeout, in seconds and as the text given (messages echo the text)."""

    address: str | None
    namespace: str | None
    rpc_timeout: float
    rpc_timeout_text: str
