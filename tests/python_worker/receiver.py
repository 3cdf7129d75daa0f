"""A local announcement receiver for the tests: http.server on a free loopback port in a
thread, recording every request and answering with the statuses it was told to."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """statuses: the answer to each request in turn; the last one repeats. delay: seconds
    to wait before answering (a receiver that hangs)."""

    def __init__(self, statuses: tuple[int, ...] = (200,), delay: float = 0) -> None:
        self.statuses = list(statuses)
        self.delay = delay
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append(
                        Received("POST", self.path, dict(self.headers.items()), body)
                    )
                    status = (
                        receiver.statuses.pop(0)
                        if len(receiver.statuses) > 1
                        else receiver.statuses[0]
                    )
                time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        host, port = self.server.server_address[:2]
        self.url = f"http://{host!s}:{port}/hooks/announce"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def announcements(self) -> list[Any]:
        with self.lock:
            return [r.json() for r in self.received]


@contextmanager
def receiver(statuses: tuple[int, ...] = (200,), delay: float = 0) -> Iterator[Receiver]:
    r = Receiver(statuses, delay)
    r.thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()
