"""Every usage-error line of docs/completer-cli.md, word for word, with exit code 2, and the
ways of writing options that the page allows. No server: all of these fail (or succeed)
before a request is sent."""

from __future__ import annotations

import pytest

from tests.python_completer.conftest import REAL_TOKEN, invoke

NO_ACTIVITY = (
    "error: no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID "
    "(see --help)"
)
BOTH = "error: give either --tasktoken or --workflow-id with --activity-id, not both"
NEEDS_ACTIVITY_ID = (
    "error: --workflow-id needs --activity-id too: it is on the token line in the Worker's log"
)
RUN_ID_NEEDS_ACTIVITY_ID = (
    "error: --run-id needs --activity-id too: it is on the token line in the Worker's log"
)
NEEDS_REASON = "error: fail needs --reason TEXT: say why the Activity failed"
INSPECT_NEEDS_TOKEN = (
    "error: inspect needs --tasktoken HEX: it decodes a token offline and contacts no server"
)
EMPTY_TOKEN = "error: the task token is empty: copy the taskToken= value from the Worker's log"
BATCH_AND_TARGET = (
    "error: give either --batch or an Activity (--tasktoken or --workflow-id with "
    "--activity-id), not both"
)
RESULT_AND_FILE = "error: give either --result or --result-file, not both"
NOT_HEX_Z = (
    'error: the task token is not hex: "z" at position 1 is not 0-9 or a-f; copy the '
    "taskToken= value from the Worker's log"
)


def unknown_command(name: str) -> str:
    return (
        f'error: unknown command "{name}": use complete, fail, heartbeat, cancel, inspect, list, '
        "serve or link (see --help)"
    )


def unknown_option(name: str) -> str:
    return f'error: unknown option "--{name}": see --help'


def needs_value(name: str) -> str:
    return f'error: option "--{name}" needs a value'


def unexpected(arg: str) -> str:
    return f'error: unexpected argument "{arg}": options take the form --name VALUE (see --help)'


def bad_timeout(text: str) -> str:
    return f'error: --rpc-timeout "{text}" is not a duration: use for example 10s, 500ms or 1m'


def bad_concurrency(text: str) -> str:
    return f'error: --concurrency "{text}" must be a whole number from 1 to 1000'


TOKEN = ["--tasktoken", REAL_TOKEN]

USAGE_ERRORS = [
    ([], NO_ACTIVITY),
    (["complete"], NO_ACTIVITY),
    (["fail"], NO_ACTIVITY),
    (["fail", "--reason", "why"], NO_ACTIVITY),
    (["heartbeat"], NO_ACTIVITY),
    (["cancel", "--details", "x"], NO_ACTIVITY),
    (["--result", "x"], NO_ACTIVITY),
    (["--"], NO_ACTIVITY),
    (["bogus"], unknown_command("bogus")),
    (["Complete", *TOKEN], unknown_command("Complete")),
    (["--bogus"], unknown_option("bogus")),
    (["-bogus", "x"], unknown_option("bogus")),
    (["complete", "--bogus=1", *TOKEN], unknown_option("bogus")),
    # Go's "bad flag syntax", named by the text before `=` without its dashes.
    (["complete", "---x=1"], unknown_option("x")),
    (["complete", *TOKEN, "--=x"], unknown_option("")),
    (["fail", *TOKEN, "--result", "x"], unknown_option("result")),
    (["complete", *TOKEN, "--reason", "x"], unknown_option("reason")),
    (["heartbeat", *TOKEN, "--retryable"], unknown_option("retryable")),
    (["inspect", *TOKEN, "--address", "localhost:7233"], unknown_option("address")),
    (["inspect", "--workflow-id", "w"], unknown_option("workflow-id")),
    # Options are case-sensitive, as in Go's flag package.
    (["complete", "--TaskToken", REAL_TOKEN], unknown_option("TaskToken")),
    (["complete", "--tasktoken"], needs_value("tasktoken")),
    (["-task-token"], needs_value("task-token")),
    (["fail", *TOKEN, "--reason"], needs_value("reason")),
    (["complete", *TOKEN, "-rpc-timeout"], needs_value("rpc-timeout")),
    (["complete", *TOKEN, "done"], unexpected("done")),
    (["inspect", *TOKEN, "extra"], unexpected("extra")),
    (["-"], unexpected("-")),
    (["complete", "--", "--tasktoken"], unexpected("--tasktoken")),
    # Options stop at the first positional argument (Go's flag package): what follows is
    # not looked at, not even an unknown option.
    (["complete", "now", "--bogus"], unexpected("now")),
    (["complete", *TOKEN, "--rpc-timeout", "soon"], bad_timeout("soon")),
    (["complete", *TOKEN, "--rpc-timeout", " 10s"], bad_timeout(" 10s")),
    (["heartbeat", *TOKEN, "--rpc-timeout=0"], bad_timeout("0")),
    (["cancel", *TOKEN, "--rpc-timeout", "-1s"], bad_timeout("-1s")),
    (["complete", *TOKEN, "--workflow-id", "w", "--activity-id", "1"], BOTH),
    (["complete", *TOKEN, "--run-id", "r"], BOTH),
    (["complete", "--workflow-id", "w"], NEEDS_ACTIVITY_ID),
    (["complete", "--workflow-id", "w", "--run-id", "r"], NEEDS_ACTIVITY_ID),
    (["heartbeat", "--run-id", "r"], RUN_ID_NEEDS_ACTIVITY_ID),
    (["complete", "--workflow-id", "", "--run-id", "r"], RUN_ID_NEEDS_ACTIVITY_ID),
    (["fail", *TOKEN], NEEDS_REASON),
    (["fail", *TOKEN, "--reason", ""], NEEDS_REASON),
    (["fail", "--workflow-id", "w", "--activity-id", "1", "--retryable"], NEEDS_REASON),
    (["inspect"], INSPECT_NEEDS_TOKEN),
    (["complete", "--tasktoken", ""], EMPTY_TOKEN),
    (["inspect", "--tasktoken", " \t\n"], EMPTY_TOKEN),
    (["inspect", "--tasktoken", "0x"], EMPTY_TOKEN),
    # Batches and --result-file.
    (["complete", "--batch", "jobs.txt", *TOKEN], BATCH_AND_TARGET),
    (["complete", "--batch", "jobs.txt", "--tasktoken", ""], BATCH_AND_TARGET),
    (["fail", "--run-id", "r", "--batch", "-"], BATCH_AND_TARGET),
    (["fail", "--batch", "-", "--workflow-id", "w", "--activity-id", "1"], BATCH_AND_TARGET),
    (["heartbeat", "--batch", "jobs.txt"], unknown_option("batch")),
    (["cancel", *TOKEN, "--concurrency", "2"], unknown_option("concurrency")),
    (["inspect", "--batch", "jobs.txt"], unknown_option("batch")),
    (["fail", *TOKEN, "--reason", "r", "--result-file", "f"], unknown_option("result-file")),
    (["complete", "--batch"], needs_value("batch")),
    (["complete", *TOKEN, "-concurrency"], needs_value("concurrency")),
    *[
        (["complete", *TOKEN, "--concurrency", value], bad_concurrency(value))
        for value in [
            "0",
            "1001",
            "x",
            "+5",
            " 5",
            "",
            "1e3",
            "-1",
            "\u0663",
            "99999999999999999999",
        ]
    ],
    (["complete", *TOKEN, "--result", "a", "--result-file", "f"], RESULT_AND_FILE),
    (["complete", "--batch", "-", "--result-file", "f", "--result", ""], RESULT_AND_FILE),
    # The check order of the page: the first fault found is the one reported.
    (["complete", "--rpc-timeout", "x", "--concurrency", "0", "--bogus"], unknown_option("bogus")),
    (["complete", "--concurrency", "0", "--rpc-timeout", "x", "extra"], unexpected("extra")),
    (["complete", "--concurrency", "0", "--rpc-timeout", "x", *TOKEN], bad_timeout("x")),
    (["fail", "--concurrency", "0", *TOKEN, "--workflow-id", "w"], bad_concurrency("0")),
    (["fail", "--concurrency", "0", "--batch", "-", *TOKEN], bad_concurrency("0")),
    (["fail", *TOKEN, "--workflow-id", "w", "--reason", ""], BOTH),
    (["complete", *TOKEN, "--run-id", "r", "--result", "", "--result-file", "f"], BOTH),
    (["complete", "--tasktoken", "zz", "--result", "", "--result-file", "f"], RESULT_AND_FILE),
    (["complete", "--tasktoken", "zz", "--result-file", "/nonexistent/f"], NOT_HEX_Z),
]


@pytest.mark.parametrize(("args", "line"), USAGE_ERRORS, ids=lambda v: repr(v)[:60])
def test_usage_errors_print_the_contract_line_and_exit_2(args: list[str], line: str) -> None:
    result = invoke(args)
    assert (result.exit_code, result.stderr, result.stdout) == (2, line + "\n", "")


def test_an_empty_standard_input_is_an_empty_token() -> None:
    result = invoke(["complete", "--tasktoken", "-"], input="")
    assert (result.exit_code, result.stderr) == (2, EMPTY_TOKEN + "\n")
    result = invoke(["inspect", "--tasktoken", "-"], input="\n" + REAL_TOKEN + "\n")
    assert (result.exit_code, result.stderr) == (2, EMPTY_TOKEN + "\n")


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["-help"],
        ["--h"],
        ["complete", "--help"],
        ["fail", "-h"],
        ["inspect", "-help"],
        # Go's flag package stops at -h, wherever it comes, before later mistakes.
        ["complete", "--help", "--bogus"],
        ["--tasktoken", "not hex", "--help"],
    ],
)
def test_help_goes_to_standard_output_and_exits_0(args: list[str]) -> None:
    result = invoke(args)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: python-completer")
    assert "--tasktoken" in result.stdout


@pytest.mark.parametrize(
    "form",
    [
        ["--tasktoken", REAL_TOKEN],
        ["--tasktoken=" + REAL_TOKEN],
        ["-tasktoken", REAL_TOKEN],
        ["-tasktoken=" + REAL_TOKEN],
        ["--task-token", REAL_TOKEN],
        ["-task-token=" + REAL_TOKEN],
        ["--tasktoken", "not hex", "--tasktoken", REAL_TOKEN],  # the last one counts
    ],
)
def test_every_option_form_of_the_page_is_accepted(form: list[str]) -> None:
    result = invoke(["inspect", *form])
    assert (result.exit_code, result.stderr) == (0, "")
    assert '"workflow_id": "t1"' in result.stdout


def test_values_are_taken_as_they_are_even_when_they_start_with_a_dash() -> None:
    # `--tasktoken -x`: the value is "-x" (Go's flag package does the same), so the token
    # check, not the option parser, answers.
    result = invoke(["inspect", "--tasktoken", "-x"])
    assert result.stderr.startswith('error: the task token is not hex: "-" at position 1')
    result = invoke(["inspect", "--tasktoken", "--"])
    assert result.stderr.startswith('error: the task token is not hex: "-" at position 1')


def test_retryable_takes_go_boolean_values() -> None:
    result = invoke(["fail", *TOKEN, "--retryable=maybe"])
    assert (result.exit_code, result.stderr) == (
        2,
        'error: option "--retryable" does not take a value\n',
    )


def test_no_input_gives_a_traceback() -> None:
    """Odd inputs end with one `error: ` line and a contract exit code, never a crash."""
    odd_inputs = [
        ["\udcff"],  # a byte that is not UTF-8, as Python passes it on
        ["complete", "--tasktoken", "\udcff\udcfe"],
        ["inspect", "--tasktoken", "\x00"],
        ["--tasktoken", "ab" * 5000],
        ["inspect", "--tasktoken", "0x" + "00" * 64],
        ["complete", "--workflow-id", "w", "--activity-id", "1", "--rpc-timeout", "9" * 40],
    ]
    for args in odd_inputs:
        result = invoke(args)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert result.exit_code == 2, args
        assert result.stderr.startswith("error: "), args
        assert result.stderr.count("\n") == 1, args
