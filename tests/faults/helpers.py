"""Helpers of the bad-input and fault suites: the words of docs/completer-cli.md, tokens
made by hand, a Worker on its own task queue, and a look at what a process group left
behind. Nothing here imports a completer: the tests check the completers against the
spec, not against their own code."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.harness import (
    COMPLETERS,
    VENV_BIN,
    CompleterRun,
    DevServer,
    EventLoopThread,
    WorkerProcess,
    clean_env,
    free_port,
    unique_id,
)

KINDS = ("python", "go")

# The server's default blob size limit, which the completers check before sending.
BLOB_LIMIT = 2 * 1024 * 1024

# Lines of docs/completer-cli.md, word for word, without the trailing newline.

COPY = "copy the taskToken= value from the Worker's log"
COPY_WHOLE = "copy the whole taskToken= value from the Worker's log"
EMPTY = f"error: the task token is empty: {COPY}"
BASE64 = f"error: the task token looks like base64, but hex is expected: {COPY}"
NOT_A_TOKEN = (
    f"error: the task token is not a Temporal task token (was it cut short?): {COPY_WHOLE}"
)
NO_TARGET = (
    "error: no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID "
    "(see --help)"
)
BOTH_TARGETS = "error: give either --tasktoken or --workflow-id with --activity-id, not both"
WORKFLOW_ID_ALONE = (
    "error: --workflow-id needs --activity-id too: it is on the token line in the Worker's log"
)
RUN_ID_ALONE = (
    "error: --run-id needs --activity-id too: it is on the token line in the Worker's log"
)
INSPECT_WITHOUT_TOKEN = (
    "error: inspect needs --tasktoken HEX: it decodes a token offline and contacts no server"
)
RESULT_TWICE = "error: give either --result or --result-file, not both"
FAIL_WITHOUT_REASON = "error: fail needs --reason TEXT: say why the Activity failed"


def not_hex(char: str, position: int) -> str:
    return (
        f'error: the task token is not hex: "{char}" at position {position} is not 0-9 or a-f; '
        f"{COPY}"
    )


def odd_length(digits: int) -> str:
    return (
        f"error: the task token has an odd number of hex digits ({digits}): it was cut short; "
        f"{COPY_WHOLE}"
    )


def unknown_command(verb: str) -> str:
    return (
        f'error: unknown command "{verb}": use complete, fail, heartbeat, cancel, inspect, '
        "list, serve or link (see --help)"
    )


def unknown_option(name: str) -> str:
    return f'error: unknown option "--{name}": see --help'


def needs_value(name: str) -> str:
    return f'error: option "--{name}" needs a value'


def unexpected_argument(text: str) -> str:
    return f'error: unexpected argument "{text}": options take the form --name VALUE (see --help)'


def bad_rpc_timeout(text: str) -> str:
    return f'error: --rpc-timeout "{text}" is not a duration: use for example 10s, 500ms or 1m'


def too_large(what: str, size: int) -> str:
    """Without `error: `: the batch message of this case is the same text."""
    return (
        f"the {what} is {size} bytes once encoded, more than the 2097152 bytes the server "
        f"accepts (its blob size limit): send a smaller {what}, or a reference to where the "
        "data is"
    )


def desc(workflow_id: str, attempt: int = 1, activity_id: str = "1") -> str:
    return f'Activity "{activity_id}" of Workflow "{workflow_id}" (attempt {attempt})'


def completed(workflow_id: str, attempt: int = 1) -> str:
    return f"Completed {desc(workflow_id, attempt)}"


def not_pending(workflow_id: str, reason: str, attempt: int = 1) -> str:
    """The refusal of an Activity that is not pending any more, saying what closed it
    (docs/completer-cli.md, "When the server answers 'not pending any more'"): REASON as
    tests/serve/contract.py words it (`was_completed`, `was_retried`) or as below."""
    return f"error: {desc(workflow_id, attempt)} is not pending any more: {reason}"


def failed_at(time: str, message: str, identity: str) -> str:
    return f"it failed at {time}: {message} (reported by {identity})"


def timed_out_at(time: str, kind: str) -> str:
    return f"it timed out at {time} (its {kind} timeout)"


def workflow_was(status: str, time: str) -> str:
    return f"its Workflow was {status} at {time}"


def unknown_namespace(namespace: str, address: str) -> str:
    return (
        f'error: namespace "{namespace}" was not found on the server at {address}: check '
        "--namespace or TEMPORAL_NAMESPACE"
    )


def other_namespace(namespace: str) -> str:
    return (
        f'error: the task token is for another namespace than "{namespace}": set --namespace '
        "or TEMPORAL_NAMESPACE to the namespace of its Workflow"
    )


def unreachable(address: str, timeout: str) -> str:
    return (
        f"error: could not reach the Temporal server at {address} within {timeout}: start one "
        "with make server, or point TEMPORAL_ADDRESS or --address at yours"
    )


def batch_summary(total: int, refused: int = 0, malformed: int = 0, unreachable: int = 0) -> str:
    failed = refused + malformed + unreachable
    return (
        f"error: {failed} of {total} jobs did not succeed ({refused} refused, {malformed} "
        f"malformed, {unreachable} unreachable, 0 other errors); see the JSON lines on "
        "standard output"
    )


# Checks every completer run passes, whatever the case.


def assert_clean_failure(run: CompleterRun, code: int) -> None:
    """A failure is exactly one `error: ` line on standard error, nothing on standard
    output, never a traceback or a panic."""
    assert run.returncode == code, run
    assert run.stdout == "", run
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and run.stderr.endswith("\n"), run
    assert lines[0].startswith("error: "), run
    for crash in ("Traceback", "panic:", "goroutine "):
        assert crash not in run.stderr, run


def token_fragments(token: str) -> list[str]:
    """Pieces of a token long enough that no message has a reason to contain them: a
    completer that prints any of these has echoed (part of) a credential."""
    size = 24
    if len(token) <= size:
        return [token] if len(token) >= 16 else []
    return [token[i : i + size] for i in range(0, len(token) - size + 1, 8)]


def assert_no_token(texts: Iterable[str], *tokens: str) -> None:
    """Tokens are credentials: no completer prints one back (only `inspect` decodes it)."""
    joined = "\n".join(texts)
    for token in tokens:
        for form in {token, token.lower(), token.upper()}:
            for fragment in token_fragments(form):
                assert fragment not in joined, f"the output echoes the token: {joined!r}"


HEX_RUN = re.compile(r"[0-9a-fA-F]{32,}")


def assert_no_hex_run(texts: Iterable[str]) -> None:
    """No message has a reason to hold 32 hex digits in a row: that is a token echoed."""
    for text in texts:
        assert not HEX_RUN.search(text), f"the output echoes a token: {text[:500]!r}"


def completer_command(kind: str, *args: str) -> list[str]:
    return [str(COMPLETERS[kind]), *args]


@dataclass
class TimedRun:
    run: CompleterRun
    seconds: float


def run_all(
    jobs: Sequence[tuple[str, Sequence[str]]],
    address: str,
    *,
    env: dict[str, str] | None = None,
    stdins: Sequence[str] | None = None,
    timeout: float = 120,
) -> list[TimedRun]:
    """Starts every (kind, args) job at once as its own process, each fed its standard
    input (none by default) while the others run; returns each one's run and how long it
    took, in the order given."""
    started = []
    try:
        for kind, args in jobs:
            process = subprocess.Popen(
                completer_command(kind, *args),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env or clean_env(address),
            )
            started.append((process, time.monotonic()))

        def finish(index: int) -> TimedRun:
            process, start = started[index]
            stdout, stderr = process.communicate(stdins[index] if stdins else "", timeout)
            seconds = time.monotonic() - start
            return TimedRun(CompleterRun(process.returncode, stdout, stderr), seconds)

        with ThreadPoolExecutor(max_workers=len(started)) as pool:
            return list(pool.map(finish, range(len(started))))
    finally:
        for process, _ in started:
            if process.poll() is None:
                process.kill()
                process.wait()


# Tokens made by hand: the wire layout of proto/tasktoken/v1/task_token.proto.


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _bytes_field(number: int, data: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(data)) + data


def _varint_field(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def make_token(
    *,
    namespace_id: str = "a5f4f6b4-5e5c-4a57-9a41-3d8b1c2f9e10",
    workflow_id: str | bytes = "wf-made-by-hand",
    run_id: str = "0199c0de-7a1e-7c3b-8f00-5a5a5a5a5a5a",
    activity_id: str = "1",
    attempt: int = 1,
) -> bytes:
    """A task token as the server writes one, with the given IDs (a field left empty is
    left out, as protobuf does)."""
    wf = workflow_id if isinstance(workflow_id, bytes) else workflow_id.encode()
    clock = _varint_field(1, 1) + _varint_field(2, 1048597) + _varint_field(3, 1)
    fields = [
        _bytes_field(1, namespace_id.encode()) if namespace_id else b"",
        _bytes_field(2, wf) if wf else b"",
        _bytes_field(3, run_id.encode()) if run_id else b"",
        _varint_field(4, 5),
        _varint_field(5, attempt),
        _bytes_field(6, activity_id.encode()) if activity_id else b"",
        _bytes_field(7, b"Workflow"),
        _bytes_field(8, b"Activity"),
        _bytes_field(9, clock),
        _varint_field(10, 6),
        _bytes_field(14, bytes([0xFB, 0xFF, 0xBF, 0xFE])),
    ]
    return b"".join(fields)


# Worker processes on a task queue of their own, so a test can stop its Worker without
# touching the session's.


@dataclass
class QueueWorker(WorkerProcess):
    task_queue: str = "async"

    def start(self) -> QueueWorker:
        with self.log.open("ab") as out, self.log.with_suffix(".err").open("ab") as err:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "python-worker"), "--task-queue", self.task_queue],
                stdout=out,
                stderr=err,
                env=clean_env(self.address),
            )
        return self


def start_workflows(
    loop: EventLoopThread,
    client: Any,
    task_queue: str,
    count: int,
    *,
    prefix: str = "fault",
    start_to_close: float = 300,
    max_attempts: int | None = None,
    parallel: int = 50,
) -> list[Any]:
    """Starts count Workflows at once (at most `parallel` requests in flight); returns
    their handles in order."""
    # The Workflow's ActivitySettings, as the data converter sends a dataclass.
    settings = {
        "start_to_close_seconds": start_to_close,
        "heartbeat_timeout_seconds": None,
        "maximum_attempts": max_attempts,
    }
    run = unique_id(prefix)

    async def start_all() -> list[Any]:
        gate = asyncio.Semaphore(parallel)

        async def start(index: int) -> Any:
            async with gate:
                return await client.start_workflow(
                    "Workflow",
                    args=["Plain text input", settings],
                    id=f"{run}-{index:04d}",
                    task_queue=task_queue,
                    result_type=str,
                )

        return list(await asyncio.gather(*(start(i) for i in range(count))))

    return loop.run(start_all(), timeout=120)


def results(loop: EventLoopThread, handles: Sequence[Any], timeout: float = 60) -> list[Any]:
    async def all_results() -> list[Any]:
        return list(await asyncio.gather(*(h.result() for h in handles)))

    return loop.run(all_results(), timeout)


# What a process group or session leaves behind.


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    state: str
    pgid: int
    sid: int
    start_time: int
    command: str


def processes() -> Iterator[ProcessInfo]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # The command name in parentheses may hold spaces: split after its closing one.
        fields = stat[stat.rindex(")") + 2 :].split()
        yield ProcessInfo(
            pid=int(entry.name),
            state=fields[0],
            pgid=int(fields[2]),
            sid=int(fields[3]),
            start_time=int(fields[19]),
            command=command.strip() or stat[stat.index("(") : stat.rindex(")") + 1],
        )


def session_members(session: int) -> list[ProcessInfo]:
    """Every process in the session or process group `session` (a process that moved to
    a group of its own in the same session is still found by its session)."""
    return [p for p in processes() if session in (p.sid, p.pgid)]


def still_running(snapshot: Iterable[ProcessInfo]) -> list[ProcessInfo]:
    """The processes of an earlier snapshot that still exist (same PID and start time)."""
    current = {(p.pid, p.start_time): p for p in processes()}
    return [current[(p.pid, p.start_time)] for p in snapshot if (p.pid, p.start_time) in current]


def listening(address: str) -> bool:
    host, port = address.rsplit(":", 1)
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((host, int(port))) == 0


@contextmanager
def black_hole() -> Iterator[str]:
    """An address that accepts TCP connections (the kernel does, up to the backlog) and
    never answers: a server that hangs, rather than one that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        port = s.getsockname()[1]
        yield f"127.0.0.1:{port}"


def env_without_temporal(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env.update(extra)
    return env


class RestartableServer:
    """A private dev server with a database file, restarted on the same port: what a
    person gets from `make server DB_FILE=...` run twice."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.server: DevServer | None = None

    def start(self) -> DevServer:
        db = self.folder / "db.sqlite"
        self.server = DevServer.start(
            self.folder / "server.log", "--db-filename", str(db), port=self.port
        )
        return self.server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
