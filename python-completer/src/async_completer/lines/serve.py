"""`serve`: its start-up failures, the line it prints once listening, the JSON of every answer
and the messages HTTP adds (docs/completer-http.md), and its one log line per request."""

from __future__ import annotations

from async_completer.lines.batch import ALREADY, OUTCOMES, json_string

# Start-up (exit 2, before listening).


def listen_not_host_port(value: str, option: str = "--listen") -> str:
    return f'{option} "{value}" is not HOST:PORT: use for example 127.0.0.1:8080'


def listen_not_loopback(host: str) -> str:
    return (
        f"--listen {host} is not a loopback address: pass --auth-token-file FILE, whose secret "
        "callers send as Authorization: Bearer <secret>"
    )


def cannot_read_credentials(path: str, reason: str) -> str:
    return f'cannot read the credentials file "{path}": {reason}'


def no_credential_on_line(path: str, number: int) -> str:
    return (
        f'the credentials file "{path}" has no credential on line {number}: write one SECRET, '
        "or NAME SECRET, per line (secrets of at least 16 characters)"
    )


TLS_TOGETHER = "give --tls-cert and --tls-key together"


def cannot_load_tls(cert: str, key: str) -> str:
    return (
        f'cannot load the TLS certificate "{cert}" and key "{key}": check that both are PEM '
        "files of one key pair"
    )


def cannot_listen(host_port: str, reason: str) -> str:
    return f"cannot listen on {host_port}: {reason}"


def serving(url: str) -> str:
    return f"Serving on {url}"


# The answers. Every answer but the page's is one compact JSON object and a newline.

CANCEL_REQUESTED_CODE = 5
# The outcomes of the answers that are HTTP's own.
OUTCOME_UNAUTHORIZED = "unauthorized"
OUTCOME_FORBIDDEN = "forbidden"
OUTCOME_NOT_FOUND = "not_found"
OUTCOME_METHOD_NOT_ALLOWED = "method_not_allowed"


def outcome_of(code: int) -> str:
    """The outcome a batch line gives code, but for the heartbeat's code 5."""
    return "cancel_requested" if code == CANCEL_REQUESTED_CODE else OUTCOMES.get(code, "error")


def answer_json(outcome: str, code: int, message: str, already: bool = False) -> str:
    """The body of a JSON answer, without its newline: a batch's outcome line without
    "line"."""
    tail = ALREADY if already else ""
    return f'{{"outcome":"{outcome}","code":{code},"message":{json_string(message)}{tail}}}'


BODY_NOT_AN_OBJECT = "the body is not a JSON object: send one job, as a line of complete --batch"
NEEDS_CREDENTIAL = "this route needs a credential: send Authorization: Bearer <secret>"
NO_SUCH_ROUTE = "no such route: see docs/completer-http.md"
BODY_NOT_JSON = "the body must be JSON: send Content-Type: application/json"


BAD_NAME_PARAMETER = "the name must be 1 to 128 characters without control characters"
KEY_HEADER_BAD = (
    "the Idempotency-Key header must be 1 to 128 printable ASCII characters without spaces"
)
KEYS_DIFFER = 'the Idempotency-Key header and the body\'s "idempotency_key" differ: send one'


def host_not_listener(url: str) -> str:
    return f"the Host header does not name this server (DNS rebinding protection): use {url}"


def method_not_allowed(method: str, allowed: str) -> str:
    return f"{method} is not allowed here: use {allowed}"


def headers_too_large(fields: int, limit: int) -> str:
    return (
        f"the request headers are too large: at most {fields} fields and {limit} bytes (the "
        "request target, every name and value) are accepted"
    )


def body_too_large(limit: int) -> str:
    return (
        f"the body is larger than {limit} bytes: send a smaller result, or a reference to where "
        "the data is"
    )


def temporal_answers(address: str) -> str:
    return f"the Temporal server at {address} answers"


# Standard error: one line per request.


def request_log(method: str, path: str, status: int, outcome: str, milliseconds: int) -> str:
    """OUTCOME is the answer's, `-` for the page; MS whole milliseconds."""
    return f"serve: {method} {path} {status} {outcome} {milliseconds}"
