"""Where the completer connects: Temporal's environment configuration, checked before
connecting, and a server that was not reached."""

from __future__ import annotations

# Temporal's environment configuration, checked before connecting (exit 2, else 1).


def config_failed(detail: str) -> str:
    return (
        "could not load Temporal's environment configuration (TEMPORAL_* variables, "
        f"TEMPORAL_CONFIG_FILE): {detail}"
    )


def unreachable(address: str, timeout_text: str) -> str:
    return (
        f"could not reach the Temporal server at {address} within {timeout_text}: start one "
        "with make server, or point TEMPORAL_ADDRESS or --address at yours"
    )


def tls_failed(address: str) -> str:
    return (
        f"could not reach the Temporal server at {address} over TLS: the TLS handshake "
        "failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME"
    )
