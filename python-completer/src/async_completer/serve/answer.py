"""Status codes and answer bodies: the JSON answer of every route but the pages, and the
HTML pages' headers (Go: internal/serve/answer.go)."""

from __future__ import annotations

from aiohttp import web

from async_completer import lines
from async_completer.serve.backend import Answer
from async_completer.serve.log import ALREADY, OUTCOME

JSON_TYPE = "application/json"
NDJSON_TYPE = "application/x-ndjson"
HTML_TYPE = "text/html; charset=utf-8"
# The headers of every HTML page: no other site may frame it and trick a click on its
# buttons.
FRAME_HEADERS = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}


def answer(
    status: int,
    outcome: str,
    code: int,
    message: str,
    headers: dict[str, str] | None = None,
    already: bool = False,
) -> web.Response:
    """A JSON answer: one compact object and a newline, exactly `application/json`."""
    body = (lines.answer_json(outcome, code, message, already) + "\n").encode("utf-8", "replace")
    response = web.Response(
        status=status, body=body, headers={"Content-Type": JSON_TYPE, **(headers or {})}
    )
    response[OUTCOME] = outcome
    if already:
        response[ALREADY] = True
    return response


def status_of(result: Answer) -> int:
    """The status of an answer's exit code: 200 done (and a heartbeat answered with a
    cancel request), 400 malformed (413 too large), 409 refused, 503 unreachable, 500
    anything else."""
    if result.code == 2 and result.too_large:
        return 413
    return {0: 200, 2: 400, 3: 409, 4: 503, lines.CANCEL_REQUESTED_CODE: 200}.get(result.code, 500)


def answered(result: Answer) -> web.Response:
    code = result.code
    return answer(
        status_of(result), lines.outcome_of(code), code, result.message, None, result.already
    )


def malformed(status: int, message: str) -> web.Response:
    return answer(status, lines.outcome_of(2), 2, message)


def html(status: int, body: bytes) -> web.Response:
    return web.Response(
        status=status, body=body, headers={"Content-Type": HTML_TYPE, **FRAME_HEADERS}
    )
