"""The bound on a request's headers, one contract in both languages (issue 17,
docs/completer-http.md "Limits"): at most 100 fields and 16384 bytes, counting the request
target and every header name and value (Host too). A request within them is served; one
beyond them gets 431, the same answer from both completers, whether the routes or the HTTP
library refuses it (up to 1 MiB of headers: beyond, Go's net/http answers 431 in plain
text). (Before, a 100 KB header got 400 from Python and 403 from Go.)

Requests are written byte by byte on a socket: http.client would add headers of its own."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness import DevServer
from tests.serve.harness import KINDS, ServeProcess, serving_all

MAX_BYTES = 16384
MAX_FIELDS = 100
TOO_LARGE = (
    b'{"outcome":"malformed","code":2,"message":"the request headers are too large: at most '
    b"100 fields and 16384 bytes (the request target, every name and value) are accepted"
    b'"}\n'
)


@pytest.fixture(scope="module")
def serves(dev_server: DevServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    logs: Path = tmp_path_factory.mktemp("header-limits")
    with serving_all(KINDS, dev_server.address, logs, name="headers") as started:
        yield started


def exchange(serve: ServeProcess, fields: list[tuple[str, str]], target: str = "/healthz") -> Any:
    """Sends GET target with exactly these fields (Host first, then fields, Connection:
    close) and returns (status, content type, body)."""
    host = f"{serve.connect_host}:{serve.port}"
    head = f"GET {target} HTTP/1.1\r\nHost: {host}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in fields)
    head += "Connection: close\r\n\r\n"
    with socket.create_connection((serve.connect_host, serve.port), timeout=30) as sock:
        sock.sendall(head.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    header, _, body = data.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    content_type = next(
        (
            line.split(":", 1)[1].strip()
            for line in lines
            if line.lower().startswith("content-type:")
        ),
        None,
    )
    return status, content_type, body


def measure(serve: ServeProcess, fields: list[tuple[str, str]], target: str = "/healthz") -> int:
    host = f"{serve.connect_host}:{serve.port}"
    size = len(target) + len("Host") + len(host) + len("Connection") + len("close")
    return size + sum(len(name) + len(value) for name, value in fields)


def padded(serve: ServeProcess, size: int) -> list[tuple[str, str]]:
    """One X-Pad field that makes the request's measure exactly size."""
    base = measure(serve, [("X-Pad", "")])
    return [("X-Pad", "p" * (size - base))]


@pytest.mark.parametrize("kind", KINDS)
def test_headers_up_to_the_bound_are_served_and_one_byte_more_is_431(
    serves: dict[str, ServeProcess], kind: str
) -> None:
    serve = serves[kind]
    within = padded(serve, MAX_BYTES)
    assert measure(serve, within) == MAX_BYTES
    status, _, body = exchange(serve, within)
    assert status == 200, body
    beyond = padded(serve, MAX_BYTES + 1)
    assert exchange(serve, beyond) == (431, "application/json", TOO_LARGE)


@pytest.mark.parametrize("kind", KINDS)
def test_up_to_100_fields_are_served_and_one_more_is_431(
    serves: dict[str, ServeProcess], kind: str
) -> None:
    serve = serves[kind]
    # Host and Connection are two of them.
    within = [(f"X-{n}", "v") for n in range(MAX_FIELDS - 2)]
    status, _, body = exchange(serve, within)
    assert status == 200, body
    beyond = [(f"X-{n}", "v") for n in range(MAX_FIELDS - 1)]
    assert exchange(serve, beyond) == (431, "application/json", TOO_LARGE)


def test_far_beyond_the_bound_both_answer_431_alike(serves: dict[str, ServeProcess]) -> None:
    answers = {}
    for kind in KINDS:
        answers[kind] = {
            "a 100 KB header": exchange(serves[kind], [("X-Big", "b" * 100_000)]),
            "a long target": exchange(serves[kind], [], target="/healthz?" + "q" * 20_000),
            "20 fields of 1 KB": exchange(
                serves[kind], [(f"X-{n}", "v" * 1000) for n in range(20)]
            ),
        }
    assert answers["python"] == answers["go"]
    for answer in answers["go"].values():
        assert answer == (431, "application/json", TOO_LARGE)
