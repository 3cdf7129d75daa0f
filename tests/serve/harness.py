"""Real `COMPLETER serve` processes and real HTTP for the serve and browser suites.

A ServeProcess is started on a free port (`--listen 127.0.0.1:0`), found by the one line it
prints once listening, and stopped by its process ID. Requests go over the standard
library's http.client, one connection each, so a test sees exactly what a caller sees:
status, headers and the body's bytes. Nothing here imports a completer: the tests hold
both languages to docs/completer-http.md, not to their own code."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.harness import COMPLETERS, clean_env, stop_process, wait_until

KINDS = ("python", "go")

SERVING = re.compile(r"^Serving on (https?)://(\[[0-9a-fA-F:]+\]|[^:/\s]+):(\d+)$")

# How long a serve may take to print its `Serving on` line: the Python completer imports
# aiohttp and the SDK first, on a machine that runs a dev server and a Worker too.
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Answer:
    """What a caller sees of one answer. Two answers are equal when status, Content-Type
    and body are: the contract's sameness (docs/completer-http.md, first paragraph)."""

    status: int
    content_type: str | None
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    def header_names(self) -> set[str]:
        return {k.lower() for k, _ in self.headers}

    def json(self) -> Any:
        return json.loads(self.body)

    def replaced(self, old: str, new: str) -> Answer:
        """The answer with a text replaced in its body: two completers that acted on two
        Workflows of their own answer alike once the Workflow IDs are made the same."""
        return Answer(
            self.status,
            self.content_type,
            self.body.replace(old.encode(), new.encode()),
            self.headers,
        )


def _answer(response: http.client.HTTPResponse) -> Answer:
    body = response.read()
    headers = tuple(response.getheaders())
    return Answer(response.status, response.getheader("Content-Type"), body, headers)


def request(
    host: str,
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> Answer:
    """One request on a connection of its own. A `Host` in headers replaces the one
    http.client would send; no Content-Type is sent unless headers hold one."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        return _answer(connection.getresponse())
    finally:
        connection.close()


def request_streaming(
    host: str,
    port: int,
    method: str,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    chunked: bool = False,
    timeout: float = 60,
) -> Answer:
    """A request whose body is sent by a thread while the answer is read: a server may
    answer a body it refuses (413, 415) before reading it all, and a client that first
    writes everything would block, or lose the answer to the connection's reset."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    connection.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    if chunked:
        connection.putheader("Transfer-Encoding", "chunked")
    else:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    sock = connection.sock
    assert sock is not None
    if chunked:
        step = 1 << 20
        pieces = [
            b"%x\r\n%s\r\n" % (len(body[i : i + step]), body[i : i + step])
            for i in range(0, len(body), step)
        ]
        data = b"".join(pieces) + b"0\r\n\r\n"
    else:
        data = body

    def send() -> None:
        # The server may answer and close before the body is all sent: the answer counts.
        with contextlib.suppress(OSError):
            sock.sendall(data)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        return _answer(connection.getresponse())
    finally:
        # Wakes the sender if it still blocks on a server that stopped reading.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        connection.close()
        sender.join(timeout)


@dataclass
class ServeProcess:
    """One `COMPLETER serve`, its standard error in a log file of its own."""

    kind: str
    process: subprocess.Popen[bytes]
    log: Path
    url: str
    host: str
    port: int
    stdout_lines: list[str]

    @classmethod
    def start(
        cls,
        kind: str,
        address: str,
        log: Path,
        *args: str,
        listen: str = "127.0.0.1:0",
        env: dict[str, str] | None = None,
        timeout: float = START_TIMEOUT,
    ) -> ServeProcess:
        """Starts serve with Temporal at address (clean_env, unless env is given) and waits,
        bounded, for its `Serving on` line."""
        command = [str(COMPLETERS[kind]), "serve", "--listen", listen, *args]
        with log.open("ab") as err:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                env=env or clean_env(address),
            )
        lines: list[str] = []
        assert process.stdout is not None
        threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
        try:

            def first_line() -> str | None:
                if lines:
                    return lines[0]
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{kind} serve exited with {process.returncode} before listening; "
                        f"standard error: {log.read_text(errors='replace')[-2000:]!r}"
                    )
                return None

            line: str = wait_until(
                first_line, timeout, f"the `Serving on` line of {kind} serve (see {log})"
            )
            match = SERVING.match(line)
            if match is None:
                raise RuntimeError(f"{kind} serve printed {line!r}, not `Serving on URL`")
        except BaseException:
            stop_process(process)
            raise
        host = match.group(2).strip("[]")
        return cls(
            kind, process, log, line.removeprefix("Serving on "), host, int(match.group(3)), lines
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Stops serve by its process ID (the signal, then SIGKILL after timeout) and
        returns its exit code."""
        stop_process(self.process, sig, timeout)
        return self.process.returncode

    def running(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    # Requests.

    @property
    def connect_host(self) -> str:
        """Where to connect: a listener on every address (0.0.0.0) or on localhost is
        reached through 127.0.0.1."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "localhost") else self.host

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 60,
    ) -> Answer:
        return request(self.connect_host, self.port, method, path, body, headers, timeout)

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(
        self,
        path: str,
        job: Any,
        *,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = "application/json",
    ) -> Answer:
        """POSTs job (encoded as JSON, unless it is bytes already) as application/json."""
        body = job if isinstance(job, bytes) else json.dumps(job, ensure_ascii=False).encode()
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        return self.request("POST", path, body, all_headers)

    def post_streaming(
        self, path: str, body: bytes, headers: Mapping[str, str], *, chunked: bool = False
    ) -> Answer:
        return request_streaming(
            self.connect_host, self.port, "POST", path, body, headers, chunked=chunked
        )

    def healthy(self) -> bool:
        return self.get("/healthz").status == 200


def _read_lines(stream: IO[bytes], lines: list[str]) -> None:
    """Keeps reading serve's standard output (so a chatty serve never blocks on a full
    pipe) and keeps every line."""
    for raw in stream:
        lines.append(raw.decode(errors="replace").rstrip("\r\n"))


@contextmanager
def serving(
    kind: str, address: str, log: Path, *args: str, **kwargs: Any
) -> Iterator[ServeProcess]:
    serve = ServeProcess.start(kind, address, log, *args, **kwargs)
    try:
        yield serve
    finally:
        serve.stop()


@contextmanager
def serving_all(
    kinds: Sequence[str],
    address: str,
    folder: Path,
    *args: str,
    name: str = "serve",
    **kwargs: Any,
) -> Iterator[dict[str, ServeProcess]]:
    """One serve per kind, each logging to folder/<name>-<kind>.log."""
    started: dict[str, ServeProcess] = {}
    try:
        for kind in kinds:
            log = folder / f"{name}-{kind}.log"
            started[kind] = ServeProcess.start(kind, address, log, *args, **kwargs)
        yield started
    finally:
        for serve in started.values():
            serve.stop()


@dataclass
class StartupRun:
    returncode: int
    stdout: str
    stderr: str


def run_serve_expecting_refusal(
    kind: str, args: Sequence[str], env: dict[str, str], timeout: float = 20
) -> StartupRun:
    """Runs `COMPLETER serve ARGS` that should refuse to start. A serve that starts
    instead is stopped by its process ID after timeout, and the run says so."""
    process = subprocess.Popen(
        [str(COMPLETERS[kind]), "serve", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_process(process)
        stdout, stderr = process.communicate()
        stderr += f"\n[still running after {timeout}s: stopped by the test]"
    return StartupRun(process.returncode, stdout, stderr)


def wait_for_log_lines(serve: ServeProcess, count: int, timeout: float = 10) -> list[str]:
    """serve's standard error, once it holds at least count lines (serve may write a
    request's line just after its answer)."""

    def enough() -> list[str] | None:
        lines = serve.log_text().splitlines()
        return lines if len(lines) >= count else None

    found: list[str] = wait_until(enough, timeout, f"{count} lines in {serve.log}")
    return found


def elapsed(start: float) -> float:
    return time.monotonic() - start
