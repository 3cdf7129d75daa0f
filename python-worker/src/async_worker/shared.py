"""Names and settings that the Worker, the starter and the tests share.

The names are the contract of ../../../../shared/DESIGN.md: the Go completer and the
`temporal` CLI address the same task queue, Workflow type and Activity type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TASK_QUEUE = "async"
WORKFLOW_TYPE = "Workflow"
ACTIVITY_TYPE = "Activity"
DEFAULT_WORKFLOW_ID = "async"
DEFAULT_INPUT = "Plain text input"
DEFAULT_ADDRESS = "localhost:7233"


@dataclass
class ActivitySettings:
    """Per-run Activity options the starter may set (tests use them to see
    heartbeats and retries in seconds). None keeps the exercise's behaviour."""

    start_to_close_seconds: float = 300.0
    heartbeat_timeout_seconds: float | None = None
    maximum_attempts: int | None = None
    # The Activity's summary (Temporal's user metadata): what a person deciding reads in
    # `list`, the approval page and the announcement. None: derived from the input.
    summary: str | None = None
    # The Activity's ID; None lets the SDK number it ("1"). Tests use any text Temporal
    # accepts, to hold the completers to IDs of every kind.
    activity_id: str | None = None
    # The retry policy's first backoff (None: the server's 1 s); tests use it to see an
    # Activity waiting for its next attempt.
    retry_initial_interval_seconds: float | None = None


# A summary is a headline: a long input is cut to this many characters.
SUMMARY_LIMIT = 200


def default_summary(input: str) -> str:
    """The summary of an Activity whose starter gave none: the input's first line, cut to
    SUMMARY_LIMIT characters (the last an ellipsis)."""
    first = input.strip().split("\n", 1)[0].strip()
    return first if len(first) <= SUMMARY_LIMIT else first[: SUMMARY_LIMIT - 1] + "…"


class ServerUnreachable(Exception):
    """Connecting failed; the message says where and what to do."""


async def connect(
    address: str | None = None, namespace: str | None = None, runtime: Any = None
) -> Any:
    """Connects the way every program of the project does: Temporal's environment
    configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
    TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE), then the --address/--namespace flags on top."""
    from temporalio.client import Client
    from temporalio.envconfig import ClientConfig

    config: dict[str, Any] = dict(ClientConfig.load_client_connect_config())
    config.setdefault("target_host", DEFAULT_ADDRESS)
    if address:
        config["target_host"] = address
    if namespace:
        config["namespace"] = namespace
    try:
        return await Client.connect(**config, runtime=runtime)
    except RuntimeError as err:
        raise ServerUnreachable(
            f"could not reach the Temporal server at {config['target_host']}: start one with "
            f"make server, or point TEMPORAL_ADDRESS or --address at yours ({why_unreachable(err)})"
        ) from err


# The SDK's core says why in a Rust debug dump (`tonic::transport::Error(Transport,
# ConnectError(... ConnectionRefused ...))`): a newcomer gets its gist in words.
_CAUSES = (
    (("connectionrefused", "connection refused"), "the connection was refused"),
    (("dns error", "failed to lookup", "name or service not known"), "the host name is unknown"),
    (("timed out", "timeout", "deadline"), "no answer in time"),
    (("certificate", "tls", "handshake"), "the TLS handshake failed"),
    (("unauthenticated", "permission denied", "api key"), "the server refused the credentials"),
)


def why_unreachable(err: BaseException) -> str:
    """The cause of a failed connect, in words; the SDK's text only when it is not a dump."""
    text = str(err)
    lowered = text.lower()
    for needles, words in _CAUSES:
        if any(needle in lowered for needle in needles):
            return words
    if "::" in text or "(" in text:
        return "the connection failed"
    return text
