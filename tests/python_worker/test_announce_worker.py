"""The Worker's announcements end to end: the real Worker process (on a task queue of its
own) against the session's dev server, a local receiver, and the Python completer's serve
acting on the announced links. One POST per attempt, with links that work; a receiver
answering 500 makes the Activity retry, with new links, and the next announcement
succeeds."""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from async_worker.announce import origin_of
from async_worker.shared import WORKFLOW_TYPE, ActivitySettings
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError

from tests.harness import (
    VENV_BIN,
    DevServer,
    EventLoopThread,
    clean_env,
    stop_process,
    unique_id,
    wait_until,
)
from tests.python_worker.receiver import Receiver, receiver

SERVING = re.compile(r"^Serving on (http://\S+)$", re.MULTILINE)


@dataclass
class Serve:
    url: str
    key_file: Path


@pytest.fixture(scope="module")
def serve(dev_server: DevServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    """The Python completer's serve with a link key, on a free port."""
    folder = tmp_path_factory.mktemp("serve")
    key_file = folder / "link.key"
    key_file.write_text("a0b1c2d3e4f5" * 6 + "\n")
    key_file.chmod(0o600)
    out = folder / "serve.out"
    with out.open("wb") as stdout, (folder / "serve.err").open("wb") as stderr:
        process = subprocess.Popen(
            [
                *(str(VENV_BIN / "python-completer"), "serve", "--listen", "127.0.0.1:0"),
                *("--link-key-file", str(key_file)),
            ],
            stdout=stdout,
            stderr=stderr,
            env=clean_env(dev_server.address),
        )
    try:
        match = wait_until(lambda: SERVING.search(out.read_text()), 60, f"serve ({out})")
        yield Serve(match.group(1), key_file)
    finally:
        stop_process(process)


@dataclass
class AnnouncingWorker:
    task_queue: str
    log: Path
    process: subprocess.Popen[bytes]

    def lines(self, workflow_id: str) -> list[str]:
        return [
            line
            for line in self.log.read_text().splitlines()
            if f" workflow_id={workflow_id} " in line
        ]


@pytest.fixture
def start_worker(dev_server: DevServer, serve: Serve, tmp_path: Path) -> Iterator[Any]:
    started: list[AnnouncingWorker] = []

    def start(hook: Receiver, *, by_environment: bool = False) -> AnnouncingWorker:
        task_queue = unique_id("tq")
        settings = {
            "ANNOUNCE_URL": hook.url,
            "LINK_BASE_URL": serve.url,
            "LINK_KEY_FILE": str(serve.key_file),
            "LINK_FOR": "alice",
        }
        env = clean_env(dev_server.address)
        args = [str(VENV_BIN / "python-worker"), "--task-queue", task_queue]
        if by_environment:
            env.update(settings)
        else:
            for name, value in settings.items():
                args += [f"--{name.lower().replace('_', '-')}", value]
        log = tmp_path / f"worker-{task_queue}.log"
        with log.open("wb") as stdout, log.with_suffix(".err").open("wb") as stderr:
            process = subprocess.Popen(args, stdout=stdout, stderr=stderr, env=env)
        worker = AnnouncingWorker(task_queue, log, process)
        started.append(worker)
        wait_until(lambda: "Worker started" in log.read_text(), 60, f"the Worker ({log})")
        # Where, without the path: a chat webhook's path is its secret.
        origin = hook.url.removesuffix("/hooks/announce")
        assert f"Announcing every attempt to {origin}/…\n" in log.read_text()
        return worker

    yield start
    for worker in started:
        stop_process(worker.process)


def press(url: str) -> tuple[int, str]:
    """POSTs a link, as its page's button does; the status and the page."""
    request = urllib.request.Request(url, data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def start_workflow(loop: EventLoopThread, client: Any, worker: AnnouncingWorker) -> Any:
    return loop.run(
        client.start_workflow(
            WORKFLOW_TYPE,
            args=["Ship 3 crates?", ActivitySettings()],
            id=unique_id("wf"),
            task_queue=worker.task_queue,
            result_type=str,
        )
    )


def test_each_attempt_is_announced_once_with_links_that_work(
    start_worker: Any, loop: EventLoopThread, client: Any
) -> None:
    with receiver() as hook:
        worker = start_worker(hook, by_environment=True)
        handle = start_workflow(loop, client, worker)
        [message] = wait_until(hook.announcements, 30, "the announcement")
        assert (message["workflow_id"], message["attempt"]) == (handle.id, 1)
        assert message["input"] == "Ship 3 crates?"
        # The summary the Workflow gave the Activity (derived from its input), read from
        # the history over the Worker's client.
        assert message["summary"] == "Ship 3 crates?"
        # The Worker logs "Announced" once the receiver has answered: wait for the line.
        [token_line, announced] = wait_until(
            lambda: found if len(found := worker.lines(handle.id)) == 2 else None,
            30,
            "the Worker's Announced line",
        )
        token = token_line.rsplit("taskToken=", 1)[1]
        assert announced.endswith(
            f"msg=Announced workflow_id={handle.id} "
            + (f"run_id={message['run_id']} activity_id=1 attempt=1")
        )
        assert token not in hook.received[0].body.decode()

        status, page = press(message["approve_url"])
        assert status == 200, page
        assert "<title>Approved</title>" in page
        assert loop.run(handle.result(), 30) == "Approved"
        # The link acted once; the Activity announced itself once.
        assert len(hook.received) == 1
        status, page = press(message["approve_url"])
        assert status == 409, page

    completed = [
        e
        for e in loop.run(handle.fetch_history()).events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
    ]
    identity = completed[0].activity_task_completed_event_attributes.identity
    assert identity.startswith("alice (link) via python-completer serve@"), identity


def test_a_failed_announcement_retries_the_activity_with_new_links(
    start_worker: Any, loop: EventLoopThread, client: Any
) -> None:
    with receiver((500, 200)) as hook:
        worker = start_worker(hook)
        handle = start_workflow(loop, client, worker)
        first, second = wait_until(
            lambda: hook.announcements() if len(hook.received) >= 2 else None,
            60,
            "the second announcement",
        )
        assert (first["attempt"], second["attempt"]) == (1, 2)
        assert first["approve_url"] != second["approve_url"]
        assert first["reject_url"] != second["reject_url"]

        lines = worker.lines(handle.id)
        failed = [line for line in lines if "msg=AnnouncementFailed" in line]
        assert len(failed) == 1, lines
        assert failed[0].endswith(
            f"attempt=1 error=could not announce the Activity to {origin_of(hook.url)}: "
            "it answered 500 Internal Server Error"
        )
        # One line with its cause, and no traceback from the SDK beside it.
        errors = worker.log.with_suffix(".err").read_text()
        assert "Traceback" not in errors and "AnnouncementFailed" not in errors, errors
        tokens = [line.rsplit("taskToken=", 1)[1] for line in lines if "taskToken=" in line]
        assert len(tokens) == 2 and tokens[0] != tokens[1], lines
        describe = loop.run(handle.describe())
        [pending] = describe.raw_description.pending_activities
        assert pending.attempt == 2
        assert pending.last_failure.message.startswith("could not announce the Activity to ")
        assert pending.last_failure.application_failure_info.type == "AnnouncementFailed"

        # The first attempt's links are void; the second's work.
        status, page = press(first["approve_url"])
        assert status == 409, page
        status, page = press(second["reject_url"])
        assert status == 200, page
        assert "<title>Rejected</title>" in page
        with pytest.raises(WorkflowFailureError) as failure:
            loop.run(handle.result(), 30)
        rejected = failure.value.cause.__cause__
        assert isinstance(rejected, ApplicationError), failure.value
        assert (rejected.message, rejected.non_retryable) == ("Rejected", True)
        assert len(hook.received) == 2
