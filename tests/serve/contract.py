"""The words of docs/completer-http.md, word for word, as the answers a caller must see;
where serve answers with a line of docs/completer-cli.md (a job's outcome), that line
without `error: `. The tests compare each completer's answers to these and to each other."""

from __future__ import annotations

import json
import re
import socket

from temporalio.converter import DataConverter

from tests.faults.helpers import varint
from tests.serve.harness import Answer

JSON = "application/json"
NDJSON = "application/x-ndjson"
HTML = "text/html; charset=utf-8"

BODY_LIMIT = 8 * 1024 * 1024
BLOB_LIMIT = 2 * 1024 * 1024

# The keys of a `list --json` line, in order.
PENDING_KEYS = [
    "workflow_id",
    "run_id",
    "activity_id",
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
]

# No message has a reason to hold 32 hex digits in a row: that is a task token.
HEX_RUN = re.compile(r"[0-9a-fA-F]{32,}")

# `serve: METHOD PATH STATUS OUTCOME MS`, one line per request on standard error.
LOG_LINE = re.compile(r"^serve: ([A-Z]+) (/\S*) (\d{3}) ([a-z_]+|-) (\d+(?:\.\d+)?)$")


def body(outcome: str, code: int, message: str, already: bool = False) -> bytes:
    """One answer's body: compact, keys in order, strings as the batch lines encode them
    (non-ASCII as is, nothing HTML-escaped), then a newline. `"already":true` follows the
    message of a request answered as already done."""
    record: dict[str, object] = {"outcome": outcome, "code": code, "message": message}
    if already:
        record["already"] = True
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def answer(status: int, outcome: str, code: int, message: str) -> Answer:
    return Answer(status, JSON, body(outcome, code, message))


# The answers of the status table.


def ok(message: str) -> Answer:
    return answer(200, "ok", 0, message)


def malformed(message: str, status: int = 400) -> Answer:
    return answer(status, "malformed", 2, message)


def refused(message: str) -> Answer:
    return answer(409, "refused", 3, message)


def unreachable(address: str, timeout: str) -> Answer:
    return answer(503, "unreachable", 4, unreachable_line(address, timeout))


UNAUTHORIZED = answer(
    401, "unauthorized", 2, "this route needs a credential: send Authorization: Bearer <secret>"
)
NOT_FOUND = answer(404, "not_found", 2, "no such route: see docs/completer-http.md")
BODY_NOT_AN_OBJECT = malformed(
    "the body is not a JSON object: send one job, as a line of complete --batch"
)
BODY_TOO_LARGE = malformed(
    "the body is larger than 8388608 bytes: send a smaller result, or a reference to where "
    "the data is",
    413,
)
NOT_JSON = malformed("the body must be JSON: send Content-Type: application/json", 415)


def forbidden(url: str) -> Answer:
    """url: the listener's address as serve printed it."""
    return answer(
        403,
        "forbidden",
        2,
        f"the Host header does not name this server (DNS rebinding protection): use {url}",
    )


def method_not_allowed(method: str, allowed: str) -> Answer:
    return answer(405, "method_not_allowed", 2, f"{method} is not allowed here: use {allowed}")


def healthy(address: str) -> Answer:
    return ok(f"the Temporal server at {address} answers")


# The lines of docs/completer-cli.md, without `error: `.


def by_token(workflow_id: str, attempt: int = 1) -> str:
    return f'Activity "1" of Workflow "{workflow_id}" (attempt {attempt})'


def by_ids(workflow_id: str) -> str:
    return f'Activity "1" of Workflow "{workflow_id}"'


def completed(desc: str) -> str:
    return f"Completed {desc}"


def failed(desc: str, retryable: bool = False) -> str:
    kind = "retryable: the server will run it again" if retryable else "non-retryable"
    return f"Failed {desc} ({kind})"


def recorded(desc: str) -> str:
    return f"Recorded a heartbeat for {desc}"


def reported_cancelled(desc: str) -> str:
    return f"Reported {desc} as cancelled"


def cancel_requested(desc: str) -> Answer:
    """The heartbeat's answer once the Workflow asked its Activity to cancel: 200, and
    the CLI's exit-5 line, so that a webhook caller knows to stop and report."""
    return answer(
        200,
        "cancel_requested",
        5,
        f"cancellation was requested for {desc}: stop its work, then report it with the "
        "cancel command",
    )


def not_pending(desc: str, reason: str) -> Answer:
    """The refusal of an Activity that is not pending any more, saying what closed it
    (docs/completer-cli.md, "When the server answers 'not pending any more'")."""
    return refused(f"{desc} is not pending any more: {reason}")


def was_completed(time: str, identity: str) -> str:
    return f"it was completed at {time} by {identity}"


def was_retried(attempt: int, pending: int) -> str:
    return (
        f"attempt {attempt} was retried: attempt {pending} is pending now; its token is in the "
        "Worker's log"
    )


def already_done(desc: str, verbed: str, time: str, identity: str) -> Answer:
    """A repeat of what closed the Activity (the same action and payload, or key)."""
    message = f"Already done: {desc} was {verbed} at {time} by {identity}"
    return Answer(200, JSON, body("ok", 0, message, already=True))


def identity(actor: str, kind: str, key: str | None = None) -> str:
    """What serve records as who acted: `ACTOR via LANG-completer serve@HOST[ key=KEY]`."""
    recorded = f"{actor} via {kind}-completer serve@{socket.gethostname()}"
    return f"{recorded} key={key}" if key else recorded


ANONYMOUS = "anonymous (unauthenticated)"


def unauthenticated(name: str) -> str:
    """The ACTOR of a loopback serve without credentials, from the body's "identity"."""
    return f"{name} (unauthenticated)"


def cancel_refused(desc: str, workflow_id: str) -> Answer:
    return refused(
        f"the server refused to report {desc} as cancelled: no cancellation was requested for "
        f"it; request one first (make cancel WORKFLOW_ID={workflow_id})"
    )


def unknown_namespace(namespace: str, address: str) -> str:
    return (
        f'namespace "{namespace}" was not found on the server at {address}: check --namespace '
        "or TEMPORAL_NAMESPACE"
    )


def unreachable_line(address: str, timeout: str) -> str:
    return (
        f"could not reach the Temporal server at {address} within {timeout}: start one with "
        "make server, or point TEMPORAL_ADDRESS or --address at yours"
    )


COPY = "copy the taskToken= value from the Worker's log"
NOT_A_JOB = "the line is not a hex task token or a JSON job: "
NO_TARGET = (
    "no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID "
    "(see --help)"
)
BOTH_TARGETS = "give either --tasktoken or --workflow-id with --activity-id, not both"
WORKFLOW_ID_ALONE = (
    "--workflow-id needs --activity-id too: it is on the token line in the Worker's log"
)
FAIL_WITHOUT_REASON = "fail needs --reason TEXT: say why the Activity failed"
RETRYABLE_NOT_A_BOOL = NOT_A_JOB + '"retryable" must be true or false'
BAD_IDENTITY = NOT_A_JOB + '"identity" must be 1 to 128 characters without control characters'
BAD_KEY_IN_BODY = (
    NOT_A_JOB + '"idempotency_key" must be 1 to 128 printable ASCII characters without spaces'
)
BAD_KEY_HEADER = (
    "the Idempotency-Key header must be 1 to 128 printable ASCII characters without spaces"
)
KEYS_DIFFER = 'the Idempotency-Key header and the body\'s "idempotency_key" differ: send one'
BOTH_FILTERS = "give either --workflow-id or --query, not both"
REFUSED_QUERY = "the server refused the query: "


def not_hex(char: str, position: int) -> str:
    return f'the task token is not hex: "{char}" at position {position} is not 0-9 or a-f; {COPY}'


def too_large(what: str, size: int) -> str:
    return (
        f"the {what} is {size} bytes once encoded, more than the 2097152 bytes the server "
        f"accepts (its blob size limit): send a smaller {what}, or a reference to where the "
        "data is"
    )


def encoded_size(text: str) -> int:
    """The size docs/completer-cli.md counts: the default converter's payload, as
    protobuf, inside the Payloads message (a tag byte and a varint length)."""
    payload = DataConverter.default.payload_converter.to_payloads([text])[0]
    size: int = payload.ByteSize()
    return size + 1 + len(varint(size))


# Start-up refusals (exit 2, one line on standard error), with `error: `.


def listen_not_host_port(value: str) -> str:
    return f'error: --listen "{value}" is not HOST:PORT: use for example 127.0.0.1:8080\n'


def not_loopback(host: str) -> str:
    return (
        f"error: --listen {host} is not a loopback address: pass --auth-token-file FILE, whose "
        "secret callers send as Authorization: Bearer <secret>\n"
    )


def cannot_read_credentials(path: str) -> str:
    """The start of the line: the OS's reason follows."""
    return f'error: cannot read the credentials file "{path}": '


def no_credential_on_line(path: str, number: int) -> str:
    return (
        f'error: the credentials file "{path}" has no credential on line {number}: write one '
        "SECRET, or NAME SECRET, per line (secrets of at least 16 characters)\n"
    )


TLS_TOGETHER = "error: give --tls-cert and --tls-key together\n"


def cannot_load_tls(cert: str, key: str) -> str:
    return (
        f'error: cannot load the TLS certificate "{cert}" and key "{key}": check that both are '
        "PEM files of one key pair\n"
    )


def cannot_listen(host_port: str) -> str:
    """The start of the line: the OS's reason follows."""
    return f"error: cannot listen on {host_port}: "
