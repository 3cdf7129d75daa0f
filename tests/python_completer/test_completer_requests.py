"""What each verb sends, what it prints, and how every answer of the server maps to the
contract's exit code and line. A fake client stands in for Client.connect: no server."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.activity import ActivityCancellationDetails
from temporalio.client import AsyncActivityCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from tests.python_completer.conftest import REAL_DESC, REAL_TOKEN, FakeTemporal, invoke

TOKEN = ["--tasktoken", REAL_TOKEN]
IDS = ["--workflow-id", "order-7", "--activity-id", "1"]
IDS_DESC = 'Activity "1" of Workflow "order-7"'
DEFAULT_CONNECTION = {"target_host": "localhost:7233", "namespace": "default"}


def ok(args: list[str], line: str, input: str | None = None) -> None:
    result = invoke(args, input=input)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", line + "\n")


def fails(args: list[str], code: int, line: str) -> None:
    result = invoke(args)
    assert (result.exit_code, result.stderr, result.stdout) == (code, line + "\n", "")


# What is sent.


@pytest.mark.parametrize("verb", [[], ["complete"]], ids=["no verb", "complete"])
def test_complete_by_token_sends_the_token_and_the_result(
    temporal: FakeTemporal, verb: list[str]
) -> None:
    ok([*verb, *TOKEN, "--result", "done"], f"Completed {REAL_DESC}")
    assert temporal.connect_kwargs == DEFAULT_CONNECTION
    assert temporal.handle_kwargs == {"task_token": bytes.fromhex(REAL_TOKEN)}
    [(call, result, rpc_timeout)] = temporal.calls
    assert (call, result) == ("complete", "done")
    assert timedelta(seconds=9) < rpc_timeout <= timedelta(seconds=10)


def test_complete_sends_an_empty_text_when_no_result_is_given(temporal: FakeTemporal) -> None:
    ok(["complete", "--tasktoken", "-"], f"Completed {REAL_DESC}", input=REAL_TOKEN + "\n")
    assert [call[:2] for call in temporal.calls] == [("complete", "")]


def test_a_result_may_start_with_a_dash(temporal: FakeTemporal) -> None:
    ok(["complete", "-result", "-1", *TOKEN], f"Completed {REAL_DESC}")
    assert [call[:2] for call in temporal.calls] == [("complete", "-1")]


@pytest.mark.parametrize(
    ("run_id", "sent"), [([], None), (["--run-id", "r-1"], "r-1"), (["--run-id", ""], None)]
)
def test_complete_by_ids(temporal: FakeTemporal, run_id: list[str], sent: str | None) -> None:
    ok(["complete", *IDS, *run_id, "--result", "x"], f"Completed {IDS_DESC}")
    assert temporal.handle_kwargs == {"workflow_id": "order-7", "run_id": sent, "activity_id": "1"}


@pytest.mark.parametrize(
    ("flag", "retryable"),
    [([], False), (["--retryable"], True), (["-retryable=true"], True), (["--retryable=0"], False)],
)
def test_fail_sends_an_application_error(
    temporal: FakeTemporal, flag: list[str], retryable: bool
) -> None:
    kind = "retryable: the server will run it again" if retryable else "non-retryable"
    ok(["fail", *TOKEN, "--reason", "disk full", *flag], f"Failed {REAL_DESC} ({kind})")
    [(call, error, _)] = temporal.calls
    assert call == "fail"
    assert isinstance(error, ApplicationError)
    assert (error.message, error.type, error.non_retryable) == (
        "disk full",
        "PythonCompleterFailure",
        not retryable,
    )


@pytest.mark.parametrize(("details", "sent"), [([], ()), (["--details", "50%"], ("50%",))])
def test_heartbeat_sends_details_only_when_given(
    temporal: FakeTemporal, details: list[str], sent: tuple[str, ...]
) -> None:
    ok(["heartbeat", *IDS, *details], f"Recorded a heartbeat for {IDS_DESC}")
    assert [call[:2] for call in temporal.calls] == [("heartbeat", sent)]


@pytest.mark.parametrize(("details", "sent"), [([], ()), (["--details", ""], ("",))])
def test_cancel_reports_the_cancellation(
    temporal: FakeTemporal, details: list[str], sent: tuple[str, ...]
) -> None:
    ok(["cancel", *TOKEN, *details], f"Reported {REAL_DESC} as cancelled")
    assert [call[:2] for call in temporal.calls] == [("report_cancellation", sent)]


def test_connection_comes_from_the_environment_and_the_flags_override_it(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "env-host:7000")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "env-ns")
    ok(["complete", *TOKEN], f"Completed {REAL_DESC}")
    assert temporal.connect_kwargs == {"target_host": "env-host:7000", "namespace": "env-ns"}
    ok(
        ["complete", *TOKEN, "--address", "flag-host:1", "-namespace=flag-ns"],
        f"Completed {REAL_DESC}",
    )
    assert temporal.connect_kwargs == {"target_host": "flag-host:1", "namespace": "flag-ns"}


def test_the_rpc_timeout_bounds_the_request(temporal: FakeTemporal) -> None:
    ok(["complete", *TOKEN, "--rpc-timeout", "1.5s"], f"Completed {REAL_DESC}")
    [(_, _, rpc_timeout)] = temporal.calls
    assert timedelta(seconds=1) < rpc_timeout <= timedelta(seconds=1.5)


@pytest.mark.parametrize(
    "content", ["", "line one\nline two\n", "  ✓ ünïcode \x00\r\n", "\ufeffwith a BOM"]
)
def test_a_result_file_is_sent_unchanged(
    temporal: FakeTemporal, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "result.txt"
    path.write_bytes(content.encode())
    ok(["complete", *TOKEN, "--result-file", str(path)], f"Completed {REAL_DESC}")
    assert [call[:2] for call in temporal.calls] == [("complete", content)]


def test_an_unreadable_result_file_exits_2(temporal: FakeTemporal, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    # The reason is the OS's, worded as Go words it (lower case first letter).
    fails(
        ["complete", *TOKEN, "--result-file", str(missing)],
        2,
        f'error: cannot read the result file "{missing}": no such file or directory',
    )
    fails(
        ["complete", *TOKEN, "--result-file", str(tmp_path)],
        2,
        f'error: cannot read the result file "{tmp_path}": is a directory',
    )
    assert temporal.connect_kwargs is None


def test_a_result_file_that_is_not_utf8_exits_2(temporal: FakeTemporal, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("café".encode("latin-1"))
    fails(
        ["complete", *IDS, "--result-file", str(path)],
        2,
        f'error: the result file "{path}" is not UTF-8 text',
    )
    assert temporal.connect_kwargs is None


def test_an_oversized_result_file_is_refused(temporal: FakeTemporal, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * (LIMIT - 33))
    result = invoke(["complete", *TOKEN, "--result-file", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: the result is {LIMIT + 1} bytes once encoded")
    assert temporal.connect_kwargs is None


# Oversized payloads: refused before connecting. An ASCII text of L characters is a
# json/plain payload of L + 30 bytes at this size (quotes, field tags, the metadata), and the
# server measures the Payloads message around it: 4 bytes more (a tag, a 3-byte length).

LIMIT = 2097152


def test_the_largest_result_that_fits_is_sent(temporal: FakeTemporal) -> None:
    ok(["complete", *TOKEN, "--result", "x" * (LIMIT - 34)], f"Completed {REAL_DESC}")
    assert len(temporal.calls) == 1


@pytest.mark.parametrize(
    ("verb", "what"),
    [
        (["complete", "--result"], "result"),
        (["heartbeat", "--details"], "details"),
        (["cancel", "--details"], "details"),
    ],
)
def test_an_oversized_result_or_details_is_refused_before_connecting(
    temporal: FakeTemporal, verb: list[str], what: str
) -> None:
    fails(
        [verb[0], *TOKEN, verb[1], "x" * (LIMIT - 33)],
        2,
        f"error: the {what} is {LIMIT + 1} bytes once encoded, more than the 2097152 bytes the "
        f"server accepts (its blob size limit): send a smaller {what}, or a reference to "
        "where the data is",
    )
    assert temporal.connect_kwargs is None


# The server's answers.


def not_pending(desc: str) -> str:
    return (
        f"error: {desc} is not pending any more: it was completed, failed, timed out or "
        "retried, or its Workflow closed; a retry logs a new token in the Worker's log (its "
        "history does not say)"
    )


def unreachable(address: str, timeout: str) -> str:
    return (
        f"error: could not reach the Temporal server at {address} within {timeout}: start one "
        "with make server, or point TEMPORAL_ADDRESS or --address at yours"
    )


def rpc(status: RPCStatusCode, message: str) -> RPCError:
    return RPCError(message, status, b"")


@pytest.mark.parametrize(("target", "desc"), [(TOKEN, REAL_DESC), (IDS, IDS_DESC)])
@pytest.mark.parametrize("verb", ["complete", "heartbeat", "cancel"])
def test_not_found_means_not_pending(
    temporal: FakeTemporal, verb: str, target: list[str], desc: str
) -> None:
    temporal.request_error = rpc(RPCStatusCode.NOT_FOUND, "workflow execution already completed")
    fails([verb, *target], 3, not_pending(desc))


@pytest.mark.parametrize(
    ("args", "namespace", "address"),
    [
        (["complete", *TOKEN], "default", "localhost:7233"),
        (["fail", *IDS, "--reason", "r", "-namespace=nope", "--address", "h:1"], "nope", "h:1"),
    ],
)
def test_an_unknown_namespace_is_named(
    temporal: FakeTemporal, args: list[str], namespace: str, address: str
) -> None:
    # The namespace named is the one sent, whatever the server's message says.
    temporal.request_error = rpc(RPCStatusCode.NOT_FOUND, "Namespace elsewhere is not found.")
    fails(
        args,
        3,
        f'error: namespace "{namespace}" was not found on the server at {address}: check '
        "--namespace or TEMPORAL_NAMESPACE",
    )


@pytest.mark.parametrize(
    ("args", "error", "line"),
    [
        (
            ["complete", *TOKEN],
            rpc(
                RPCStatusCode.INVALID_ARGUMENT,
                "Operation requested with a token from a different namespace.",
            ),
            'error: the task token is for another namespace than "default": set --namespace '
            "or TEMPORAL_NAMESPACE to the namespace of its Workflow",
        ),
        (
            ["complete", *TOKEN, "--namespace", "other"],
            rpc(
                RPCStatusCode.INVALID_ARGUMENT,
                "Operation requested with a token from a DIFFERENT NAMESPACE.",
            ),
            'error: the task token is for another namespace than "other": set --namespace '
            "or TEMPORAL_NAMESPACE to the namespace of its Workflow",
        ),
        (
            ["cancel", *TOKEN],
            rpc(
                RPCStatusCode.INVALID_ARGUMENT,
                "unable to mark activity as canceled without activity being request canceled first",
            ),
            f"error: the server refused to report {REAL_DESC} as cancelled: no cancellation "
            "was requested for it; request one first (make cancel WORKFLOW_ID=t1)",
        ),
        (
            ["cancel", *IDS],
            rpc(RPCStatusCode.FAILED_PRECONDITION, "... Request Canceled First ..."),
            f"error: the server refused to report {IDS_DESC} as cancelled: no cancellation "
            "was requested for it; request one first (make cancel WORKFLOW_ID=order-7)",
        ),
        (
            ["complete", *TOKEN],
            rpc(RPCStatusCode.INVALID_ARGUMENT, "Error deserializing task token."),
            "error: the server could not read the task token (was it cut short?): copy the "
            "whole taskToken= value from the Worker's log",
        ),
        (
            ["complete", *IDS, "--run-id", "x"],
            rpc(RPCStatusCode.INVALID_ARGUMENT, "RunId is not valid UUID."),
            "error: the server refused the request: RunId is not valid UUID.",
        ),
        (
            ["fail", *TOKEN, "--reason", "r"],
            rpc(RPCStatusCode.FAILED_PRECONDITION, " not in a  state\n\tto fail\n"),
            "error: the server refused the request: not in a state to fail",
        ),
        (
            ["heartbeat", *TOKEN],
            rpc(RPCStatusCode.PERMISSION_DENIED, "Request unauthorized."),
            "error: the server refused the request: Request unauthorized.",
        ),
        (
            ["complete", *TOKEN],
            rpc(RPCStatusCode.ALREADY_EXISTS, "exists"),
            "error: the server refused the request: exists",
        ),
    ],
)
def test_refusals_exit_3(
    temporal: FakeTemporal, args: list[str], error: RPCError, line: str
) -> None:
    temporal.request_error = error
    fails(args, 3, line)


@pytest.mark.parametrize("status", [RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED])
def test_an_unanswered_request_exits_4(temporal: FakeTemporal, status: RPCStatusCode) -> None:
    temporal.request_error = rpc(status, "connection reset")
    fails(["complete", *TOKEN, "--address", "h:1"], 4, unreachable("h:1", "10s"))


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("Failed client connect: Server connection error: transport error"),
        ValueError("invalid target URL: invalid international domain name"),
    ],
)
def test_a_failed_connection_exits_4(temporal: FakeTemporal, error: Exception) -> None:
    temporal.connect_error = error
    fails(
        ["heartbeat", *IDS, "--rpc-timeout", "2"],
        4,
        unreachable("localhost:7233", "2"),
    )


TLS_FAILED = (
    "error: could not reach the Temporal server at {} over TLS: the TLS handshake failed; "
    "check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME"
)


@pytest.mark.parametrize(
    ("environment", "error"),
    [
        ({"TEMPORAL_TLS": "true"}, RuntimeError("Failed client connect: TLS error: bad record")),
        ({"TEMPORAL_TLS_SERVER_NAME": "x"}, RuntimeError("invalid peer Certificate: unknown")),
        ({"TEMPORAL_API_KEY": "k"}, RuntimeError("x509: certificate signed by unknown authority")),
        ({"TEMPORAL_TLS": "1"}, rpc(RPCStatusCode.UNAVAILABLE, "HandShake failed")),
        # What the SDK says when TLS meets a plain-text server (the dev server).
        (
            {"TEMPORAL_TLS": "true"},
            RuntimeError(
                "Failed client connect: Server connection error: tonic::transport::Error("
                "Transport, ConnectError(Custom { kind: InvalidData, error: InvalidMessage("
                "InvalidContentType) }))"
            ),
        ),
        # Before the refusal of credentials, as the Go completer checks.
        ({"TEMPORAL_API_KEY": "k"}, rpc(RPCStatusCode.UNAUTHENTICATED, "tls: bad certificate")),
    ],
)
def test_a_failed_tls_handshake_is_named(
    temporal: FakeTemporal,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    error: Exception,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    temporal.connect_error = error
    fails(["complete", *TOKEN, "--address", "h:7233"], 4, TLS_FAILED.format("h:7233"))


@pytest.mark.parametrize(
    ("environment", "error"),
    [
        ({}, RuntimeError("Failed client connect: tls handshake eof")),
        ({"TEMPORAL_TLS": "false"}, RuntimeError("tls handshake eof")),
        ({"TEMPORAL_TLS": "true"}, RuntimeError("Server connection error: connection refused")),
    ],
)
def test_tls_is_named_only_when_configured_and_mentioned(
    temporal: FakeTemporal,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    error: Exception,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    temporal.connect_error = error
    fails(["complete", *TOKEN], 4, unreachable("localhost:7233", "10s"))


def test_a_tls_word_in_a_refusal_after_connecting_is_a_refusal(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPORAL_TLS", "true")
    temporal.request_error = rpc(RPCStatusCode.INVALID_ARGUMENT, "certificate of the request")
    fails(
        ["complete", *TOKEN], 3, "error: the server refused the request: certificate of the request"
    )


@pytest.mark.parametrize("status", [RPCStatusCode.UNAUTHENTICATED, RPCStatusCode.PERMISSION_DENIED])
def test_refused_credentials_are_a_refusal(temporal: FakeTemporal, status: RPCStatusCode) -> None:
    temporal.connect_error = rpc(status, "bad API key")
    fails(["complete", *TOKEN], 3, "error: the server refused the request: bad API key")


@pytest.mark.parametrize("status", [RPCStatusCode.INVALID_ARGUMENT, RPCStatusCode.NOT_FOUND])
def test_any_other_answer_while_connecting_means_not_reached(
    temporal: FakeTemporal, status: RPCStatusCode
) -> None:
    # As the Go completer: only a refusal of the credentials counts as an answer.
    temporal.connect_error = rpc(status, "get system info failed")
    fails(["complete", *TOKEN], 4, unreachable("localhost:7233", "10s"))


def test_a_cancelled_call_is_exit_1(temporal: FakeTemporal) -> None:
    temporal.request_error = rpc(RPCStatusCode.CANCELLED, "call cancelled")
    fails(["complete", *TOKEN], 1, "error: call cancelled")


def test_a_server_that_does_not_answer_exits_4_within_the_timeout(
    temporal: FakeTemporal,
) -> None:
    temporal.connect_delay = 30
    started = time.monotonic()
    fails(["complete", *TOKEN, "--rpc-timeout", "200ms"], 4, unreachable("localhost:7233", "200ms"))
    assert time.monotonic() - started < 3


def cancelled(**details: bool) -> AsyncActivityCancelledError:
    return AsyncActivityCancelledError(ActivityCancellationDetails(**details))


@pytest.mark.parametrize(("target", "desc"), [(TOKEN, REAL_DESC), (IDS, IDS_DESC)])
def test_a_heartbeat_answered_with_a_cancel_request_exits_5(
    temporal: FakeTemporal, target: list[str], desc: str
) -> None:
    temporal.request_error = cancelled(cancel_requested=True, paused=True)
    fails(
        ["heartbeat", *target, "--details", "d"],
        5,
        f"error: cancellation was requested for {desc}: stop its work, then report it with "
        "the cancel command",
    )


@pytest.mark.parametrize(("target", "desc"), [(TOKEN, REAL_DESC), (IDS, IDS_DESC)])
def test_a_heartbeat_of_a_paused_or_reset_activity_exits_5(
    temporal: FakeTemporal, target: list[str], desc: str
) -> None:
    # Paused wins over reset; both are the server asking the Activity to stop.
    temporal.request_error = cancelled(paused=True, reset=True)
    fails(
        ["heartbeat", *target],
        5,
        f"error: {desc} is paused on the server: the heartbeat was recorded; stop its "
        "work until it is unpaused",
    )
    temporal.request_error = cancelled(reset=True)
    fails(
        ["heartbeat", *target],
        5,
        f"error: {desc} was reset on the server: the heartbeat was recorded; stop its "
        "work, its next attempt logs a new token in the Worker's log",
    )


def test_anything_else_is_one_line_and_exit_1(temporal: FakeTemporal) -> None:
    temporal.request_error = KeyError("surprise")
    fails(["complete", *TOKEN], 1, "error: 'surprise'")
