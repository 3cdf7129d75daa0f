"""Where the completer connects: Temporal's environment configuration, checked before
connecting, and a server that was not reached."""

from __future__ import annotations

# Temporal's environment configuration, checked before connecting (exit 2, else 1).


def address_has_scheme(scheme: str) -> str:
    return (
        f'the Temporal address starts with "{scheme}://": give HOST:PORT without a scheme, for '
        "example localhost:7233, in --address or TEMPORAL_ADDRESS"
    )


def profile_not_found(profile: str, path: str) -> str:
    return (
        f'the Temporal profile "{profile}" is not in the configuration file "{path}": set '
        "TEMPORAL_PROFILE to one of its profiles, or unset it"
    )


def cannot_read_config(path: str, reason: str) -> str:
    return f'cannot read the Temporal configuration file "{path}": {reason}'


def config_invalid(path: str) -> str:
    return (
        f'the Temporal configuration file "{path}" is not valid (TOML with [profile.NAME] '
        "tables of text values): fix it, or point TEMPORAL_CONFIG_FILE at another file"
    )


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
