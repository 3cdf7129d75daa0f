"""Task tokens: from the text a person pasted to the decoded token.

A token is the server's serialized `Task` message (proto/tasktoken/v1/task_token.proto). The
Worker logs it as hex. Checking it here, offline, turns the common mistakes (a line cut short,
a base64 copy from another tool, a stray quote) into a message that says what went wrong,
instead of a refusal from the server. This module does not import temporalio: `inspect` runs
without it.
"""

from __future__ import annotations

import base64
import binascii
import re
import sys

from google.protobuf.message import DecodeError

from async_completer import lines
from async_completer.lines.errors import UsageFailure
from async_completer.tasktokenpb.task_token_pb2 import ComponentRef, Task
from async_completer.text import GO_WHITE_SPACE

# The first character that is not a hex digit (a batch checks thousands of tokens).
_NOT_HEX = re.compile("[^0-9a-fA-F]")
_STD_BASE64 = re.compile(r"[A-Za-z0-9+/]+")
_URL_BASE64 = re.compile(r"[A-Za-z0-9_-]+")


def read_token_text(value: str) -> str:
    """The token text as given; `-` reads the first line of standard input, so the token
    never shows in `ps`."""
    if value != "-":
        return value
    stdin = sys.stdin
    if stdin is None:
        return ""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return stdin.readline()
    line: bytes = buffer.readline()
    return line.decode("utf-8", "surrogateescape")


def clean(text: str) -> str:
    """Trims white space and one leading 0x/0X, as both completers do before checking."""
    text = text.strip(GO_WHITE_SPACE)
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    return text


def decode_task(data: bytes) -> Task | None:
    """The Task in data, or None when data is not a task token: it does not parse, or a
    field the server needs to find the Activity is empty."""
    task = Task()
    try:
        task.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError):
        return None
    if not (task.namespace_id and task.activity_id):
        return None
    if task.workflow_id and task.run_id:
        return task
    if not task.workflow_id and not task.run_id and standalone_ref(task) is not None:
        return task
    return None


def standalone_ref(task: Task) -> ComponentRef | None:
    """The reference to a standalone Activity (started without a Workflow) that its token
    carries, with the Activity's run ID; None for an Activity of a Workflow."""
    if task.workflow_id or not task.component_ref:
        return None
    ref = ComponentRef()
    try:
        ref.ParseFromString(task.component_ref)
    except (DecodeError, ValueError, RuntimeError):
        return None
    if ref.business_id != task.activity_id or not ref.run_id:
        return None
    return ref


def _is_base64_of_a_token(text: str) -> bool:
    """Whether text is a token in base64, standard or URL alphabet. Padding is optional:
    up to two `=` are dropped and the rest decoded unpadded, as the Go completer does."""
    unpadded = text.rstrip("=")
    if len(text) - len(unpadded) > 2:
        return False
    for pattern, altchars in ((_STD_BASE64, None), (_URL_BASE64, b"-_")):
        if not pattern.fullmatch(unpadded):
            continue
        padded = unpadded + "=" * (-len(unpadded) % 4)
        try:
            data = base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
        if data and decode_task(data) is not None:
            return True
    return False


def parse_task_token(text: str) -> tuple[bytes, Task]:
    """The token's bytes (sent to the server as they are) and the decoded Task.

    Raises UsageFailure (exit 2) with the contract's message for each way a pasted token
    goes wrong."""
    token = clean(text)
    if not token:
        raise UsageFailure(lines.TOKEN_EMPTY)
    not_hex = _NOT_HEX.search(token)
    if not_hex is not None:
        if _is_base64_of_a_token(token):
            raise UsageFailure(lines.TOKEN_LOOKS_LIKE_BASE64)
        raise UsageFailure(lines.token_not_hex(not_hex.group(), not_hex.start() + 1))
    if len(token) % 2:
        raise UsageFailure(lines.token_odd_digits(len(token)))
    data = bytes.fromhex(token)
    task = decode_task(data)
    if task is None:
        raise UsageFailure(lines.NOT_A_TOKEN)
    return data, task
