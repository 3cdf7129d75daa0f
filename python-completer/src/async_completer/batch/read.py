"""A batch's lines: each one a job (one Activity to complete or fail) or the outcome of a
malformed line, checked as a single command would check its command line. A body of serve
is one such job, of any of the four verbs (heartbeat and cancel take "details").

Nothing here is sent: verbs/batch.py and serve's backend send the jobs. This module does not
import temporalio.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from async_completer import lines
from async_completer.identity import valid_identity, valid_key
from async_completer.lines.errors import CompleterError, UsageFailure
from async_completer.model import Job, Outcome
from async_completer.target import (
    check_target_options,
    target_from_ids,
    target_from_token,
)
from async_completer.text import GO_WHITE_SPACE

_TARGET_KEYS = ("tasktoken", "workflow_id", "activity_id", "run_id")
_WHO_KEYS = ("identity", "idempotency_key")
_KEYS = {
    "complete": (*_TARGET_KEYS, "result", *_WHO_KEYS),
    "fail": (*_TARGET_KEYS, "reason", "retryable", *_WHO_KEYS),
    "heartbeat": (*_TARGET_KEYS, "details", *_WHO_KEYS),
    "cancel": (*_TARGET_KEYS, "details", *_WHO_KEYS),
}
# The other keys of a `list --json` line: accepted with any value and ignored, so that
# listed lines can be piped in as they are.
_LISTED_KEYS = frozenset(
    (
        "activity_type",
        "attempt",
        "maximum_attempts",
        "state",
        "waiting_since",
        "last_heartbeat_time",
        "heartbeat_details",
        "last_failure",
        "next_attempt_time",
        "paused_by",
        "pause_reason",
        "input",
        "summary",
    )
)
# What Go's JSON decoder turns a lone surrogate escape (\ud800) into; Python keeps it, and
# it could not be written out.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Defaults:
    """The command line's values, for the jobs that do not bring their own."""

    verb: str
    result: str = ""
    reason: str = ""
    retryable: bool = False
    identity: str | None = None
    idempotency_key: str | None = None


def check_identity(identity: str | None, key: str | None) -> None:
    """--identity and --idempotency-key, as the command line gives them."""
    if identity is not None and not valid_identity(identity):
        raise UsageFailure(lines.BAD_IDENTITY)
    if key is not None and not valid_key(key):
        raise UsageFailure(lines.BAD_KEY)


def _check_result_size(result: str) -> None:
    # Imported here: the check needs temporalio's converter, and parsing does not otherwise.
    from async_completer.send.limits import check_payload_size

    check_payload_size("result", result)


def _check_details_size(details: str) -> None:
    from async_completer.send.limits import check_payload_size

    check_payload_size("details", details)


def parse_batch(
    data: bytes,
    defaults: Defaults,
    check_result: Callable[[str], None] = _check_result_size,
) -> tuple[list[Job], list[Outcome]]:
    """The jobs to send, and the outcomes of the malformed lines, both in line order.

    Lines end at `\\n` (a `\\r` before it is trimmed with the other white space); blank lines
    and lines whose first non-blank character is `#` are neither. check_result checks the
    size of a result that a job brings (the command line's was checked once, before)."""
    jobs: list[Job] = []
    malformed: list[Outcome] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8").strip(GO_WHITE_SPACE)
        except UnicodeDecodeError:
            malformed.append(Outcome(number, 2, lines.JOB_NOT_UTF8))
            continue
        if not text or text[0] == "#":
            continue
        try:
            jobs.append(parse_job_line(number, text, defaults, check_result))
        except CompleterError as err:
            malformed.append(Outcome(number, err.exit_code, err.message))
    return jobs, malformed


def parse_job_line(
    number: int,
    text: str,
    defaults: Defaults,
    check_result: Callable[[str], None] = _check_result_size,
) -> Job:
    """One trimmed, non-blank line, checked in the order of a single command: the Activity,
    the reason, the identity and idempotency key, the token, the size of the result. Raises
    UsageFailure with the line of the single command's case."""
    fields: dict[str, Any] = {}
    if text[0] == "{":
        fields = _json_job(text, defaults.verb)
    else:
        fields["tasktoken"] = text
    tasktoken: str | None = fields.get("tasktoken")
    workflow_id: str | None = fields.get("workflow_id")
    activity_id: str | None = fields.get("activity_id")
    run_id: str | None = fields.get("run_id")
    reason: str = fields.get("reason", defaults.reason)
    check_target_options(tasktoken, workflow_id, activity_id, run_id)
    # A verb that takes a reason (fail) needs one.
    if "reason" in _KEYS[defaults.verb] and not reason:
        raise UsageFailure(lines.NEEDS_REASON)
    identity: str | None = fields.get("identity", defaults.identity)
    if "identity" in fields and not valid_identity(fields["identity"]):
        raise UsageFailure(lines.JOB_BAD_IDENTITY)
    key: str | None = fields.get("idempotency_key", defaults.idempotency_key)
    if "idempotency_key" in fields and not valid_key(fields["idempotency_key"]):
        raise UsageFailure(lines.JOB_BAD_KEY)
    if tasktoken is not None:
        target = target_from_token(tasktoken)
    else:
        assert activity_id
        target = target_from_ids(workflow_id or "", activity_id, run_id)
    result: str = defaults.result
    if "result" in fields:
        result = fields["result"]
        check_result(result)
    details: str | None = fields.get("details")
    if details is not None:
        _check_details_size(details)
    return Job(
        line=number,
        target=target,
        result=result,
        reason=reason,
        retryable=fields.get("retryable", defaults.retryable),
        details=details,
        identity=identity,
        idempotency_key=key,
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(lines.not_json_constant(name))


def _json_job(text: str, verb: str) -> dict[str, Any]:
    """The fields of a JSON job, each checked for its type. Keys are looked at in sorted
    order, as the Go completer does, so a line with several faults reports the same one."""
    try:
        # Integers as floats: their values are never used, and Python would refuse one of
        # more than 4300 digits, which Go's decoder reads.
        value = json.loads(text, parse_constant=_reject_constant, parse_int=float)
    except (ValueError, RecursionError) as err:
        raise UsageFailure(lines.job_not_json(str(err) or type(err).__name__)) from err
    if not isinstance(value, dict):  # not reached: the text starts with `{`
        raise UsageFailure(lines.JOB_NOT_AN_OBJECT)
    fields = {
        _LONE_SURROGATE.sub("\ufffd", key): item
        for key, item in value.items()
        if key not in _LISTED_KEYS
    }
    known = _KEYS[verb]
    keys = sorted(fields)
    for key in keys:
        if key not in known:
            raise UsageFailure(lines.job_unknown_key(key, verb, known))
    for key in keys:
        item = fields[key]
        if key == "retryable":
            if not isinstance(item, bool):
                raise UsageFailure(lines.JOB_RETRYABLE_NOT_BOOL)
        elif isinstance(item, str):
            fields[key] = _LONE_SURROGATE.sub("\ufffd", item)
        elif key == "workflow_id" and item is None:
            fields[key] = ""  # a standalone Activity's list line: no Workflow
        else:
            raise UsageFailure(lines.job_key_not_text(key))
    return fields
