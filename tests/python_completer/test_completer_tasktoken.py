"""Task tokens: what a pasted token may look like, each way it goes wrong, and `inspect`."""

from __future__ import annotations

import base64
import datetime
import json
import random

import pytest
from async_completer.lines.errors import UsageFailure
from async_completer.tasktoken import clean, parse_task_token
from async_completer.tasktokenpb.task_token_pb2 import Task, VectorClock
from async_completer.times import format_rfc3339nano
from google.protobuf.timestamp_pb2 import Timestamp

from tests.python_completer.conftest import REAL_TOKEN, invoke, make_token

NOT_A_TOKEN = (
    "the task token is not a Temporal task token (was it cut short?): copy the whole "
    "taskToken= value from the Worker's log"
)
BASE64 = (
    "the task token looks like base64, but hex is expected: copy the taskToken= value from "
    "the Worker's log"
)


def not_hex(char: str, position: int) -> str:
    return (
        f'the task token is not hex: "{char}" at position {position} is not 0-9 or a-f; '
        "copy the taskToken= value from the Worker's log"
    )


def odd(count: int) -> str:
    return (
        f"the task token has an odd number of hex digits ({count}): it was cut short; copy "
        "the whole taskToken= value from the Worker's log"
    )


def refusal(text: str) -> str:
    with pytest.raises(UsageFailure) as failure:
        parse_task_token(text)
    assert failure.value.exit_code == 2
    return failure.value.message


@pytest.mark.parametrize(
    "text",
    [
        REAL_TOKEN,
        f"  {REAL_TOKEN}\n",
        f"\t{REAL_TOKEN}\r\n",
        f"0x{REAL_TOKEN}",
        f" 0X{REAL_TOKEN} ",
        REAL_TOKEN.upper(),
        f"\u00a0{REAL_TOKEN}\u3000",  # white space Go's TrimSpace removes too
    ],
)
def test_accepted_forms_decode_to_the_same_bytes(text: str) -> None:
    token, task = parse_task_token(text)
    assert token == bytes.fromhex(REAL_TOKEN)
    assert (task.workflow_id, task.activity_id, task.attempt) == ("t1", "1", 1)


def test_only_one_leading_0x_is_removed() -> None:
    assert refusal("0x0x" + REAL_TOKEN) == not_hex("x", 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12zz", not_hex("z", 3)),
        ("0x12zz", not_hex("z", 3)),  # positions count after the 0x
        ("  abg  ", not_hex("g", 3)),  # and after the white space
        ("ab cd", not_hex(" ", 3)),
        ("abé0", not_hex("é", 3)),  # characters, not bytes
        ('"' + REAL_TOKEN + '"', not_hex('"', 1)),
        ("taskToken=" + REAL_TOKEN, not_hex("t", 1)),
        ("\x1c" + REAL_TOKEN, not_hex("\x1c", 1)),  # not white space for Go
        ("abc", odd(3)),
        (REAL_TOKEN[:-1], odd(len(REAL_TOKEN) - 1)),
        ("deadbeef", NOT_A_TOKEN),
        ("00", NOT_A_TOKEN),
        (REAL_TOKEN[:100], NOT_A_TOKEN),  # cut short at an even length
        (REAL_TOKEN[:-2], NOT_A_TOKEN),
    ],
)
def test_malformed_tokens_are_named(text: str, message: str) -> None:
    assert refusal(text) == message


@pytest.mark.parametrize("missing", ["namespace_id", "workflow_id", "run_id", "activity_id"])
def test_a_message_without_the_ids_is_not_a_token(missing: str) -> None:
    task = Task()
    task.ParseFromString(make_token())
    task.ClearField(missing)
    assert refusal(task.SerializeToString().hex()) == NOT_A_TOKEN


def test_invalid_utf8_in_a_text_field_is_not_a_token() -> None:
    valid = make_token(workflow_id="w")
    invalid = valid.replace(b"\x12\x01w", b"\x12\x01\xff")
    assert invalid != valid
    assert refusal(invalid.hex()) == NOT_A_TOKEN


def _token_with_both_base64_alphabets() -> bytes:
    """A token whose base64 differs between the standard and the URL alphabet."""
    for n in range(1000):
        token = make_token(workflow_id=f"wf-{n}-\u00ff\u00fe")
        if base64.b64encode(token) != base64.urlsafe_b64encode(token):
            return token
    raise AssertionError("no such token")


@pytest.mark.parametrize("padding", [True, False])
@pytest.mark.parametrize("alphabet", ["std", "url"])
def test_base64_of_a_token_is_recognised(padding: bool, alphabet: str) -> None:
    for token in (bytes.fromhex(REAL_TOKEN), _token_with_both_base64_alphabets()):
        encode = base64.b64encode if alphabet == "std" else base64.urlsafe_b64encode
        text = encode(token).decode()
        if not padding:
            text = text.rstrip("=")
        assert refusal(f" {text}\n") == BASE64


def test_base64_of_something_else_is_just_not_hex() -> None:
    assert refusal(base64.b64encode(b"hello, world").decode()) == not_hex("G", 2)
    # More than two `=` is not base64 padding.
    real_b64 = base64.b64encode(bytes.fromhex(REAL_TOKEN)).decode()
    assert real_b64.endswith("=") and not real_b64.endswith("==")
    assert refusal(real_b64 + "==") == not_hex("i", 2)


def test_base64_padding_is_not_counted() -> None:
    # Like the Go completer: up to two `=` are dropped, whether or not they were right.
    unpadded = base64.b64encode(bytes.fromhex(REAL_TOKEN)).decode().rstrip("=")
    assert refusal(unpadded + "==") == BASE64


def test_clean_trims_go_white_space_and_one_0x() -> None:
    assert clean(" \t\v\f\r\n\x85 0xab \u2028") == "ab"
    assert clean("\x1fab") == "\x1fab"


EXPECTED_REAL = """{
  "namespace_id": "01a21ee2-a53a-7cc6-8d78-390a25f72841",
  "workflow_id": "t1",
  "run_id": "01a21ee2-bf57-77e2-8116-7c0aba9a450f",
  "scheduled_event_id": 5,
  "attempt": 1,
  "activity_id": "1",
  "workflow_type": "",
  "activity_type": "Activity",
  "clock": {
    "shard_id": 1,
    "clock": 1048597,
    "cluster_id": 1
  },
  "started_event_id": 0,
  "version": 0,
  "started_time": null,
  "start_version": 0,
  "component_ref": "",
  "activity_attempt_stamp": 0,
  "standalone": false,
  "activity_run_id": null
}
"""


def test_inspect_prints_the_real_token() -> None:
    result = invoke(["inspect", "--tasktoken", REAL_TOKEN])
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", EXPECTED_REAL)


def test_inspect_reads_the_token_from_standard_input() -> None:
    result = invoke(["inspect", "--tasktoken", "-"], input=f"  0x{REAL_TOKEN}\r\nnext line\n")
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", EXPECTED_REAL)


EXPECTED_FIXTURE = """{
  "namespace_id": "ns-ü",
  "workflow_id": "order \\"42\\" <&> 世界\u2028\\t",
  "run_id": "run-1",
  "scheduled_event_id": 9223372036854775807,
  "attempt": 3,
  "activity_id": "act\\n1",
  "workflow_type": "Workflow",
  "activity_type": "Activity",
  "clock": {
    "shard_id": 0,
    "clock": 0,
    "cluster_id": 0
  },
  "started_event_id": -7,
  "version": 11,
  "started_time": "2026-11-27T21:21:46.371Z",
  "start_version": 13,
  "component_ref": "00ff10ab",
  "activity_attempt_stamp": 15,
  "standalone": false,
  "activity_run_id": null
}
"""


def test_inspect_prints_every_field_in_the_contract_order() -> None:
    token = make_token(
        namespace_id="ns-ü",
        workflow_id='order "42" <&> 世界\u2028\t',
        run_id="run-1",
        scheduled_event_id=2**63 - 1,
        attempt=3,
        activity_id="act\n1",
        workflow_type="Workflow",
        activity_type="Activity",
        clock=VectorClock(),  # present but all zero: an object, not null
        started_event_id=-7,
        version=11,
        started_time=Timestamp(seconds=1795814506, nanos=371000000),
        start_version=13,
        component_ref=bytes.fromhex("00ff10ab"),
        activity_attempt_stamp=15,
    )
    result = invoke(["inspect", "--tasktoken", token.hex()])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == EXPECTED_FIXTURE
    assert json.loads(result.stdout)["workflow_id"] == 'order "42" <&> 世界\u2028\t'


@pytest.mark.parametrize(
    ("seconds", "nanos", "text"),
    [
        (0, 0, "1970-01-01T00:00:00Z"),
        (0, 1, "1970-01-01T00:00:00.000000001Z"),
        (0, 500_000_000, "1970-01-01T00:00:00.5Z"),
        (0, 120_000, "1970-01-01T00:00:00.00012Z"),
        (1795814506, 371_000_000, "2026-11-27T21:21:46.371Z"),
        (951782400, 0, "2000-02-29T00:00:00Z"),
        (-1, 999_999_999, "1969-12-31T23:59:59.999999999Z"),
        (-62135596800, 0, "0001-01-01T00:00:00Z"),
        (-62135596801, 0, "0000-12-31T23:59:59Z"),
        (-62135596800 - 731 * 86400, 0, "-0001-01-01T00:00:00Z"),  # year 0 is a leap year
        (253402300799, 0, "9999-12-31T23:59:59Z"),
        (253402300800, 0, "10000-01-01T00:00:00Z"),
        (0, 1_500_000_000, "1970-01-01T00:00:01.5Z"),  # nanos out of range: normalised
        (0, -1, "1969-12-31T23:59:59.999999999Z"),
    ],
)
def test_started_time_is_go_rfc3339nano_in_utc(seconds: int, nanos: int, text: str) -> None:
    assert format_rfc3339nano(seconds, nanos) == text


def test_started_time_agrees_with_datetime_across_the_calendar() -> None:
    rng = random.Random(7)
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    for _ in range(2000):
        seconds = rng.randrange(-62135596800, 253402300800)
        expected = (epoch + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert format_rfc3339nano(seconds, 0) == expected.rjust(20, "0")


def test_started_time_of_any_int64_does_not_crash() -> None:
    token = make_token(started_time=Timestamp(seconds=-(2**63), nanos=-(2**31)))
    result = invoke(["inspect", "--tasktoken", token.hex()])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["started_time"].endswith("Z")
