"""Bad input, by both completers: every case ends in exactly one `error: ` line that
docs/completer-cli.md gives word for word, with its exit code, the same in Python and
Go, never a traceback, and never the token echoed back.

Cases found before any request are run against an address where nothing listens: a
completer that sent a request there would exit 4, not 2. Cases the server refuses use
the session's dev server and Worker."""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus
from temporalio.converter import DataConverter

from tests.conftest import Demo
from tests.faults import helpers as h
from tests.harness import (
    TEMPORAL,
    CompleterRun,
    DevServer,
    EventLoopThread,
    WorkerProcess,
    clean_env,
    free_port,
    run_completer,
    unique_id,
    wait_until,
)
from tests.serve import contract as c
from tests.serve.history import TIMED_OUT, closing, events, rfc3339

COMPLETED = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
FAILED = EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED

TOKEN = h.make_token().hex()
# 139 bytes: its base64 ends in padding (TOKEN's 138 bytes have none).
PADDED = h.make_token(activity_id="12")
assert len(PADDED) % 3 and len(TOKEN) // 2 % 3 == 0
STD_BASE64 = base64.b64encode(bytes.fromhex(TOKEN)).decode()
URL_BASE64 = base64.urlsafe_b64encode(bytes.fromhex(TOKEN)).decode()
# The test is only worth its name if the two alphabets differ on this token.
assert STD_BASE64 != URL_BASE64 and STD_BASE64.strip("=") == STD_BASE64


@dataclass
class Case:
    args: list[str]
    line: str
    stdin: str = ""


OFFLINE_CASES = {
    # Nothing to act on.
    "no-arguments": Case([], h.NO_TARGET),
    "verb-without-target": Case(["complete", "--result", "x"], h.NO_TARGET),
    # Empty tokens.
    "empty-token": Case(["--tasktoken", ""], h.EMPTY),
    "blank-token": Case(["--tasktoken", " \t\r\n "], h.EMPTY),
    "only-0x": Case(["--tasktoken", " 0x\n"], h.EMPTY),
    "empty-stdin": Case(["complete", "--tasktoken", "-"], h.EMPTY),
    "stdin-first-line-blank": Case(["--tasktoken", "-"], h.EMPTY, stdin=f"\n{TOKEN}\n"),
    # Not hex: the first offending character and its position in the trimmed text.
    "non-hex-letter": Case(["--tasktoken", TOKEN[:10] + "g" + TOKEN[10:]], h.not_hex("g", 11)),
    "space-inside": Case(["--tasktoken", TOKEN[:20] + " " + TOKEN[20:]], h.not_hex(" ", 21)),
    "quoted": Case(["--tasktoken", f'"{TOKEN}"'], h.not_hex('"', 1)),
    "with-its-key": Case(["--tasktoken", f"taskToken={TOKEN}"], h.not_hex("t", 1)),
    "0x-twice": Case(["--tasktoken", f"0x0x{TOKEN}"], h.not_hex("x", 2)),
    "0x-then-non-hex": Case(["--tasktoken", "  0xabzz"], h.not_hex("z", 3)),
    "non-ascii": Case(["--tasktoken", "ab\u20accd"], h.not_hex("\u20ac", 3)),
    "short-non-hex": Case(["--tasktoken", "0a24zz"], h.not_hex("z", 5)),
    # Odd length: cut short.
    "odd-length": Case(["--tasktoken", TOKEN[:-1]], h.odd_length(len(TOKEN) - 1)),
    "odd-length-short": Case(["--tasktoken", "abc"], h.odd_length(3)),
    # Base64 of a token: say so.
    "base64": Case(["--tasktoken", STD_BASE64], h.BASE64),
    "base64-padded": Case(["--tasktoken", base64.b64encode(PADDED).decode()], h.BASE64),
    "base64-padding-dropped": Case(
        ["--tasktoken", base64.b64encode(PADDED).decode().rstrip("=")], h.BASE64
    ),
    "base64-url": Case(["--tasktoken", URL_BASE64], h.BASE64),
    "base64-url-padded": Case(["--tasktoken", base64.urlsafe_b64encode(PADDED).decode()], h.BASE64),
    "base64-on-stdin": Case(["--tasktoken", "-"], h.BASE64, stdin=f"{STD_BASE64}\n"),
    # Hex, but not a token.
    "hex-not-a-token": Case(["--tasktoken", "deadbeef"], h.NOT_A_TOKEN),
    "hex-of-text": Case(["--tasktoken", b"hello world".hex()], h.NOT_A_TOKEN),
    "token-without-activity-id": Case(
        ["--tasktoken", h.make_token(activity_id="").hex()], h.NOT_A_TOKEN
    ),
    "token-without-namespace": Case(
        ["--tasktoken", h.make_token(namespace_id="").hex()], h.NOT_A_TOKEN
    ),
    "token-with-invalid-utf8": Case(
        ["--tasktoken", h.make_token(workflow_id=b"wf-\xff\xfe").hex()], h.NOT_A_TOKEN
    ),
    # Truncated: one byte short (the last field is cut), or cut inside the Workflow ID.
    "truncated-by-a-byte": Case(["--tasktoken", TOKEN[:-2]], h.NOT_A_TOKEN),
    "truncated-in-the-middle": Case(["--tasktoken", TOKEN[:80]], h.NOT_A_TOKEN),
    "truncated-on-stdin": Case(["--tasktoken", "-"], h.NOT_A_TOKEN, stdin=f"{TOKEN[:80]}\n"),
    # IDs: one without the other, or together with a token.
    "workflow-id-alone": Case(["--workflow-id", "wf-1"], h.WORKFLOW_ID_ALONE),
    "workflow-id-and-run-id": Case(
        ["--workflow-id", "wf-1", "--run-id", "r-1"], h.WORKFLOW_ID_ALONE
    ),
    "run-id-alone": Case(["heartbeat", "--run-id", "r-1"], h.RUN_ID_ALONE),
    "token-and-ids": Case(
        ["--tasktoken", TOKEN, "--workflow-id", "wf-1", "--activity-id", "1"], h.BOTH_TARGETS
    ),
    "ids-and-token-fail": Case(
        [
            "fail",
            "--workflow-id",
            "wf-1",
            "--activity-id",
            "1",
            "--tasktoken",
            TOKEN,
            "--reason",
            "r",
        ],
        h.BOTH_TARGETS,
    ),
    # Verbs and options.
    "unknown-verb": Case(["finish", "--tasktoken", TOKEN], h.unknown_command("finish")),
    "verb-in-capitals": Case(["Complete", "--tasktoken", TOKEN], h.unknown_command("Complete")),
    "unknown-option": Case(["--tasktoken", TOKEN, "--resutl", "x"], h.unknown_option("resutl")),
    "option-of-another-verb": Case(
        ["fail", "--tasktoken", TOKEN, "--reason", "r", "--result", "x"], h.unknown_option("result")
    ),
    "token-option-without-value": Case(["--tasktoken"], h.needs_value("tasktoken")),
    "result-without-value": Case(["--tasktoken", TOKEN, "--result"], h.needs_value("result")),
    "positional-after-verb": Case(
        ["complete", "--tasktoken", TOKEN, "done"], h.unexpected_argument("done")
    ),
    "bad-rpc-timeout": Case(
        ["--tasktoken", TOKEN, "--rpc-timeout", "ten"], h.bad_rpc_timeout("ten")
    ),
    "fail-without-reason": Case(["fail", "--tasktoken", TOKEN], h.FAIL_WITHOUT_REASON),
    "fail-with-empty-reason": Case(
        ["fail", "--tasktoken", TOKEN, "--reason", ""], h.FAIL_WITHOUT_REASON
    ),
    "inspect-without-token": Case(["inspect"], h.INSPECT_WITHOUT_TOKEN),
    "inspect-of-bad-token": Case(
        ["inspect", "--tasktoken", TOKEN[:-1]], h.odd_length(len(TOKEN) - 1)
    ),
    # Several faults on one line: the first in the spec's check order is reported.
    "unknown-option-before-bad-token": Case(
        ["--tasktoken", "zz", "--bogus", "1"], h.unknown_option("bogus")
    ),
    "inspect-takes-no-ids": Case(
        ["inspect", "--workflow-id", "wf-1", "--activity-id", "1"], h.unknown_option("workflow-id")
    ),
    "stray-argument-before-rpc-timeout": Case(
        ["complete", "stray", "--rpc-timeout", "x"], h.unexpected_argument("stray")
    ),
    "rpc-timeout-before-bad-token": Case(
        ["--tasktoken", "zz", "--rpc-timeout", "x"], h.bad_rpc_timeout("x")
    ),
    "rpc-timeout-before-concurrency": Case(
        ["complete", "--batch", "-", "--concurrency", "0", "--rpc-timeout", "x"],
        h.bad_rpc_timeout("x"),
    ),
    "token-and-workflow-id-only": Case(
        ["--tasktoken", TOKEN, "--workflow-id", "wf-1"], h.BOTH_TARGETS
    ),
    "token-and-run-id-only": Case(["--tasktoken", TOKEN, "--run-id", "r-1"], h.BOTH_TARGETS),
    "empty-token-counts-as-given": Case(
        ["--tasktoken", "", "--workflow-id", "wf-1", "--activity-id", "1"], h.BOTH_TARGETS
    ),
    "empty-ids-do-not-count": Case(["--workflow-id", "", "--activity-id", ""], h.NO_TARGET),
    "empty-activity-id-does-not-count": Case(
        ["--activity-id", "", "--run-id", "r-1"], h.RUN_ID_ALONE
    ),
    "empty-token-and-empty-ids": Case(["--tasktoken", "", "--workflow-id", ""], h.EMPTY),
    "incomplete-ids-before-missing-reason": Case(
        ["fail", "--workflow-id", "wf-1"], h.WORKFLOW_ID_ALONE
    ),
    "missing-reason-before-bad-token": Case(["fail", "--tasktoken", "zz"], h.FAIL_WITHOUT_REASON),
    "result-and-result-file-before-bad-token": Case(
        ["--tasktoken", "zz", "--result", "x", "--result-file", "/no/such/file"],
        h.RESULT_TWICE,
    ),
    "bad-token-before-reading-the-result-file": Case(
        ["--tasktoken", "zz", "--result-file", "/no/such/file"], h.not_hex("z", 1)
    ),
    "result-file-with-fail": Case(
        ["fail", "--tasktoken", TOKEN, "--reason", "r", "--result-file", "/no/such/file"],
        h.unknown_option("result-file"),
    ),
    # Go's flag syntax, which the Python completer accepts too.
    "single-dash": Case(["-tasktoken", "abc"], h.odd_length(3)),
    "single-dash-equals": Case(["-tasktoken=abc"], h.odd_length(3)),
    "alias-equals": Case(["--task-token=abc"], h.odd_length(3)),
    # Batch mode's own usage errors.
    "batch-and-token": Case(
        ["complete", "--batch", "-", "--tasktoken", TOKEN],
        "error: give either --batch or an Activity (--tasktoken or --workflow-id with "
        "--activity-id), not both",
    ),
    "batch-concurrency-zero": Case(
        ["complete", "--batch", "-", "--concurrency", "0"],
        'error: --concurrency "0" must be a whole number from 1 to 1000',
    ),
    "batch-concurrency-too-high": Case(
        ["fail", "--batch", "-", "--concurrency", "1001"],
        'error: --concurrency "1001" must be a whole number from 1 to 1000',
    ),
}


def secrets_of(case: Case) -> list[str]:
    """Every token-like text the case hands the completer, which it must not print."""
    texts = [*case.args, *case.stdin.split()]
    return [t for t in texts if len(t) >= 32]


@pytest.fixture(scope="module")
def nowhere() -> str:
    """An address where nothing listens: a request sent there fails with exit 4."""
    return f"127.0.0.1:{free_port()}"


@pytest.mark.parametrize("case", OFFLINE_CASES.values(), ids=OFFLINE_CASES.keys())
def test_bad_input_is_one_error_line_before_any_request(
    completer: str, case: Case, nowhere: str
) -> None:
    run = run_completer(completer, case.args, nowhere, stdin=case.stdin)
    h.assert_clean_failure(run, 2)
    assert run.stderr == case.line + "\n"
    h.assert_no_token([run.stdout, run.stderr], *secrets_of(case))


def test_an_unreadable_batch_file_is_named(completer: str, nowhere: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file.jsonl"
    run = run_completer(completer, ["complete", "--batch", str(missing)], nowhere)
    h.assert_clean_failure(run, 2)
    assert run.stderr.startswith(f'error: cannot read the batch file "{missing}": ')


# A token handed over without --tasktoken. The spec's lines for these cases quote the
# argument (`unknown command "X"`, `unexpected argument "X"`), which here is the token:
# the contract's rule wins, tokens are credentials and are not echoed.

TOKEN_WITHOUT_ITS_OPTION = {
    "token-as-the-verb": [TOKEN],
    "token-as-a-positional-argument": ["complete", TOKEN],
    "token-after-the-token-option": ["--tasktoken", TOKEN, TOKEN],
}


@pytest.mark.parametrize(
    "args", TOKEN_WITHOUT_ITS_OPTION.values(), ids=TOKEN_WITHOUT_ITS_OPTION.keys()
)
def test_a_token_without_its_option_is_refused_without_echoing_it(
    args: list[str], nowhere: str
) -> None:
    python, go = (run_completer(kind, args, nowhere) for kind in h.KINDS)
    h.assert_clean_failure(python, 2)
    h.assert_clean_failure(go, 2)
    assert go.stderr == python.stderr
    h.assert_no_token([python.stdout, python.stderr, go.stdout, go.stderr], TOKEN)


# Input the spec has no line for: the contract still holds (one line, exit 2, nothing
# sent, the same in both languages).

UNSPECIFIED_CASES = {
    "option-repeated": ["--tasktoken", TOKEN, "--tasktoken", "abc"],
    "double-dash": ["--", "--tasktoken", TOKEN],
}


@pytest.mark.parametrize("args", UNSPECIFIED_CASES.values(), ids=UNSPECIFIED_CASES.keys())
def test_input_without_a_spec_line_is_still_refused_alike(args: list[str], nowhere: str) -> None:
    python, go = (run_completer(kind, args, nowhere) for kind in h.KINDS)
    h.assert_clean_failure(python, 2)
    h.assert_clean_failure(go, 2)
    assert go.stderr == python.stderr
    h.assert_no_token([python.stdout, python.stderr, go.stdout, go.stderr], TOKEN)


def test_result_file_problems_are_named(completer: str, nowhere: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    run = run_completer(completer, ["--tasktoken", TOKEN, "--result-file", str(missing)], nowhere)
    h.assert_clean_failure(run, 2)
    assert run.stderr.startswith(f'error: cannot read the result file "{missing}": ')

    folder = tmp_path / "a-folder"
    folder.mkdir()
    run = run_completer(completer, ["--tasktoken", TOKEN, "--result-file", str(folder)], nowhere)
    h.assert_clean_failure(run, 2)
    assert run.stderr.startswith(f'error: cannot read the result file "{folder}": ')

    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\u00e9".encode("latin-1"))
    run = run_completer(completer, ["--tasktoken", TOKEN, "--result-file", str(latin1)], nowhere)
    h.assert_clean_failure(run, 2)
    assert run.stderr == f'error: the result file "{latin1}" is not UTF-8 text\n'
    h.assert_no_token([run.stdout, run.stderr], TOKEN)


# Tokens with white space, a 0x prefix or in upper case are accepted.

ACCEPTED_FORMS: dict[str, Callable[[str], Case]] = {
    "white-space-around": lambda t: Case(["--tasktoken", f" \t{t}\n"], ""),
    "stdin-crlf-and-more-lines": lambda t: Case(
        ["complete", "--tasktoken", "-"], "", stdin=f"  {t} \r\nnot this line\n"
    ),
    "0x-prefix": lambda t: Case(["--tasktoken", f"0x{t}"], ""),
    "0X-prefix-upper-case": lambda t: Case(["--task-token", f"0X{t.upper()}"], ""),
    "single-dash-equals-upper-case": lambda t: Case([f"-tasktoken= {t.upper()}\t"], ""),
}


@pytest.mark.parametrize("form", ACCEPTED_FORMS.values(), ids=ACCEPTED_FORMS.keys())
def test_a_token_with_white_space_or_prefix_is_accepted(
    demo: Demo, completer: str, form: Callable[[str], Case]
) -> None:
    handle, line = demo.pending()
    case = form(line.token)
    result = f"accepted by {completer}"
    run = demo.run(completer, *case.args, "--result", result, stdin=case.stdin)
    assert (run.returncode, run.stderr, run.stdout) == (0, "", h.completed(handle.id) + "\n")
    h.assert_no_token([run.stdout, run.stderr], line.token)
    assert demo.result(handle) == result


# Tokens the server refuses: each scenario is set up once and tried by both completers
# (a refusal changes nothing on the server).


@dataclass
class Refused:
    token: str
    workflow_id: str
    attempt: int
    handle: Any
    # What the refusal says closed the Activity, read from the Workflow's history once it
    # shows no more changes.
    reason: str


class Scenarios:
    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.cache: dict[str, Refused] = {}

    def get(self, name: str) -> Refused:
        if name not in self.cache:
            self.cache[name] = getattr(self, name.replace("-", "_"))()
        return self.cache[name]

    def completed(self) -> Refused:
        handle, line = self.demo.pending()
        run = self.demo.run("python", "--tasktoken", line.token, "--result", "first")
        assert run.returncode == 0, run
        assert self.demo.result(handle) == "first"
        closed = closing(self.demo, handle)
        return Refused(
            line.token, handle.id, 1, handle, c.was_completed(closed.time, closed.identity)
        )

    def failed(self) -> Refused:
        handle, line = self.demo.pending()
        run = self.demo.run("go", "fail", "--tasktoken", line.token, "--reason", "gave up")
        assert run.returncode == 0, run
        self.wait_closed(handle, WorkflowExecutionStatus.FAILED)
        closed = closing(self.demo, handle)
        reason = h.failed_at(closed.time, "gave up", closed.identity)
        return Refused(line.token, handle.id, 1, handle, reason)

    def timed_out(self) -> Refused:
        handle, line = self.demo.pending(start_to_close=2, max_attempts=1)
        self.wait_closed(handle, WorkflowExecutionStatus.FAILED)
        return Refused(line.token, handle.id, 1, handle, self.timed_out_reason(handle))

    def retried(self) -> Refused:
        """Attempt 1 timed out and was retried; attempt 2 timed out too (waited for, so
        that the history no longer changes while the completers read it)."""
        handle, line = self.demo.pending(start_to_close=2, max_attempts=2)
        self.demo.worker.wait_for_token(handle.id, attempt=2)
        self.wait_closed(handle, WorkflowExecutionStatus.FAILED)
        reason = "attempt 1 was retried: attempt 2 " + self.timed_out_reason(handle).removeprefix(
            "it "
        )
        return Refused(line.token, handle.id, 1, handle, reason)

    def retried_pending(self) -> Refused:
        """Attempt 1 failed as retryable; attempt 2 is pending, as long as the suite runs."""
        handle, line = self.demo.pending(max_attempts=2)
        run = self.demo.run(
            "go", "fail", "--tasktoken", line.token, "--reason", "again", "--retryable"
        )
        assert run.returncode == 0, run
        self.demo.worker.wait_for_token(handle.id, attempt=2)
        return Refused(line.token, handle.id, 1, handle, c.was_retried(1, 2))

    def terminated(self) -> Refused:
        handle, line = self.demo.pending()
        self.demo.loop.run(handle.terminate(reason="terminated by the bad-input suite"))
        self.wait_closed(handle, WorkflowExecutionStatus.TERMINATED)
        [terminated] = events(self.demo, handle, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)
        reason = h.workflow_was("terminated", rfc3339(terminated.event_time))
        return Refused(line.token, handle.id, 1, handle, reason)

    def timed_out_reason(self, handle: Any) -> str:
        [timed_out] = events(self.demo, handle, TIMED_OUT)
        return h.timed_out_at(rfc3339(timed_out.event_time), "start-to-close")

    def wait_closed(self, handle: Any, status: WorkflowExecutionStatus) -> None:
        wait_until(
            lambda: self.demo.describe(handle).status == status, 30, f"{handle.id} to be {status}"
        )


@pytest.fixture(scope="module")
def scenarios(
    dev_server: DevServer, worker: WorkerProcess, loop: EventLoopThread, client: Any
) -> Scenarios:
    return Scenarios(Demo(dev_server, worker, loop, client))


@pytest.mark.parametrize(
    "scenario", ["completed", "failed", "timed-out", "retried", "retried-pending", "terminated"]
)
def test_a_token_that_is_not_pending_any_more_is_refused(
    scenarios: Scenarios, demo: Demo, completer: str, scenario: str
) -> None:
    refused = scenarios.get(scenario)
    run = demo.run(completer, "--tasktoken", refused.token, "--result", f"late {completer}")
    h.assert_clean_failure(run, 3)
    assert run.stderr == h.not_pending(refused.workflow_id, refused.reason, refused.attempt) + "\n"
    h.assert_no_token([run.stdout, run.stderr], refused.token)
    if scenario == "completed":
        # The first completion stands, alone.
        assert demo.result(refused.handle) == "first"
        history = demo.history_events(refused.handle)
        assert [e.event_type for e in history].count(COMPLETED) == 1


@pytest.fixture(scope="module")
def other_namespace(dev_server: DevServer) -> str:
    """A second namespace on the session's server, usable once the frontend knows it."""
    namespace = unique_id("faults-ns")
    address = ["--address", dev_server.address]
    subprocess.run(
        [str(TEMPORAL), "operator", "namespace", "create", "--namespace", namespace, *address],
        check=True,
        capture_output=True,
    )

    def usable() -> bool:
        listed = subprocess.run(
            [str(TEMPORAL), "workflow", "list", "--namespace", namespace, *address],
            capture_output=True,
        )
        return listed.returncode == 0

    wait_until(usable, 30, f"namespace {namespace}", interval=0.2)
    return namespace


def assert_still_pending(demo: Demo, handle: Any) -> None:
    description = demo.describe(handle)
    assert description.status == WorkflowExecutionStatus.RUNNING
    [activity] = description.raw_description.pending_activities
    assert activity.attempt == 1
    types = [e.event_type for e in demo.history_events(handle)]
    assert COMPLETED not in types and FAILED not in types


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_a_token_of_another_namespace_is_refused(
    demo: Demo, completer: str, other_namespace: str, how: str
) -> None:
    handle, line = demo.pending()
    args = ["--tasktoken", line.token, "--result", "wrong namespace"]
    if how == "flag":
        run = demo.run(completer, *args, "--namespace", other_namespace)
    else:
        env = clean_env(demo.server.address, TEMPORAL_NAMESPACE=other_namespace)
        run = demo.run(completer, *args, env=env)
    h.assert_clean_failure(run, 3)
    assert run.stderr == h.other_namespace(other_namespace) + "\n"
    h.assert_no_token([run.stdout, run.stderr], line.token)

    assert_still_pending(demo, handle)
    assert demo.run(completer, "--tasktoken", line.token, "--result", "right").returncode == 0
    assert demo.result(handle) == "right"


@pytest.mark.parametrize("by", ["token", "ids"])
def test_a_namespace_the_server_does_not_know_is_named(demo: Demo, completer: str, by: str) -> None:
    """The server answers NOT_FOUND for the namespace, not for the Activity: it is still
    pending, and the message says which name was not found."""
    handle, line = demo.pending()
    target = (
        ["--tasktoken", line.token]
        if by == "token"
        else ["--workflow-id", handle.id, "--activity-id", line.activity_id]
    )
    run = demo.run(completer, *target, "--namespace", "no-such-namespace")
    h.assert_clean_failure(run, 3)
    assert run.stderr == h.unknown_namespace("no-such-namespace", demo.server.address) + "\n"
    h.assert_no_token([run.stdout, run.stderr], line.token)
    assert_still_pending(demo, handle)
    assert demo.run(completer, "--tasktoken", line.token, "--result", "found").returncode == 0
    assert demo.result(handle) == "found"


# A result larger than the server accepts. One argument cannot hold it on Linux (128 KiB
# at most), so it comes from --result-file, or from a batch job, whose message is the
# single-job line without `error: `.


def payload_size(text: str) -> int:
    """The encoded size the spec counts, as the server does: the default converter's
    payload, as protobuf, inside the Payloads message (a tag byte and a varint length)."""
    payload = DataConverter.default.payload_converter.to_payloads([text])[0]
    size: int = payload.ByteSize()
    return size + 1 + len(h.varint(size))


def batch_line(line: int, outcome: str, code: int, message: str) -> str:
    record = {"line": line, "outcome": outcome, "code": code, "message": message}
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"


def complete_in_batch(demo: Demo, completer: str, token: str, result: str) -> CompleterRun:
    job = json.dumps({"tasktoken": token, "result": result})
    return demo.run(completer, "complete", "--batch", "-", stdin=job + "\n")


def send_result(
    demo: Demo, completer: str, token: str, result: str, via: str, folder: Path
) -> CompleterRun:
    """Completes with a result too long for an argument: from a file, or in a batch."""
    if via == "batch":
        return complete_in_batch(demo, completer, token, result)
    path = folder / "result.txt"
    path.write_text(result, encoding="utf-8")
    return demo.run(completer, "--tasktoken", token, "--result-file", str(path))


def one_job(via: str, code: int, message: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of one job (single or batch) that
    ends with code and message (a success line, or an error line without `error: `)."""
    if via == "batch":
        outcome = {0: "ok", 2: "malformed"}[code]
        summary = h.batch_summary(1, malformed=1) + "\n" if code else ""
        return code, batch_line(1, outcome, code, message), summary
    return (code, message + "\n", "") if code == 0 else (code, "", f"error: {message}\n")


VIAS = ["result-file", "batch"]


@pytest.mark.parametrize("via", VIAS)
def test_a_result_larger_than_the_blob_limit_is_refused_before_sending(
    demo: Demo, completer: str, via: str, tmp_path: Path
) -> None:
    handle, line = demo.pending()
    result = "a" * h.BLOB_LIMIT
    size = payload_size(result)
    assert size > h.BLOB_LIMIT

    run = send_result(demo, completer, line.token, result, via, tmp_path)
    assert (run.returncode, run.stdout, run.stderr) == one_job(via, 2, h.too_large("result", size))
    h.assert_no_token([run.stdout, run.stderr], line.token)

    assert_still_pending(demo, handle)
    assert demo.run(completer, "--tasktoken", line.token, "--result", "small").returncode == 0
    assert demo.result(handle) == "small"


@pytest.mark.parametrize("via", VIAS)
def test_a_large_result_within_the_limit_goes_through_and_nothing_else_is_printed(
    demo: Demo, completer: str, via: str, tmp_path: Path
) -> None:
    """Above the SDK's 512 KiB warning size, below the server's limit: standard output
    holds the one line of the spec and nothing else, standard error nothing."""
    handle, line = demo.pending()
    result = "b" * 600_000
    run = send_result(demo, completer, line.token, result, via, tmp_path)
    assert (run.returncode, run.stdout, run.stderr) == one_job(via, 0, h.completed(handle.id))
    assert demo.result(handle) == result


def largest(limit: int, size: Callable[[int], int]) -> int:
    """The largest n with size(n) <= limit (size grows with n)."""
    n = limit
    while size(n) > limit:
        n -= 1
    return n


@pytest.mark.parametrize("measure", ["payload", "payloads"])
def test_a_result_at_the_blob_limit_is_never_turned_into_a_failure(
    demo: Demo, completer: str, measure: str, tmp_path: Path
) -> None:
    """Nothing is lost: a result the completer reports as sent is the Activity's result,
    not the failure the server makes of an oversized one. `payload`: the largest result
    whose payload (what the spec counts) is at the limit; `payloads`: the largest whose
    Payloads message (what the server counts: the payload plus its wrapping) is."""
    converter = DataConverter.default.payload_converter

    def size(n: int) -> int:
        unwrapped: int = converter.to_payloads(["a" * n])[0].ByteSize()
        if measure == "payload":
            return unwrapped
        return unwrapped + 1 + len(h.varint(unwrapped))

    handle, line = demo.pending()
    result = "a" * largest(h.BLOB_LIMIT, size)
    run = send_result(demo, completer, line.token, result, "result-file", tmp_path)
    if run.returncode == 2:
        # Refusing it before sending keeps the Activity pending: also within the contract.
        too_large = h.too_large("result", payload_size(result))
        assert (run.returncode, run.stdout, run.stderr) == one_job("result-file", 2, too_large)
        assert_still_pending(demo, handle)
        assert demo.run(completer, "--tasktoken", line.token).returncode == 0
        return
    assert (run.returncode, run.stdout, run.stderr) == one_job(
        "result-file", 0, h.completed(handle.id)
    )
    types = [e.event_type for e in demo.history_events(handle)]
    assert FAILED not in types, "the server turned the completion into a failure"
    assert demo.result(handle) == result


def test_a_batch_reports_each_bad_line_and_goes_on(
    demo: Demo, completer: str, scenarios: Scenarios
) -> None:
    """Bad lines of a batch are reported one JSON line each and never stop the others;
    the exit code is the largest job code, and the summary counts every kind."""
    handle, line = demo.pending()
    done = scenarios.get("completed")
    no_json = "the line is not a hex task token or a JSON job: "
    both_targets = json.dumps({"tasktoken": TOKEN, "workflow_id": "wf-1", "activity_id": "1"})
    lines: dict[int, tuple[str, str, int, str | None]] = {
        # line: (input, outcome, code, message: exact, a prefix ending in ": ", or None)
        3: (json.dumps({"tasktoken": line.token, "result": "by batch"}), "ok", 0, None),
        4: (json.dumps({"tasktoken": done.token}), "refused", 3, None),
        5: (TOKEN[:-1], "malformed", 2, h.odd_length(len(TOKEN) - 1)),
        6: (f"  {STD_BASE64}  ", "malformed", 2, h.BASE64),
        7: (TOKEN[:-2], "malformed", 2, h.NOT_A_TOKEN),
        8: ('{"tasktoken": 0a24}', "malformed", 2, no_json),
        9: (json.dumps({"tasktoken": TOKEN, "reslt": "typo"}), "malformed", 2, None),
        10: (json.dumps({"workflow_id": "wf-1"}), "malformed", 2, None),
        11: (both_targets, "malformed", 2, None),
        12: (json.dumps({"tasktoken": TOKEN, "result": 42}), "malformed", 2, None),
    }
    text = "# bad lines, one of each\n\n" + "\n".join(v[0] for v in lines.values()) + "\n"
    run = demo.run(completer, "complete", "--batch", "-", stdin=text)

    assert run.returncode == 3, run
    assert run.stderr == h.batch_summary(len(lines), refused=1, malformed=8) + "\n"
    records = {}
    for output in run.stdout.splitlines():
        record = json.loads(output)
        assert list(record) == ["line", "outcome", "code", "message"], output
        records[record["line"]] = record
    assert sorted(records) == sorted(lines)
    expected_messages = {
        3: h.completed(handle.id),
        4: h.not_pending(done.workflow_id, done.reason).removeprefix("error: "),
    }
    for number, (_, outcome, code, message) in lines.items():
        record = records[number]
        assert (record["outcome"], record["code"]) == (outcome, code), record
        if number in expected_messages:
            assert record["message"] == expected_messages[number], record
        elif message is not None and message.endswith(": "):
            assert record["message"].startswith(message), record
        elif message is not None:
            assert record["message"] == message.removeprefix("error: "), record
    h.assert_no_token([run.stdout, run.stderr], line.token, done.token, TOKEN, STD_BASE64)
    assert demo.result(handle) == "by batch"
