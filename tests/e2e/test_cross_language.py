"""A token that the Python Worker logged, completed by each completer: asserted on the
Workflow's result, not on log text."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import Demo
from tests.serve.history import closing


def test_token_from_python_worker_completes_the_workflow(demo: Demo, completer: str) -> None:
    handle, line = demo.pending()
    run = demo.run(completer, "--tasktoken", line.token, "--result", f"done by {completer}")
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == f'Completed Activity "1" of Workflow "{handle.id}" (attempt 1)\n'
    assert demo.result(handle) == f"done by {completer}"


def test_token_of_an_already_completed_activity_is_refused(demo: Demo, completer: str) -> None:
    handle, line = demo.pending()
    first = demo.run(
        completer, "--tasktoken", line.token, "--result", "first", "--identity", "first-caller"
    )
    assert first.returncode == 0, first
    assert demo.result(handle) == "first"

    # Another result is refused, and the line says who completed it (docs/completer-cli.md,
    # "When the server answers 'not pending any more'").
    again = demo.run(completer, "--tasktoken", line.token, "--result", "second")
    closed = closing(demo, handle)
    assert closed.identity == f"first-caller via {completer}-completer cli@{socket.gethostname()}"
    assert (again.returncode, again.stdout, again.stderr) == (
        3,
        "",
        f'error: Activity "1" of Workflow "{handle.id}" (attempt 1) is not pending any more: '
        f"it was completed at {closed.time} by {closed.identity}\n",
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "error: the task token is empty: copy the taskToken= value from the Worker's log"),
        (
            "0a24zz",
            'error: the task token is not hex: "z" at position 5 is not 0-9 or a-f; '
            "copy the taskToken= value from the Worker's log",
        ),
        (
            "0a2",
            "error: the task token has an odd number of hex digits (3): it was cut short; "
            "copy the whole taskToken= value from the Worker's log",
        ),
    ],
    ids=["empty", "non-hex", "odd-length"],
)
def test_malformed_token_is_a_usage_error_before_any_request(
    completer: str, token: str, message: str
) -> None:
    from tests.harness import free_port, run_completer

    # Nothing listens on this address: a request would end in exit 4, not 2.
    run = run_completer(completer, ["--tasktoken", token], f"127.0.0.1:{free_port()}")
    assert (run.returncode, run.stdout, run.stderr) == (2, "", message + "\n")
