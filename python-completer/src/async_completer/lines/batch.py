"""A batch's lines: the malformed lines' messages, the JSON line of each job, the progress
line and the summary."""

from __future__ import annotations

import json
from collections.abc import Callable

from async_completer.text import one_line

# Batches: the malformed lines, the JSON line of each job, the summary.

NOT_A_JOB = "the line is not a hex task token or a JSON job: "
JOB_NOT_UTF8 = NOT_A_JOB + "it is not UTF-8 text"
JOB_NOT_AN_OBJECT = NOT_A_JOB + "it is not a JSON object"
JOB_RETRYABLE_NOT_BOOL = NOT_A_JOB + '"retryable" must be true or false'


def job_not_json(detail: str) -> str:
    return NOT_A_JOB + one_line(detail)


def not_json_constant(name: str) -> str:
    return f"{name} is not JSON"


def job_unknown_key(key: str, verb: str, known: tuple[str, ...]) -> str:
    return f'{NOT_A_JOB}unknown key "{key}" ({verb} takes {", ".join(known)})'


def job_key_not_text(key: str) -> str:
    return f'{NOT_A_JOB}"{key}" must be a text'


OUTCOMES = {0: "ok", 2: "malformed", 3: "refused", 4: "unreachable"}
# The string encoder of json.dumps(..., ensure_ascii=False): quote, backslash and control
# characters escaped, everything else as is, which is what the Go completer writes too.
json_string: Callable[[str], str] = json.encoder.encode_basestring


ALREADY = ',"already":true'


def job_line(line: int, code: int, message: str, already: bool = False) -> str:
    """The JSON line of one job (without its newline): the bytes of json.dumps({"line",
    "outcome", "code", "message"}, ensure_ascii=False, separators=(",", ":")), written out
    by hand because a batch writes one per job. A request answered as already done has
    `"already":true` after the message."""
    name = OUTCOMES.get(code, "error")
    tail = ALREADY if already else ""
    return (
        f'{{"line":{line},"outcome":"{name}","code":{code},"message":{json_string(message)}{tail}}}'
    )


def progress(done: int, total: int) -> str:
    return f"\r{done}/{total} jobs"


def batch_summary(
    failed: int, total: int, refused: int, malformed: int, unreachable: int, other: int
) -> str:
    return (
        f"{failed} of {total} jobs did not succeed ({refused} refused, {malformed} malformed, "
        f"{unreachable} unreachable, {other} other errors); see the JSON lines on standard output"
    )


def batch_stdout_failed(reason: str, sent: int, succeeded: int, unwritten: int) -> str:
    return (
        f"could not write to standard output ({reason}): all {sent} jobs were sent, "
        f"{succeeded} succeeded; the lines of {unwritten} jobs were not written"
    )
