"""Standard output closed early (`... | head -1`): a single command says its request was sent
and succeeded; a batch still sends every job and says how many lines were not written. And
batch input as editors save it: a byte-order mark first, CRLF line ends."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from async_completer.cli import run
from async_completer.lines.stdout import Stdout

from tests.python_completer.conftest import (
    REAL_DESC,
    REAL_TOKEN,
    FakeTemporal,
    invoke,
    make_token,
)

TOKEN = ["--tasktoken", REAL_TOKEN]
SENT_AND_SUCCEEDED = (
    "error: could not write to standard output (broken pipe): the request was sent and succeeded\n"
)


class ClosedPipe(io.RawIOBase):
    """The write end of a pipe whose reader has gone."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def close_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Called in the test itself: capsys puts its own standard output in place when the
    test starts, after the fixtures."""
    stream = io.TextIOWrapper(io.BufferedWriter(ClosedPipe()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)


@pytest.mark.parametrize(
    "args",
    [
        ["complete", *TOKEN],
        ["fail", *TOKEN, "--reason", "r"],
        ["heartbeat", *TOKEN],
        ["cancel", *TOKEN],
    ],
)
def test_a_single_request_says_it_succeeded(
    temporal: FakeTemporal,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    close_stdout(monkeypatch)
    assert run(args) == 1
    assert capsys.readouterr().err == SENT_AND_SUCCEEDED
    assert len(temporal.calls) == 1


def test_a_batch_sends_every_job_and_counts_the_lines_not_written(
    temporal: FakeTemporal,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    close_stdout(monkeypatch)
    jobs = [make_token(workflow_id=f"wf-{n}").hex() for n in range(5)]
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(["zz", *jobs]).encode()))
    )
    assert run(["complete", "--batch", "-", "--concurrency", "2"]) == 2
    assert capsys.readouterr().err == (
        "error: could not write to standard output (broken pipe): all 5 jobs were sent, 5 "
        "succeeded; the lines of 6 jobs were not written\n"
    )
    assert len(temporal.calls) == 5


def run_with_stdout_closed(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """The real program, its standard output a pipe whose reader closed before it started."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
        return subprocess.run(
            [sys.executable, "-m", "async_completer", *args],
            input=stdin,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        os.close(write_end)


def test_the_process_is_not_killed_and_says_so_once() -> None:
    process = run_with_stdout_closed("fail", "--batch", "-", stdin="zz\n\n# c\n{}\nyy\n")
    assert (process.returncode, process.stderr) == (
        2,
        "error: could not write to standard output (broken pipe): all 0 jobs were sent, 0 "
        "succeeded; the lines of 3 jobs were not written\n",
    )


def test_inspect_with_standard_output_closed() -> None:
    process = run_with_stdout_closed("inspect", "--tasktoken", "-", stdin=REAL_TOKEN)
    assert (process.returncode, process.stderr) == (
        1,
        "error: could not write to standard output (broken pipe)\n",
    )


def test_lines_written_whole_are_counted_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[int] = []

    def write(fd: int, data: memoryview) -> int:
        # The reader takes 7 bytes, then goes away.
        if writes:
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))
        writes.append(7)
        return 7

    read_end, write_end = os.pipe()
    try:
        with os.fdopen(write_end, "w", closefd=False) as stream:
            stdout = Stdout(stream)
            monkeypatch.setattr(os, "write", write)
            assert stdout.write([b"abc\n", b"de\n", b"fgh\n"]) == (2, "broken pipe")
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_pipe_whose_reader_left_is_a_broken_pipe() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        with os.fdopen(write_end, "w", closefd=False) as stream:
            assert Stdout(stream).write([b"x\n"]) == (0, "broken pipe")
    finally:
        os.close(write_end)


# Input as editors save it.


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(
    temporal: FakeTemporal, tmp_path: Path, source: str
) -> None:
    data = b"\xef\xbb\xbf" + REAL_TOKEN.encode() + b"\r\n# note\r\n" + REAL_TOKEN.encode() + b"\r\n"
    if source == "file":
        path = tmp_path / "jobs.txt"
        path.write_bytes(data)
        result = invoke(["complete", "--batch", str(path)])
    else:
        result = invoke(["complete", "--batch", "-"], input=data.decode())
    assert (result.exit_code, result.stderr) == (0, "")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(line["line"] for line in lines) == [1, 3]
    assert {line["message"] for line in lines} == {f"Completed {REAL_DESC}"}


def test_a_byte_order_mark_elsewhere_is_no_white_space(temporal: FakeTemporal) -> None:
    result = invoke(["complete", "--batch", "-"], input=f"{REAL_TOKEN}\n\ufeff{REAL_TOKEN}\n")
    assert result.exit_code == 2
    [first, second] = sorted(
        (json.loads(line) for line in result.stdout.splitlines()), key=lambda x: int(x["line"])
    )
    assert (first["outcome"], second["outcome"]) == ("ok", "malformed")
