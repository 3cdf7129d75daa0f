"""The Makefile's front door as a person uses it: `make complete` with the token from a
file or a pipe (never on a command line), `make help` naming every variable, and `make
run-all` beside the exercise's Worker."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import Demo
from tests.e2e.test_run_all import CommandLines
from tests.harness import ROOT

# Make's own variables would make it print "Entering directory" and pass on the test's flags.
MAKE_ENV = {
    k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "MAKE", "MFLAGS"))
}


def make(*args: str, address: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env={**MAKE_ENV, "TEMPORAL_ADDRESS": address},
        timeout=120,
    )


def test_make_complete_reads_the_token_from_a_pipe_and_keeps_it_out_of_ps(demo: Demo) -> None:
    handle, line = demo.pending()
    # This session, which make joins, is watched: every command line `ps` could show.
    seen = CommandLines(os.getsid(0))
    try:
        done = make(
            "complete", "TOKEN_FILE=-", "RESULT=from a pipe", address=demo.server.address,
            stdin=line.token + "\n",
        )  # fmt: skip
    finally:
        commands = seen.stop()
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(f'Completed Activity "1" of Workflow "{handle.id}" (attempt 1)\n')
    assert demo.result(handle) == "from a pipe"
    assert [c for c in commands if line.token in c] == []


def test_make_complete_names_the_completers_exit_code(demo: Demo, tmp_path: Path) -> None:
    handle, line = demo.pending()
    token_file = tmp_path / "token"
    token_file.write_text(line.token + "\n")
    first = make(
        "complete", f"TOKEN_FILE={token_file}", "RESULT=first", address=demo.server.address
    )
    assert first.returncode == 0, first.stderr
    # Another result is refused: the completer exits 3, make 2 (its own code for any failed
    # recipe), and make's last line names the completer's 3.
    other = make(
        "complete", f"TOKEN_FILE={token_file}", "RESULT=other", address=demo.server.address
    )
    assert other.returncode == 2, other.stderr
    lines = other.stderr.splitlines()
    assert lines[0].startswith(f'error: Activity "1" of Workflow "{handle.id}" (attempt 1) is not ')
    assert re.fullmatch(r"make: \*\*\* \[Makefile:\d+: complete\] Error 3", lines[-1]), lines


def test_make_complete_refuses_a_token_on_its_command_line() -> None:
    run = make("complete", "TOKEN=0a24", address="127.0.0.1:1")
    assert run.returncode == 2
    assert run.stderr.startswith("error: TOKEN= shows the token in ps: put it in a file")
    missing = make("complete", "TOKEN_FILE=/nonexistent/token", address="127.0.0.1:1")
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: cannot read TOKEN_FILE /nonexistent/token: ")


def test_make_help_lists_every_variable() -> None:
    makefile = (ROOT / "Makefile").read_text()
    knobs = set(re.findall(r"^([A-Z_]+) \?=.*## ", makefile, re.M))
    assert {
        "COMPLETER",
        "INPUT",
        "RESULT",
        "TOKEN_FILE",
        "BENCH_ARGS",
        "LISTEN",
        "DB_FILE",
    } <= knobs
    # Every variable a target reads is one of them (PYTHON and TOKEN are not knobs of a target).
    read = set(re.findall(r"\$\(([A-Z_]+)\)", makefile)) - {
        "PYTHON",
        "TOKEN",
        "MAKEFILE_LIST",
        "CURDIR",
    }
    read -= set(re.findall(r"^([A-Z_]+) :=", makefile, re.M))
    assert read <= knobs, read - knobs
    out = make("help", address="127.0.0.1:1").stdout
    assert [k for k in sorted(knobs) if not re.search(rf"^  {k}=", out, re.M)] == [], out


def test_run_all_beside_the_exercises_worker_uses_a_queue_of_its_own(demo: Demo) -> None:
    """The hint run-all prints, while `make worker` of the exercise polls `async` on the
    same server: that Worker must not take the demo's Activity (the session's Worker here)."""
    run = subprocess.run(
        [str(ROOT / "scripts" / "run-all.sh")],
        env={**MAKE_ENV, "TEMPORAL_ADDRESS": demo.server.address, "COMPLETER": "go"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Workflow result: Completed by the Go completer\n" in run.stdout
    assert re.search(r'task queue "run-all-\d{8}-\d{6}-\d+"', run.stdout), run.stdout
    workflow_id = re.search(r"workflow_id=(async-\S+)", run.stdout)
    assert workflow_id and demo.worker.token_lines(workflow_id[1]) == []
