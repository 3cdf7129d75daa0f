"""Where requests go and how the completer gets there: Temporal's environment configuration
with --address and --namespace on top, turned into Client.connect's arguments, and the
connecting itself.

temporalio is imported inside the functions that need it, not at the top: every verb
imports this module for Connection, and `--help` and `inspect` must start without the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from async_completer import lines
from async_completer.configfile import load_connect_config
from async_completer.lines.errors import ServerUnreachable, UsageFailure

if TYPE_CHECKING:
    from temporalio.client import Client
    from temporalio.runtime import Runtime

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True)
class Connection:
    """What the command line says about where to send: --address and --namespace (None:
    Temporal's environment configuration) and --rpc-timeout, in seconds and as the text
    given (messages echo the text)."""

    address: str | None
    namespace: str | None
    rpc_timeout: float
    rpc_timeout_text: str


@dataclass(frozen=True)
class Server:
    """The server requests go to, as the messages of a failure name it: the address and
    namespace used, the --rpc-timeout text, and whether TLS is configured."""

    address: str
    namespace: str
    rpc_timeout_text: str
    tls: bool


class ConnectFailed(Exception):
    """Client.connect failed without an answer from a server."""


def client_config(connection: Connection) -> tuple[dict[str, Any], Server]:
    """Client.connect's arguments: Temporal's environment configuration (TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE,
    TEMPORAL_CONFIG_FILE), then --address and --namespace on top; and the Server they
    name. A configuration that cannot be loaded, or an address with a scheme, is a usage
    error: nothing was sent."""
    config = load_connect_config()
    config.setdefault("target_host", DEFAULT_ADDRESS)
    config.setdefault("namespace", DEFAULT_NAMESPACE)
    if connection.address:
        config["target_host"] = connection.address
    if connection.namespace:
        config["namespace"] = connection.namespace
    # The Python SDK takes `http://host:7233` with a deprecation warning, and the SDKs do
    # not read a scheme alike: the contract refuses it in both completers, before connecting.
    scheme, has_scheme, _ = config["target_host"].partition("://")
    if has_scheme:
        raise UsageFailure(lines.address_has_scheme(scheme))
    # Environment configuration turns TLS on for TEMPORAL_TLS=true, any TEMPORAL_TLS_*
    # certificate or server name, a profile with tls, or an API key; TEMPORAL_TLS=false
    # leaves `tls` False.
    server = Server(
        address=config["target_host"],
        namespace=config["namespace"],
        rpc_timeout_text=connection.rpc_timeout_text,
        tls=bool(config.get("tls")),
    )
    return config, server


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


def quiet_runtime() -> Runtime:
    """The SDK core logs warnings (a payload over 512 KiB, say) to standard output, which
    belongs to the completer's own result lines: switch that logging off."""
    from temporalio.runtime import Runtime, TelemetryConfig

    from async_completer.telemetry import STATE

    # serve --metrics-listen: the SDK's client metrics go to its /metrics.
    buffer = STATE.sdk.buffer if STATE.sdk is not None else None
    return Runtime(telemetry=TelemetryConfig(logging=None, metrics=buffer))


async def connect(config: dict[str, Any], server: Server, *, lazy: bool = False) -> Client:
    """The connected client. A failed TLS handshake raises its own ServerUnreachable; a
    refusal of the credentials is the server's RPCError; anything else is ConnectFailed.

    lazy (serve): nothing is connected yet; the first request connects, and a failure to
    connect is raised by that request (connect_failure tells it apart)."""
    from temporalio.client import Client

    # Passed only when set: the tests' fake Client.connect records every argument.
    extra: dict[str, Any] = {"lazy": True} if lazy else {}
    try:
        return await Client.connect(**config, **extra, runtime=quiet_runtime())
    except Exception as err:
        failure = connect_failure(err, server)
        if failure is err:
            raise
        raise failure from err


# How the SDK words a failure to connect that a lazily connected client's request raises.
_LAZY_CONNECT_FAILED = "Failed client connect"


def lazy_connect_failed(err: BaseException) -> bool:
    """Whether a request of a lazily connected client failed because it could not connect."""
    return isinstance(err, RuntimeError) and str(err).startswith(_LAZY_CONNECT_FAILED)


def connect_failure(err: Exception, server: Server) -> Exception:
    """What a failure to connect means: a failed TLS handshake, the server's refusal of the
    credentials (err itself), or ConnectFailed."""
    from temporalio.service import RPCError, RPCStatusCode

    if server.tls and mentions_tls(str(err)):
        return ServerUnreachable(lines.tls_failed(server.address))
    if isinstance(err, RPCError) and err.status in (
        RPCStatusCode.UNAUTHENTICATED,
        RPCStatusCode.PERMISSION_DENIED,
    ):
        return err  # the server answered, and refused these credentials
    # Connection refused, unknown host, an address that is no address, any other answer
    # than a refusal of the credentials: no Temporal server was reached.
    return ConnectFailed(str(err))
