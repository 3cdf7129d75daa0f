"""The Python completer against a real dev server and Worker (tests/conftest.py), for what a
fake client cannot show: requests that a closed standard output must not stop."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import Demo
from tests.harness import COMPLETERS, clean_env


def run_with_stdout_closed(demo: Demo, *args: str, stdin: str = "") -> tuple[int, str]:
    """The installed console script, its standard output a pipe whose reader has gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.run(
            [str(COMPLETERS["python"]), *args],
            input=stdin,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(demo.server.address),
            timeout=60,
        )
    finally:
        os.close(write_end)
    return process.returncode, process.stderr


def test_a_single_completion_with_stdout_closed_is_done(demo: Demo) -> None:
    handle, line = demo.pending()
    code, stderr = run_with_stdout_closed(
        demo, "complete", "--tasktoken", line.token, "--result", "done anyway"
    )
    assert (code, stderr) == (
        1,
        "error: could not write to standard output (broken pipe): the request was sent and "
        "succeeded\n",
    )
    assert demo.result(handle) == "done anyway"


def test_a_batch_with_stdout_closed_sends_every_job(demo: Demo) -> None:
    handles = [demo.pending()[0] for _ in range(3)]
    jobs = "".join(
        json.dumps({"workflow_id": handle.id, "activity_id": "1"}) + "\n" for handle in handles
    )
    code, stderr = run_with_stdout_closed(
        demo, "complete", "--batch", "-", "--result", "Approved", stdin="not a job\n" + jobs
    )
    assert (code, stderr) == (
        2,
        "error: could not write to standard output (broken pipe): all 3 jobs were sent, 3 "
        "succeeded; the lines of 4 jobs were not written\n",
    )
    assert [demo.result(handle) for handle in handles] == ["Approved"] * 3
