"""An OTLP/HTTP endpoint that takes every batch of spans and keeps nothing: the collector of
the telemetry phase, in a process of its own (`python -m bench.otlp_sink`), so that what it
costs is not the measured program's. Prints its port, then serves until terminated."""

from __future__ import annotations

import http.server
from typing import Any

# An empty ExportTraceServiceResponse: the protobuf of no field is no bytes.
ANSWER = b""


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
