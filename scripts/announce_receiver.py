"""A stand-in for a chat incoming webhook, for the demo (`make run-all COMPLETER=link`).

    announce_receiver.py FILE

Listens on a free loopback port, prints `Receiving announcements on http://127.0.0.1:PORT`
once listening (flushed), and appends the body of every POST to FILE as one line (the
Worker's announcements are compact JSON on one line), answering 204. Runs until SIGTERM.
"""

from __future__ import annotations

import http.server
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

# Far more than an announcement (two links and the Activity's input) ever needs.
MAX_BODY = 1 << 20


def make_handler(out: Path) -> type[http.server.BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                self.send_error(400 if length <= 0 else 413)
                return
            body = self.rfile.read(length)
            with lock, out.open("ab") as file:
                file.write(body.rstrip(b"\n") + b"\n")
            self.send_response(204)
            self.end_headers()

    return Handler


def main(out: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(out))

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever, which runs in this thread: end it elsewhere.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    print(f"Receiving announcements on http://{host!s}:{port}", flush=True)
    with server:
        server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: announce_receiver.py FILE")
    main(Path(sys.argv[1]))
