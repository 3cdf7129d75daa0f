"""The end-to-end script behind `make run-all`: with each completer, over HTTP with the
Python completer's serve, and with the links the Worker announces. It starts its own dev
server on a free port, so it runs beside the session's server."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from tests.faults import helpers as h
from tests.harness import ROOT, run_all_script, wait_until

RUN_ALL = str(ROOT / "scripts" / "run-all.sh")
LOGS = re.compile(r"^Done\. Logs: (.+)$", re.MULTILINE)
SERVING = re.compile(r"^Serving on (http://127\.0\.0\.1:\d+), log: ", re.MULTILINE)


def test_run_all_pipes_the_token_to_the_completer(completer: str) -> None:
    run = run_all_script(120, COMPLETER=completer, RESULT=f"sent by {completer}")
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


@pytest.mark.parametrize("client", ["curl", "urllib"])
def test_run_all_link_approves_with_the_announced_link(client: str, tmp_path: Path) -> None:
    env = h.env_without_temporal(COMPLETER="link", TMPDIR=str(tmp_path), INPUT="Ship 3 crates?")
    if client == "urllib":
        env["PATH"] = path_without_curl(tmp_path / "bin")
    # umask 0 would leave the key readable by anyone: the script must not depend on it.
    run = subprocess.run([RUN_ALL], env=env, capture_output=True, text=True, timeout=180, umask=0)
    out = run.stdout
    assert run.returncode == 0, out + run.stderr

    # GET shows the confirmation and leaves the Activity pending; POST approves it.
    steps = [
        "waits for a decision: Ship 3 crates?\nApprove: http://127.0.0.1:",
        "Page: Approve?\n",
        "is pending: press the button to approve it.\n",
        "1 pending Activity in 1 Workflow",
        "Page: Approved\n",
        '      Completed Activity "1" of Workflow "async-',
        "Workflow result: Approved\n",
    ]
    positions = [out.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), out

    assert ('$ curl -sS "$approve_url"\n' in out) == (client == "curl"), out

    match = LOGS.search(out)
    assert match, out
    folder = Path(match.group(1))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    key_file = folder / "link.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert "warning:" not in (folder / "serve.err").read_text()

    # One announcement (one attempt), with no token and no key in it.
    [token] = re.findall(r"taskToken=([0-9a-f]+)$", (folder / "worker.log").read_text(), re.M)
    [line] = (folder / "announcements.jsonl").read_text().splitlines()
    announcement = json.loads(line)
    assert announcement["attempt"] == 1
    assert announcement["approve_url"] in out
    assert token not in line and key not in line

    # serve answered the GET and the POST of the link.
    serve_log = (folder / "serve.err").read_text()
    assert re.search(r"^serve: GET /a/\S+ 200 ", serve_log, re.M), serve_log
    assert re.search(r"^serve: POST /a/\S+ 200 ", serve_log, re.M), serve_log

    # The token is in the Worker's log only, the key in its file only.
    assert token not in out + run.stderr and key not in out + run.stderr
    files = {p.name: p.read_text() for p in sorted(folder.iterdir()) if p.is_file()}
    assert [name for name, text in files.items() if token in text] == ["worker.log"]
    assert [name for name, text in files.items() if key in text] == ["link.key"]


# What each mode prints once every process it starts is running.
RUNNING = {
    "http": SERVING,
    "link": re.compile(r"^Receiving announcements on (http://127\.0\.0\.1:\d+),", re.M),
}


@pytest.mark.parametrize("mode", ["http", "link"])
def test_run_all_ctrl_c_stops_serve_and_everything_else(mode: str, tmp_path: Path) -> None:
    output = tmp_path / "run-all.out"
    env = h.env_without_temporal(COMPLETER=mode, TMPDIR=str(tmp_path))
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

        def running() -> re.Match[str] | None:
            if script.poll() is not None:
                raise AssertionError(f"the script ended early: {output.read_text()}")
            return RUNNING[mode].search(output.read_text())

        wait_until(running, 120, f"the {mode} demo's processes ({output})")
        text = output.read_text()
        addresses = re.findall(r"(?:Started a dev server at |on http://)(127\.0\.0\.1:\d+)", text)
        assert len(addresses) == {"http": 2, "link": 3}[mode], text
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
        for address in addresses:
            assert not h.listening(address), f"{address} still accepts connections"
    finally:
        if script.poll() is None:
            script.kill()
            script.wait()
        for leak in [*h.session_members(session), *h.still_running(snapshot)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(leak.pid, signal.SIGKILL)
