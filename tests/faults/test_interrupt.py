"""Ctrl-C during the end-to-end script (scripts/run-all.sh), at each of its steps: the
script says so, exits 130, and leaves no process and no listening port behind.

The script runs in a session of its own, as in a terminal; Ctrl-C is SIGINT to its
whole process group, as a terminal sends it."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from tests.faults import helpers as h
from tests.harness import ROOT, wait_until

STARTED = re.compile(r"Started a dev server at (127\.0\.0\.1:\d+)")


def server_port_of(members: list[h.ProcessInfo]) -> str | None:
    """The address of the dev server the script is starting, from its command line."""
    for member in members:
        if "server start-dev" in member.command:
            match = re.search(r"--port (\d+)", member.command)
            if match:
                return f"127.0.0.1:{match.group(1)}"
    return None


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5])
def test_ctrl_c_at_each_step_leaves_no_process_and_no_port(step: int, tmp_path: Path) -> None:
    output = tmp_path / "run-all.out"
    env = h.env_without_temporal(COMPLETER="python", TMPDIR=str(tmp_path))
    with output.open("wb") as out:
        script = subprocess.Popen(
            [str(ROOT / "scripts" / "run-all.sh")],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    session = script.pid
    snapshot: list[h.ProcessInfo] = []
    try:

        def at_step() -> bool:
            if script.poll() is not None:
                raise AssertionError(f"the script ended before step {step}: {output.read_text()}")
            return f"\n==> {step}." in output.read_text()

        wait_until(at_step, 120, f"step {step} of run-all.sh ({output})")
        if step == 1:
            # Interrupt while the dev server starts: its port is on its command line.
            address = wait_until(
                lambda: server_port_of(h.session_members(session)), 30, "the dev server process"
            )
        else:
            match = STARTED.search(output.read_text())
            assert match, output.read_text()
            address = match.group(1)
        snapshot = h.session_members(session)

        os.killpg(session, signal.SIGINT)
        code = script.wait(60)

        def left_behind() -> list[h.ProcessInfo]:
            return [p for p in h.session_members(session) if p.pid != script.pid] + [
                p for p in h.still_running(snapshot) if p.sid != session
            ]

        # The script has exited: what it started must be gone, or go within moments.
        try:
            wait_until(lambda: not left_behind(), 5, "the script's processes to end")
        except TimeoutError:
            leaks = "\n".join(f"{p.pid} {p.state} {p.command}" for p in left_behind())
            raise AssertionError(f"after Ctrl-C at step {step}, still running:\n{leaks}") from None
        assert not h.listening(address), f"{address} still accepts connections"
        text = output.read_text()
        assert code == 130, text
        assert "Interrupted: stopping what this demo started" in text, text
    finally:
        if script.poll() is None:
            script.kill()
            script.wait()
        for leak in [*h.session_members(session), *h.still_running(snapshot)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(leak.pid, signal.SIGKILL)
