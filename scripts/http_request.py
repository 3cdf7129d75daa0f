"""The curl-less path of `http_request` in scripts/lib.sh, with Python's urllib.

    http_request.py POST_JSON|GET|POST_FORM URL

Prints the answer's body. Exits 0 on a 2xx answer; 22 on another status (the body is
still printed, as `curl --fail-with-body` does); 7 when the server cannot be reached.
POST_JSON sends standard input as the body: a task token never appears on a command line.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request


def main(method: str, url: str) -> int:
    data: bytes | None = None
    headers: dict[str, str] = {}
    if method == "POST_JSON":
        data = sys.stdin.buffer.read()
        headers["Content-Type"] = "application/json"
    elif method == "POST_FORM":
        data = b""
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif method != "GET":
        print(f"error: http_request.py: unknown method {method}", file=sys.stderr)
        return 2
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            sys.stdout.buffer.write(answer.read())
    except urllib.error.HTTPError as err:
        sys.stdout.buffer.write(err.read())
        print(f"http_request.py: {url} answered {err.code}", file=sys.stderr)
        return 22
    except OSError as err:
        print(f"http_request.py: {url}: {err}", file=sys.stderr)
        return 7
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
