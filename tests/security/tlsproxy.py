"""A TLS-terminating proxy in front of the dev server's plaintext gRPC port.

Clients connect to it over TLS (the throwaway server certificate, ALPN `h2`, as gRPC
clients require); it forwards the bytes both ways, unchanged, to the dev server. It runs
its own event loop in a thread, and keeps a record of every connection: whether the TLS
handshake completed, the protocol negotiated, and, decoded from the client's HTTP/2
frames (RFC 9113) with an HPACK decoder (RFC 7541), the headers of every request, so
that the tests can see which credentials a program sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
FRAME_HEADERS = 0x1
FRAME_PUSH_PROMISE = 0x5
FRAME_CONTINUATION = 0x9
FLAG_END_HEADERS = 0x4
FLAG_PADDED = 0x8
FLAG_PRIORITY = 0x20


@dataclass
class Request:
    """The headers of one HTTP/2 request, as the client sent them (names lower case)."""

    headers: list[tuple[str, str]]

    def get(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]

    @property
    def path(self) -> str:
        paths = self.get(":path")
        return paths[0] if paths else ""


@dataclass
class Connection:
    """One client connection that completed its TLS handshake."""

    number: int
    alpn: str | None
    requests: list[Request] = field(default_factory=list)
    decode_errors: list[str] = field(default_factory=list)


class Http2RequestReader:
    """Reads the client side of an HTTP/2 connection and decodes its header blocks. The
    HPACK decoder keeps state across blocks, so every block is decoded, in order."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.buffer = b""
        self.preface_seen = False
        self.decoder = hpack.Decoder()
        # The encoder may grow its dynamic table up to what the server allows; accept any.
        self.decoder.max_allowed_table_size = 1 << 24
        self.decoder.max_header_list_size = 1 << 24
        self.block = b""
        self.in_block = False

    def feed(self, data: bytes) -> None:
        if self.connection.decode_errors:
            return  # the stream can no longer be read: keep forwarding, stop decoding
        self.buffer += data
        try:
            self._parse()
        except Exception as err:
            self.connection.decode_errors.append(f"{type(err).__name__}: {err}")

    def _parse(self) -> None:
        if not self.preface_seen:
            if len(self.buffer) < len(PREFACE):
                return
            if not self.buffer.startswith(PREFACE):
                raise ValueError(f"not an HTTP/2 connection preface: {self.buffer[:24]!r}")
            self.buffer = self.buffer[len(PREFACE) :]
            self.preface_seen = True
        while len(self.buffer) >= 9:
            length = int.from_bytes(self.buffer[:3], "big")
            if len(self.buffer) < 9 + length:
                return
            kind, flags = self.buffer[3], self.buffer[4]
            payload = self.buffer[9 : 9 + length]
            self.buffer = self.buffer[9 + length :]
            self._frame(kind, flags, payload)

    def _frame(self, kind: int, flags: int, payload: bytes) -> None:
        if kind == FRAME_HEADERS:
            if flags & FLAG_PADDED:
                pad = payload[0]
                payload = payload[1 : len(payload) - pad]
            if flags & FLAG_PRIORITY:
                payload = payload[5:]
            self.block, self.in_block = payload, True
        elif kind == FRAME_CONTINUATION and self.in_block:
            self.block += payload
        elif kind == FRAME_PUSH_PROMISE:
            raise ValueError("a client sent PUSH_PROMISE")
        else:
            return
        if flags & FLAG_END_HEADERS:
            headers = self.decoder.decode(self.block, raw=False)
            self.connection.requests.append(
                Request([(str(name).lower(), str(value)) for name, value in headers])
            )
            self.block, self.in_block = b"", False


class TlsProxy:
    """`with TlsProxy(upstream, cert, key) as proxy:` listens on 127.0.0.1:proxy.port."""

    def __init__(self, upstream: str, cert: Path, key: Path) -> None:
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.context.set_alpn_protocols(["h2"])
        self.lock = threading.Lock()
        self.connections: list[Connection] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    # ------------------------------------------------------------------ control

    def start(self) -> TlsProxy:
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(self._listen(), self.loop).result(10)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
        self.loop.close()

    def __enter__(self) -> TlsProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ records

    def handshakes(self) -> int:
        """How many client connections have completed a TLS handshake so far."""
        with self.lock:
            return len(self.connections)

    def connections_since(self, mark: int) -> list[Connection]:
        """The connections after the first `mark` (a value of handshakes())."""
        with self.lock:
            return list(self.connections[mark:])

    # ------------------------------------------------------------------ the loop

    async def _listen(self) -> asyncio.Server:
        return await asyncio.start_server(
            self._accepted, "127.0.0.1", 0, ssl=self.context, ssl_handshake_timeout=10
        )

    async def _close(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 5)

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # asyncio calls this only once the TLS handshake has completed.
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        ssl_object = writer.get_extra_info("ssl_object")
        alpn = ssl_object.selected_alpn_protocol() if ssl_object is not None else None
        with self.lock:
            connection = Connection(len(self.connections) + 1, alpn)
            self.connections.append(connection)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            self.tasks.discard(task)
            return
        http2 = Http2RequestReader(connection)

        def record(data: bytes) -> None:
            with self.lock:
                http2.feed(data)

        try:
            await asyncio.gather(
                _pipe(reader, up_writer, record),
                _pipe(up_reader, writer, None),
            )
        finally:
            for w in (writer, up_writer):
                w.close()
            self.tasks.discard(task)


async def _pipe(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    observe: Callable[[bytes], None] | None,
) -> None:
    try:
        while data := await reader.read(65536):
            if observe is not None:
                observe(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            if writer.can_write_eof():
                writer.write_eof()
            else:
                writer.close()
