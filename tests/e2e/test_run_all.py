"""The end-to-end script behind `make run-all`, with each completer, and over HTTP with the
Python completer's serve. It starts its own dev server on a free port, so it runs beside
the session's server."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from tests.faults import helpers as h
from tests.harness import ROOT, wait_until

RUN_ALL = str(ROOT / "scripts" / "run-all.sh")
LOGS = re.compile(r"^Done\. Logs: (.+)$", re.MULTILINE)
SERVING = re.compile(r"^Serving on (http://127\.0\.0\.1:\d+), log: ", re.MULTILINE)


def test_run_all_pipes_the_token_to_the_completer(completer: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env.update(COMPLETER=completer, RESULT=f"sent by {completer}")
    run = subprocess.run(
        [RUN_ALL],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Workflow result: sent by {completer}\n" in run.stdout
    assert "Completed Activity " in run.stdout


class CommandLines:
    """Every command line seen in a process session while it runs: what `ps` could show."""

    def __init__(self, session: int) -> None:
        self.session = session
        self.seen: set[str] = set()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self) -> None:
        while not self.done.is_set():
            self.seen.update(p.command for p in h.session_members(self.session))
            self.done.wait(0.01)

    def stop(self) -> set[str]:
        self.done.set()
        self.thread.join(5)
        return self.seen


def path_without_curl(folder: Path) -> str:
    """A PATH with every program of ours but curl: the script must fall back to Python."""
    folder.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        with contextlib.suppress(OSError):
            for program in Path(directory).iterdir():
                link = folder / program.name
                if program.name != "curl" and not link.exists() and os.access(program, os.X_OK):
                    link.symlink_to(program)
    return str(folder)


@pytest.mark.parametrize("client", ["curl", "urllib"])
def test_run_all_http_posts_the_token_to_serve(client: str, tmp_path: Path) -> None:
    result = 'sent "over" HTTP, \\ and ✓'
    env = h.env_without_temporal(COMPLETER="http", TMPDIR=str(tmp_path), RESULT=result)
    if client == "urllib":
        env["PATH"] = path_without_curl(tmp_path / "bin")
    script = subprocess.Popen(
        [RUN_ALL],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    commands = CommandLines(script.pid)
    try:
        stdout, stderr = script.communicate(timeout=120)
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.wait()
        seen = commands.stop()
    assert script.returncode == 0, stdout + stderr

    # The answer of POST /v1/complete, as serve gives it, then the Workflow's result.
    [answer] = [json.loads(line) for line in stdout.splitlines() if line.startswith('{"outcome"')]
    assert answer["outcome"] == "ok" and answer["code"] == 0, answer
    assert answer["message"].startswith('Completed Activity "1" of Workflow "async-'), answer
    assert stdout.index('{"outcome"') < stdout.index(f"Workflow result: {result}\n")
    assert ("$ curl " in stdout) == (client == "curl"), stdout

    match = LOGS.search(stdout)
    assert match, stdout
    folder = Path(match.group(1))
    assert folder.parent == tmp_path
    # serve has its own logs; its request line says what it did, without the token.
    serve_log = (folder / "serve.err").read_text()
    assert re.search(r"^serve: POST /v1/complete 200 ok \d+$", serve_log, re.MULTILINE), serve_log
    assert (folder / "serve.out").read_text().startswith("Serving on http://127.0.0.1:")

    # The token was on no command line, and is in no file but the Worker's log.
    [token] = re.findall(r"taskToken=([0-9a-f]+)$", (folder / "worker.log").read_text(), re.M)
    assert seen, "no command line was seen"
    assert not [c for c in seen if token in c], "a command line held the token"
    assert token not in stdout + stderr
    holding = [p.name for p in sorted(folder.iterdir()) if p.is_file() and token in p.read_text()]
    assert holding == ["worker.log"]


def test_run_all_http_ctrl_c_stops_serve_and_everything_else(tmp_path: Path) -> None:
    output = tmp_path / "run-all.out"
    env = h.env_without_temporal(COMPLETER="http", TMPDIR=str(tmp_path))
    with output.open("wb") as out:
        script = subprocess.Popen(
            [RUN_ALL],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    session = script.pid
    snapshot: list[h.ProcessInfo] = []
    try:

        def serving() -> re.Match[str] | None:
            if script.poll() is not None:
                raise AssertionError(f"the script ended before serve ran: {output.read_text()}")
            return SERVING.search(output.read_text())

        match = wait_until(serving, 120, f"serve's line in {output}")
        url = match.group(1)
        server = re.search(r"Started a dev server at (127\.0\.0\.1:\d+)", output.read_text())
        assert server, output.read_text()
        snapshot = h.session_members(session)
        assert any(" serve --listen 127.0.0.1:0" in p.command for p in snapshot), snapshot

        os.killpg(session, signal.SIGINT)
        code = script.wait(60)

        def left_behind() -> list[h.ProcessInfo]:
            return [p for p in h.session_members(session) if p.pid != script.pid] + [
                p for p in h.still_running(snapshot) if p.sid != session
            ]

        wait_until(lambda: not left_behind(), 5, "the script's processes to end")
        assert code == 130, output.read_text()
        assert "Interrupted: stopping what this demo started" in output.read_text()
        assert not h.listening(url.removeprefix("http://")), f"{url} still accepts connections"
        assert not h.listening(server.group(1)), f"{server.group(1)} still accepts connections"
    finally:
        if script.poll() is None:
            script.kill()
            script.wait()
        for leak in [*h.session_members(session), *h.still_running(snapshot)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(leak.pid, signal.SIGKILL)
