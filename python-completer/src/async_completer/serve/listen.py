"""Where serve listens: --listen HOST:PORT read as Go's net.SplitHostPort reads it, the URL it
prints, the Host headers that name a loopback listener, the TLS certificate, and the
listening socket itself.

No aiohttp, no temporalio: verbs/serve.py checks all of this before it imports them.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass

from async_completer import lines
from async_completer.lines.errors import UsageFailure
from async_completer.text import os_reason

DEFAULT_LISTEN = "127.0.0.1:8080"
LOCALHOST = "localhost"


@dataclass(frozen=True)
class Listen:
    """A checked --listen value. host is HOST as given (an IP address without brackets, or
    localhost); port 0 picks a free port. On a loopback listener no credential is needed,
    and the Host header is checked instead."""

    host: str
    port: int
    loopback: bool
    given: str = ""  # --listen as given, as the `cannot listen` line names it

    def url(self, tls: bool, port: int) -> str:
        """The listener's address as serve prints it, with the port it got."""
        return f"{'https' if tls else 'http'}://{join_host_port(self.host, port)}"

    def allowed_hosts(self, port: int) -> frozenset[str]:
        """The Host headers that name a loopback listener on port: its loopback names, and
        HOST as given. A DNS name that a hostile page rebinds to 127.0.0.1 is none of them."""
        return frozenset(
            (
                f"127.0.0.1:{port}",
                f"localhost:{port}",
                f"[::1]:{port}",
                join_host_port(self.host, port),
            )
        )


def join_host_port(host: str, port: int) -> str:
    """Go's net.JoinHostPort: an IPv6 address in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split_host_port(value: str) -> tuple[str, str] | None:
    """Go's net.SplitHostPort: HOST and PORT, or None where Go gives an error."""
    colon = value.rfind(":")
    if colon < 0:
        return None
    start, end = 0, 0
    if value.startswith("["):
        close = value.find("]")
        if close < 0 or close + 1 != colon:
            return None
        host = value[1:close]
        start, end = 1, close + 1
    else:
        host = value[:colon]
        if ":" in host:
            return None
    if "[" in value[start:] or "]" in value[end:]:
        return None
    return host, value[colon + 1 :]


def _port(text: str) -> int | None:
    """ASCII digits only, at most five, 0 to 65535."""
    if not text or len(text) > 5 or not (text.isascii() and text.isdigit()):
        return None
    port = int(text)
    return port if port <= 65535 else None


def parse_listen(value: str, option: str = "--listen") -> Listen:
    """--listen HOST:PORT: HOST is an IP address (IPv6 in brackets) or localhost."""
    parts = split_host_port(value)
    port = _port(parts[1]) if parts is not None else None
    if parts is None or port is None:
        raise UsageFailure(lines.listen_not_host_port(value, option))
    host = parts[0]
    if host == LOCALHOST:
        return Listen(host, port, loopback=True, given=value)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    # A zone (fe80::1%eth0) names an interface of this machine only.
    if address is None or (isinstance(address, ipaddress.IPv6Address) and address.scope_id):
        raise UsageFailure(lines.listen_not_host_port(value, option))
    # An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is not ::1: not loopback, as in Go
    # (and in Python before 3.13).
    mapped = isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None
    return Listen(host, port, loopback=address.is_loopback and not mapped, given=value)


def load_tls(cert: str, key: str) -> ssl.SSLContext:
    """The server's TLS context, with the PEM certificate chain and key."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ValueError, ssl.SSLError) as err:
        raise UsageFailure(lines.cannot_load_tls(cert, key)) from err
    return context


def bind(listen: Listen) -> socket.socket:
    """The listening socket. localhost is 127.0.0.1, as Go listens on one address of a name
    (its first IPv4 one); `::` takes IPv4 too, as in Go."""
    host = "127.0.0.1" if listen.host == LOCALHOST else listen.host
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    dualstack = family == socket.AF_INET6 and ipaddress.ip_address(host).is_unspecified
    try:
        return socket.create_server(
            (host, listen.port), family=family, dualstack_ipv6=dualstack, backlog=socket.SOMAXCONN
        )
    except OSError as err:
        # socket.create_server adds the address to the OS's words; the line has them alone.
        plain = OSError(err.errno, os.strerror(err.errno)) if err.errno else err
        raise UsageFailure(lines.cannot_listen(listen.given, os_reason(plain))) from err
