"""`complete --batch FILE` and `fail --batch FILE`: the line parser, the JSON lines byte for
byte, the summary and the exit code, and whole runs against the fake client (no server)."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest
from async_completer import lines
from async_completer.batch.output import BatchOutput
from async_completer.batch.read import Defaults, parse_batch
from async_completer.batch.run import send_all
from async_completer.lines import NOT_A_JOB
from async_completer.model import Job, Outcome
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from tests.python_completer.conftest import (
    REAL_DESC,
    REAL_TOKEN,
    FakeTemporal,
    invoke,
    make_token,
)

COMPLETE = Defaults("complete", result="dflt")
FAIL = Defaults("fail", reason="why", retryable=False)
REAL = bytes.fromhex(REAL_TOKEN)
HINT = "copy the taskToken= value from the Worker's log"
NEEDS_REASON = "fail needs --reason TEXT: say why the Activity failed"
NOT_09AF = f"is not 0-9 or a-f; {HINT}"


def no_check(result: str) -> None:
    pass


def parse(text: str, defaults: Defaults = COMPLETE) -> tuple[list[Job], list[Outcome]]:
    return parse_batch(text.encode(), defaults)


def one_job(line: str, defaults: Defaults = COMPLETE) -> Job:
    jobs, malformed = parse(line, defaults)
    assert malformed == []
    [job] = jobs
    return job


def malformed(line: str, defaults: Defaults = COMPLETE) -> str:
    jobs, outcomes = parse(line, defaults)
    assert jobs == []
    [outcome] = outcomes
    assert (outcome.line, outcome.code) == (1, 2)
    return outcome.message


# The parser.


@pytest.mark.parametrize(
    "line",
    [
        REAL_TOKEN,
        "0x" + REAL_TOKEN,
        "0X" + REAL_TOKEN.upper(),
        f" \t{REAL_TOKEN}\r",
        json.dumps({"tasktoken": REAL_TOKEN}),
        json.dumps({"tasktoken": " 0x" + REAL_TOKEN, "workflow_id": "", "run_id": ""}),
    ],
)
def test_a_token_line(line: str) -> None:
    job = one_job(line)
    assert job.target.task_token == REAL
    assert (job.line, job.target.description, job.result) == (1, REAL_DESC, "dflt")


@pytest.mark.parametrize(
    ("fields", "run_id"), [({}, None), ({"run_id": "r-1"}, "r-1"), ({"run_id": ""}, None)]
)
def test_a_job_by_ids(fields: dict[str, str], run_id: str | None) -> None:
    job = one_job(json.dumps({"workflow_id": "wf", "activity_id": "7", **fields}))
    target = job.target
    assert (target.task_token, target.workflow_id, target.activity_id) == (None, "wf", "7")
    assert target.run_id == run_id
    assert target.description == 'Activity "7" of Workflow "wf"'


@pytest.mark.parametrize(
    ("extra", "result"), [({}, "dflt"), ({"result": ""}, ""), ({"result": "ünï ✓"}, "ünï ✓")]
)
def test_a_job_result_overrides_the_command_line(extra: dict[str, str], result: str) -> None:
    assert one_job(json.dumps({"tasktoken": REAL_TOKEN, **extra})).result == result


@pytest.mark.parametrize(
    ("extra", "reason", "retryable"),
    [
        ({}, "why", False),
        ({"reason": "disk full"}, "disk full", False),
        ({"retryable": True}, "why", True),
        ({"reason": "r", "retryable": False}, "r", False),
    ],
)
def test_fail_reason_and_retryable_default_to_the_command_line(
    extra: dict[str, object], reason: str, retryable: bool
) -> None:
    job = one_job(json.dumps({"tasktoken": REAL_TOKEN, **extra}), FAIL)
    assert (job.reason, job.retryable) == (reason, retryable)
    retrying = one_job(REAL_TOKEN, Defaults("fail", reason="x", retryable=True))
    assert (retrying.reason, retrying.retryable) == ("x", True)


@pytest.mark.parametrize(
    "line",
    [REAL_TOKEN, json.dumps({"tasktoken": REAL_TOKEN, "reason": ""}), '{"tasktoken":"ab"}'],
)
def test_a_fail_job_without_a_reason_is_malformed(line: str) -> None:
    assert malformed(line, Defaults("fail")) == NEEDS_REASON
    if "reason" in line:  # an empty reason of its own counts, whatever the command line says
        assert malformed(line, FAIL) == NEEDS_REASON


@pytest.mark.parametrize(
    ("line", "defaults", "detail"),
    [
        (
            '{"tasktoken":"ab","reason":"r"}',
            COMPLETE,
            'unknown key "reason" (complete takes tasktoken, workflow_id, activity_id, run_id, '
            "result, identity, idempotency_key)",
        ),
        (
            '{"tasktoken":"ab","result":"r"}',
            FAIL,
            'unknown key "result" (fail takes tasktoken, workflow_id, activity_id, run_id, '
            "reason, retryable, identity, idempotency_key)",
        ),
        # Keys are looked at in sorted order: the same fault is reported whatever the order.
        ('{"zz":1,"b":2,"tasktoken":5}', COMPLETE, 'unknown key "b"'),
        ('{"TaskToken":"ab"}', COMPLETE, 'unknown key "TaskToken"'),
        ('{"workflow_id":"w","activity_id":1}', COMPLETE, '"activity_id" must be a text'),
        ('{"tasktoken":null}', COMPLETE, '"tasktoken" must be a text'),
        ('{"tasktoken":"ab","result":["x"]}', COMPLETE, '"result" must be a text'),
        ('{"tasktoken":"ab","retryable":"yes"}', FAIL, '"retryable" must be true or false'),
        ('{"tasktoken":"ab","retryable":1}', FAIL, '"retryable" must be true or false'),
    ],
)
def test_json_faults_are_named(line: str, defaults: Defaults, detail: str) -> None:
    assert malformed(line, defaults).startswith(NOT_A_JOB + detail)


@pytest.mark.parametrize(
    "line", ["{", "{bad}", '{"tasktoken":"ab"} x', "{'tasktoken':'ab'}", '{"result":NaN}', "{}{}"]
)
def test_bad_json_is_malformed(line: str) -> None:
    message = malformed(line)
    assert message.startswith(NOT_A_JOB)
    assert len(message) > len(NOT_A_JOB)
    assert "\n" not in message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("zz", f'the task token is not hex: "z" at position 1 is not 0-9 or a-f; {HINT}'),
        ('{"tasktoken":"-"}', f'the task token is not hex: "-" at position 1 {NOT_09AF}'),
        ("[1]", f'the task token is not hex: "[" at position 1 {NOT_09AF}'),
        ("abc", "the task token has an odd number of hex digits (3): it was cut short; copy the "
         "whole taskToken= value from the Worker's log"),
        ("0x", f"the task token is empty: {HINT}"),
        ('{"tasktoken":""}', f"the task token is empty: {HINT}"),
        ("abcd", "the task token is not a Temporal task token (was it cut short?): copy the "
         "whole taskToken= value from the Worker's log"),
        ("{}", "no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id "
         "ID (see --help)"),
        ('{"tasktoken":"ab","run_id":"r"}',
         "give either --tasktoken or --workflow-id with --activity-id, not both"),
        ('{"workflow_id":"w"}',
         "--workflow-id needs --activity-id too: it is on the token line in the Worker's log"),
        ('{"run_id":"r","workflow_id":""}',
         "--run-id needs --activity-id too: it is on the token line in the Worker's log"),
    ],
)  # fmt: skip
def test_malformed_jobs_get_the_single_command_line(line: str, message: str) -> None:
    assert malformed(line) == message


def test_an_oversized_result_of_a_job_is_malformed() -> None:
    line = json.dumps({"tasktoken": REAL_TOKEN, "result": "x" * (2097152 - 33)})
    assert "error: " + malformed(line) == TOO_LARGE


def test_blank_and_comment_lines_are_skipped_but_counted() -> None:
    text = f"\n   \n# a comment\n  #{REAL_TOKEN}\n\t\r\n{REAL_TOKEN}\r\nzz\n{REAL_TOKEN}"
    jobs, outcomes = parse(text)
    assert [job.line for job in jobs] == [6, 8]
    assert [outcome.line for outcome in outcomes] == [7]


def test_a_line_that_is_not_utf8_is_malformed() -> None:
    jobs, outcomes = parse_batch(b"\xff\xfe\n" + REAL_TOKEN.encode(), COMPLETE)
    assert [job.line for job in jobs] == [2]
    assert outcomes == [Outcome(1, 2, NOT_A_JOB + "it is not UTF-8 text")]


def test_a_lone_surrogate_escape_becomes_the_replacement_character() -> None:
    # As Go's JSON decoder does; Python would keep a character that cannot be written.
    job = one_job('{"workflow_id":"w\\ud800","activity_id":"1","result":"\\udc00\\ud83d\\ude00"}')
    assert (job.target.workflow_id, job.result) == ("w\ufffd", "\ufffd\U0001f600")


def test_only_a_newline_ends_a_line() -> None:
    assert parse_batch(f"zz\r{REAL_TOKEN}\u2028x\n".encode(), COMPLETE, no_check)[0] == []


# The output.


def job_line(outcome: Outcome) -> str:
    return lines.job_line(outcome.line, outcome.code, outcome.message)


def test_job_lines_are_compact_json_in_key_order() -> None:
    outcomes = [
        (Outcome(3, 0, 'Completed Activity "1" of Workflow "wf-1" (attempt 1)'),
         r'{"line":3,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow '
         r'\"wf-1\" (attempt 1)"}'),
        (Outcome(12, 2, "ünï ✓ \\ \t\x01\x7f\u2028"),
         '{"line":12,"outcome":"malformed","code":2,"message":"ünï ✓ \\\\ \\t\\u0001\x7f\u2028"}'),
        (Outcome(1, 3, "r"), '{"line":1,"outcome":"refused","code":3,"message":"r"}'),
        (Outcome(1, 4, "u"), '{"line":1,"outcome":"unreachable","code":4,"message":"u"}'),
        (Outcome(1, 1, "e"), '{"line":1,"outcome":"error","code":1,"message":"e"}'),
        (Outcome(1, 5, "c"), '{"line":1,"outcome":"error","code":5,"message":"c"}'),
    ]  # fmt: skip
    for outcome, line in outcomes:
        assert job_line(outcome) == line


def output(total: int) -> tuple[BatchOutput, io.TextIOWrapper, io.StringIO]:
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    return BatchOutput(total, stdout=stdout, stderr=stderr), stdout, stderr


def written(stdout: io.TextIOWrapper) -> bytes:
    stdout.flush()
    assert isinstance(stdout.buffer, io.BytesIO)
    return stdout.buffer.getvalue()


def test_the_summary_counts_every_kind_and_exits_with_the_largest_code() -> None:
    out, stdout, stderr = output(7)
    for code in [0, 3, 2, 3, 4, 1, 5]:
        out.add(Outcome(1, code, "m"))
    out.finish()
    assert written(stdout).count(b"\n") == 7
    assert stderr.getvalue() == ""  # not a terminal: no progress line
    failure = out.summary()
    assert failure is not None
    assert (failure.exit_code, failure.message) == (
        5,
        "6 of 7 jobs did not succeed (2 refused, 1 malformed, 1 unreachable, 2 other errors); "
        "see the JSON lines on standard output",
    )


@pytest.mark.parametrize("total", [0, 2])
def test_no_summary_when_every_job_succeeded(total: int) -> None:
    out, _, _ = output(total)
    for _ in range(total):
        out.add(Outcome(1, 0, "ok"))
    assert out.summary() is None


def test_the_progress_line_is_for_terminals() -> None:
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    out = BatchOutput(2, stdout=stdout, stderr=stderr, progress=True)
    out.add(Outcome(1, 2, "m"))
    out.flush()
    out.add(Outcome(2, 0, "ok"))
    out.finish()
    assert stderr.getvalue() == "\r1/2 jobs\r2/2 jobs\n"


def test_a_failed_write_is_reported() -> None:
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    out = BatchOutput(1, stdout=stdout, stderr=io.StringIO())
    stdout.buffer.close()
    out.add(Outcome(1, 0, "ok"))
    out.finish()
    failure = out.summary()
    assert failure is not None and failure.exit_code == 1
    assert failure.message == (
        "could not write to standard output (bad file descriptor): all 1 jobs were sent, 1 "
        "succeeded; the lines of 1 jobs were not written"
    )


def test_send_all_keeps_at_most_concurrency_in_flight() -> None:
    in_flight = most = 0

    async def send(job: Job) -> Outcome:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001 * (job.line % 3))
        in_flight -= 1
        if job.line == 5:
            raise KeyError("bug")
        return Outcome(job.line, 0, "ok")

    target = one_job(REAL_TOKEN).target
    out, stdout, _ = output(20)
    asyncio.run(send_all([Job(n, target) for n in range(1, 21)], send, 3, out))
    out.finish()
    lines = [json.loads(line) for line in written(stdout).splitlines()]
    assert sorted(line["line"] for line in lines) == list(range(1, 21))
    assert most == 3
    [bug] = [line for line in lines if line["code"] != 0]
    assert bug == {
        "line": 5,
        "outcome": "error",
        "code": 1,
        "message": "unexpected failure: KeyError: 'bug'",
    }


# Whole runs against the fake client.


def token(workflow_id: str, attempt: int = 1) -> str:
    return make_token(workflow_id=workflow_id, attempt=attempt).hex()


def desc(workflow_id: str, attempt: int = 1) -> str:
    return f'Activity "1" of Workflow "{workflow_id}" (attempt {attempt})'


def rpc(status: RPCStatusCode, message: str) -> RPCError:
    return RPCError(message, status, b"")


def not_pending(description: str) -> str:
    return (
        f"{description} is not pending any more: it was completed, failed, timed out or "
        "retried, or its Workflow closed; a retry logs a new token in the Worker's log (its "
        "history does not say)"
    )


UNREACHABLE = (
    "could not reach the Temporal server at localhost:7233 within 10s: start one with make "
    "server, or point TEMPORAL_ADDRESS or --address at yours"
)

MIXED = "\n".join(
    [
        "# jobs of the night run",
        token("wf-1"),
        "",
        token("wf-2", attempt=2),
        '{"workflow_id":"wf-3","activity_id":"1","result":"own ✓"}',
        "not a token",
        token("wf-4"),
        token("wf-5"),
        '{"tasktoken":"' + token("wf-6") + '","reason":"x"}',
        token("wf-7"),
    ]
)


def batch_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "jobs.txt"
    path.write_text(text)
    return str(path)


def outcome(line: int, code: int, message: str) -> dict[str, object]:
    name = {0: "ok", 2: "malformed", 3: "refused", 4: "unreachable"}.get(code, "error")
    return {"line": line, "outcome": name, "code": code, "message": message}


def lines_of(stdout: str) -> list[dict[str, Any]]:
    assert stdout.endswith("\n")
    lines: list[dict[str, Any]] = [json.loads(line) for line in stdout.splitlines()]
    return sorted(lines, key=lambda line: int(line["line"]))


def test_a_mixed_batch(temporal: FakeTemporal, tmp_path: Path) -> None:
    temporal.errors = {
        make_token(workflow_id="wf-2", attempt=2): rpc(RPCStatusCode.NOT_FOUND, "gone"),
        make_token(workflow_id="wf-4"): rpc(RPCStatusCode.UNAVAILABLE, "down"),
        make_token(workflow_id="wf-5"): rpc(RPCStatusCode.FAILED_PRECONDITION, "not\nnow"),
        make_token(workflow_id="wf-7"): KeyError("surprise"),
    }
    result = invoke(["complete", "--batch", batch_file(tmp_path, MIXED), "--result", "r"])
    assert result.exit_code == 4
    assert result.stderr == (
        "error: 6 of 8 jobs did not succeed (2 refused, 2 malformed, 1 unreachable, 1 other "
        "errors); see the JSON lines on standard output\n"
    )
    not_hex = f'the task token is not hex: "n" at position 1 {NOT_09AF}'
    unknown = 'unknown key "reason" (complete takes tasktoken, workflow_id, activity_id, run_id, '
    assert lines_of(result.stdout) == [
        outcome(2, 0, f"Completed {desc('wf-1')}"),
        outcome(4, 3, not_pending(desc("wf-2", 2))),
        outcome(5, 0, 'Completed Activity "1" of Workflow "wf-3"'),
        outcome(6, 2, not_hex),
        outcome(7, 4, UNREACHABLE),
        outcome(8, 3, "the server refused the request: not now"),
        outcome(9, 2, NOT_A_JOB + unknown + "result, identity, idempotency_key)"),
        outcome(10, 1, "'surprise'"),
    ]
    # Malformed lines are reported before anything is sent.
    assert result.stdout.splitlines()[:2] == [
        json.dumps(line, ensure_ascii=False, separators=(",", ":"))
        for line in lines_of(result.stdout)
        if line["outcome"] == "malformed"
    ]
    assert temporal.connects == 1
    assert sorted(call[1] for call in temporal.calls) == ["own ✓", "r", "r", "r", "r", "r"]


def test_a_fail_batch_sends_each_jobs_failure(temporal: FakeTemporal, tmp_path: Path) -> None:
    text = "\n".join(
        [
            token("wf-1"),
            '{"workflow_id":"wf-2","activity_id":"1","run_id":"r2","retryable":true}',
            '{"tasktoken":"' + token("wf-3") + '","reason":"own"}',
        ]
    )
    result = invoke(
        ["fail", "--batch", batch_file(tmp_path, text), "-reason=bad", "--retryable=false"]
    )
    assert (result.exit_code, result.stderr) == (0, "")
    retrying = "(retryable: the server will run it again)"
    assert lines_of(result.stdout) == [
        outcome(1, 0, f"Failed {desc('wf-1')} (non-retryable)"),
        outcome(2, 0, f'Failed Activity "1" of Workflow "wf-2" {retrying}'),
        outcome(3, 0, f"Failed {desc('wf-3')} (non-retryable)"),
    ]
    sent = sorted(
        (error.message, error.type, error.non_retryable) for _, error, _ in temporal.calls
    )
    assert all(isinstance(error, ApplicationError) for _, error, _ in temporal.calls)
    assert sent == [
        ("bad", "PythonCompleterFailure", False),
        ("bad", "PythonCompleterFailure", True),
        ("own", "PythonCompleterFailure", True),
    ]


def test_a_fail_batch_without_reason_reports_the_jobs_without_one(
    temporal: FakeTemporal, tmp_path: Path
) -> None:
    text = token("wf-1") + '\n{"tasktoken":"' + token("wf-2") + '","reason":"own"}\n'
    result = invoke(["fail", "--batch", batch_file(tmp_path, text)])
    assert result.exit_code == 2
    assert lines_of(result.stdout) == [
        outcome(1, 2, NEEDS_REASON),
        outcome(2, 0, f"Failed {desc('wf-2')} (non-retryable)"),
    ]
    assert result.stderr.startswith("error: 1 of 2 jobs did not succeed (0 refused, 1 malformed")


def test_the_batch_is_read_from_standard_input(temporal: FakeTemporal) -> None:
    result = invoke(["complete", "--batch", "-"], input=token("wf-1") + "\n")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        '{"line":1,"outcome":"ok","code":0,"message":"Completed Activity \\"1\\" of Workflow '
        '\\"wf-1\\" (attempt 1)"}\n'
    )
    assert [call[:2] for call in temporal.calls] == [("complete", "")]


def test_a_batch_takes_its_result_from_a_file(temporal: FakeTemporal, tmp_path: Path) -> None:
    result_file = tmp_path / "result.txt"
    result_file.write_text("from the file\n")
    result = invoke(["complete", "--batch", "-", "--result-file", str(result_file)], token("a"))
    assert result.exit_code == 0
    assert [call[1] for call in temporal.calls] == ["from the file\n"]


@pytest.mark.parametrize("text", ["", "\n\n# nothing to do\n"])
def test_a_batch_without_jobs_does_not_connect(temporal: FakeTemporal, text: str) -> None:
    result = invoke(["complete", "--batch", "-"], input=text)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert temporal.connects == 0


def test_a_batch_of_malformed_lines_does_not_connect(temporal: FakeTemporal) -> None:
    result = invoke(["complete", "--batch", "-"], input="zz\n{}\n")
    assert result.exit_code == 2
    assert [line["line"] for line in lines_of(result.stdout)] == [1, 2]
    assert result.stderr == (
        "error: 2 of 2 jobs did not succeed (0 refused, 2 malformed, 0 unreachable, 0 other "
        "errors); see the JSON lines on standard output\n"
    )
    assert temporal.connects == 0


def test_failing_to_connect_sends_nothing(temporal: FakeTemporal) -> None:
    temporal.connect_error = RuntimeError("Failed client connect: connection refused")
    result = invoke(["complete", "--batch", "-", "--rpc-timeout", "2s"], f"zz\n{token('a')}\n")
    assert result.exit_code == 4
    assert [line["line"] for line in lines_of(result.stdout)] == [1]
    assert result.stderr == f"error: {UNREACHABLE.replace('10s', '2s')}\n"
    assert temporal.calls == []


def test_a_server_that_does_not_answer_bounds_each_job(temporal: FakeTemporal) -> None:
    temporal.delay = 5
    result = invoke(["complete", "--batch", "-", "--rpc-timeout", "100ms"], f"{token('a')}\n")
    assert result.exit_code == 4
    assert lines_of(result.stdout)[0]["message"] == UNREACHABLE.replace("10s", "100ms")


def test_at_most_concurrency_requests_are_in_flight(temporal: FakeTemporal) -> None:
    temporal.delay = 0.01
    jobs = "".join(token(f"wf-{n}") + "\n" for n in range(12))
    result = invoke(["complete", "--batch", "-", "-concurrency=4"], jobs)
    assert result.exit_code == 0
    assert (len(temporal.calls), temporal.most_in_flight) == (12, 4)


def test_the_namespace_of_a_refusal_is_the_one_used(temporal: FakeTemporal) -> None:
    temporal.request_error = rpc(RPCStatusCode.NOT_FOUND, "Namespace nope is not found.")
    result = invoke(["complete", "--batch", "-", "--namespace", "nope"], token("a"))
    assert result.exit_code == 3
    assert lines_of(result.stdout)[0]["message"] == (
        'namespace "nope" was not found on the server at localhost:7233: check --namespace '
        "or TEMPORAL_NAMESPACE"
    )


CANNOT_READ_BATCH = 'error: cannot read the batch file "{missing}": no such file or directory'
TOO_LARGE = (
    "error: the result is 2097153 bytes once encoded, more than the 2097152 bytes the server "
    "accepts (its blob size limit): send a smaller result, or a reference to where the data is"
)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["complete", "--batch", "{missing}"], CANNOT_READ_BATCH),
        (["fail", "--batch", "{missing}"], CANNOT_READ_BATCH),
        (
            ["complete", "--batch", "{dir}"],
            'error: cannot read the batch file "{dir}": is a directory',
        ),
        (["complete", "--batch", "{missing}", "--result-file", "{missing}"], CANNOT_READ_BATCH),
        (
            ["complete", "--batch", "-", "--result-file", "{missing}"],
            'error: cannot read the result file "{missing}": no such file or directory',
        ),
        (
            ["complete", "--batch", "-", "--result-file", "{latin1}"],
            'error: the result file "{latin1}" is not UTF-8 text',
        ),
        (["complete", "--batch", "-", "--result", "x" * (2097152 - 33)], TOO_LARGE),
    ],
)
def test_batch_input_that_cannot_be_used_exits_2(
    temporal: FakeTemporal, tmp_path: Path, args: list[str], line: str
) -> None:
    paths = {"missing": tmp_path / "missing", "dir": tmp_path, "latin1": tmp_path / "latin1"}
    paths["latin1"].write_bytes(b"caf\xe9")
    result = invoke([arg.format(**paths) for arg in args], input="zz\n")
    assert (result.exit_code, result.stderr, result.stdout) == (2, line.format(**paths) + "\n", "")
    assert temporal.connects == 0


@pytest.mark.parametrize("message", ["", "plain", 'q"b\\s/\x00\x1f\x7f\n\r\t\b\f', "ü ✓ \u2028 😀"])
def test_job_lines_are_json_dumps_byte_for_byte(message: str) -> None:
    for code in (0, 1, 2, 3, 4, 5, 9):
        fields = outcome(7, code, message)
        expected = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        assert job_line(Outcome(7, code, message)) == expected
