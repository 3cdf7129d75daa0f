"""The command line's faults, and the task token's, found before anything is sent (exit 2)."""

from __future__ import annotations


def error_line(message: str) -> str:
    return f"error: {message}"


def shorten(arg: str) -> str:
    """An argument echoed in an error message, kept short: it may be a task token pasted in
    the wrong place, and a token is never printed."""
    return arg if len(arg) <= 16 else arg[:8] + "…"


# Usage: the command line, found before anything is read or sent (exit 2).

NO_ACTIVITY = (
    "no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID "
    "(see --help)"
)
_ON_THE_TOKEN_LINE = "it is on the token line in the Worker's log"
BOTH_GIVEN = "give either --tasktoken or --workflow-id with --activity-id, not both"
NEEDS_ACTIVITY_ID = f"--workflow-id needs --activity-id too: {_ON_THE_TOKEN_LINE}"
RUN_ID_NEEDS_ACTIVITY_ID = f"--run-id needs --activity-id too: {_ON_THE_TOKEN_LINE}"
NEEDS_REASON = "fail needs --reason TEXT: say why the Activity failed"
INSPECT_NEEDS_TOKEN = (
    "inspect needs --tasktoken HEX: it decodes a token offline and contacts no server"
)
RESULT_AND_RESULT_FILE = "give either --result or --result-file, not both"
BATCH_AND_TARGET = (
    "give either --batch or an Activity (--tasktoken or --workflow-id with --activity-id), not both"
)


def unknown_command(arg: str) -> str:
    return (
        f'unknown command "{shorten(arg)}": use complete, fail, heartbeat, cancel, inspect, '
        "list, serve or link (see --help)"
    )


def unknown_option(name: str) -> str:
    return f'unknown option "--{name}": see --help'


def needs_value(name: str) -> str:
    return f'option "--{name}" needs a value'


def takes_no_value(name: str) -> str:
    return f'option "--{name}" does not take a value'


def unexpected_argument(arg: str) -> str:
    return f'unexpected argument "{shorten(arg)}": options take the form --name VALUE (see --help)'


def bad_rpc_timeout(text: str) -> str:
    return f'--rpc-timeout "{text}" is not a duration: use for example 10s, 500ms or 1m'


def bad_concurrency(text: str, maximum: int) -> str:
    return f'--concurrency "{text}" must be a whole number from 1 to {maximum}'


def cannot_read_result_file(path: str, reason: str) -> str:
    return f'cannot read the result file "{path}": {reason}'


def result_file_not_utf8(path: str) -> str:
    return f'the result file "{path}" is not UTF-8 text'


def cannot_read_batch_file(path: str, reason: str) -> str:
    return f'cannot read the batch file "{path}": {reason}'


# The task token, checked offline (exit 2).

_COPY_HINT = "copy the taskToken= value from the Worker's log"
_COPY_WHOLE_HINT = "copy the whole taskToken= value from the Worker's log"
TOKEN_EMPTY = f"the task token is empty: {_COPY_HINT}"
TOKEN_LOOKS_LIKE_BASE64 = f"the task token looks like base64, but hex is expected: {_COPY_HINT}"
NOT_A_TOKEN = f"the task token is not a Temporal task token (was it cut short?): {_COPY_WHOLE_HINT}"


def token_not_hex(char: str, position: int) -> str:
    return (
        f'the task token is not hex: "{char}" at position {position} is not 0-9 or a-f; '
        f"{_COPY_HINT}"
    )


def token_odd_digits(count: int) -> str:
    return (
        f"the task token has an odd number of hex digits ({count}): it was cut short; "
        f"{_COPY_WHOLE_HINT}"
    )


def too_large(what: str, size: int, limit: int) -> str:
    return (
        f"the {what} is {size} bytes once encoded, more than the {limit} bytes the server "
        f"accepts (its blob size limit): send a smaller {what}, or a reference to where the "
        "data is"
    )
