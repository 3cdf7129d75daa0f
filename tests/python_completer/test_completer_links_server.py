"""Signed links against a real dev server and Worker: `python-completer link` prints a link
for the current attempt, the Python serve (with the same --link-key-file) shows it on GET
without acting, acts once on POST (recorded as the link's NAME), and answers every later use
with who acted; a link for attempt 1 is void once the Activity was retried."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Demo
from tests.harness import DevServer
from tests.serve.harness import ServeProcess, serving
from tests.serve.history import assert_completed_once, assert_untouched, closing

HOST = socket.gethostname()
KEY = b"0123456789abcdef0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("links") / "link.key"
    path.write_bytes(KEY + b"\n")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def serve(
    dev_server: DevServer, key_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServeProcess]:
    log = tmp_path_factory.mktemp("links-serve") / "serve.log"
    with serving("python", dev_server.address, log, "--link-key-file", str(key_file)) as started:
        yield started


def html(text: str) -> bytes:
    """Text as the pages hold it: escaped as Go's html.EscapeString escapes."""
    for plain, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&#34;")):
        text = text.replace(plain, escaped)
    return text.replace("'", "&#39;").encode()


def make_link(demo: Demo, serve: ServeProcess, key_file: Path, handle: Any, *args: str) -> str:
    base = ["--base-url", serve.url + "/", "--link-key-file", str(key_file)]
    run = demo.run("python", "link", "--workflow-id", handle.id, "--activity-id", "1", *base, *args)
    assert (run.returncode, run.stderr) == (0, ""), run
    url = run.stdout.strip()
    assert url.startswith(serve.url + "/a/") and run.stdout == url + "\n"
    return url.removeprefix(serve.url)


def test_a_link_shows_on_get_acts_once_on_post_and_then_says_who_acted(
    demo: Demo, serve: ServeProcess, key_file: Path
) -> None:
    handle, line = demo.pending()
    path = make_link(demo, serve, key_file, handle, "--action", "approve", "--result",
                     "Approved <b>", "--for", "ops", "--expires", "1h")  # fmt: skip
    assert line.token not in path
    for _ in range(5):  # mail and chat scanners open every link
        for method in ("GET", "HEAD"):
            shown = serve.request(method, path)
            assert (shown.status, shown.content_type) == (200, "text/html; charset=utf-8")
    shown = serve.get(path)
    assert b"is pending: press the button to approve it." in shown.body
    assert b'<form method="post">' in shown.body
    assert_untouched(demo, handle)

    done = serve.request("POST", path)
    assert done.status == 200, done
    assert html(f'Completed Activity "1" of Workflow "{handle.id}" (attempt 1)') in done.body
    assert_completed_once(demo, handle, "Approved <b>")
    closed = closing(demo, handle)
    assert closed.identity == f"ops (link) via python-completer serve@{HOST}"

    again = serve.request("POST", path)
    said = (
        f'Activity "1" of Workflow "{handle.id}" (attempt 1) is not pending any more: it was '
        f"completed at {closed.time} by ops (link) via python-completer serve@{HOST}"
    )
    assert (again.status, html(said) in again.body) == (409, True)
    assert serve.get(path).status == 200
    assert_completed_once(demo, handle, "Approved <b>")


def test_a_link_for_a_retried_attempt_is_void(
    demo: Demo, serve: ServeProcess, key_file: Path
) -> None:
    handle, first = demo.pending(max_attempts=2)
    path = make_link(demo, serve, key_file, handle, "--action", "reject", "--reason", "No")
    retry = demo.run("python", "fail", "--tasktoken", first.token, "--reason", "again",
                     "--retryable")  # fmt: skip
    assert retry.returncode == 0, retry
    demo.worker.wait_for_token(handle.id, attempt=2)
    void = serve.request("POST", path)
    assert void.status == 409
    assert b"attempt 1 was retried: attempt 2 is pending now" in void.body
    fresh = make_link(demo, serve, key_file, handle, "--action", "approve", "--result", "2nd")
    assert serve.request("POST", fresh).status == 200
    assert demo.result(handle) == "2nd"


def test_a_link_to_an_activity_that_is_not_pending_is_refused(demo: Demo, key_file: Path) -> None:
    handle, line = demo.pending()
    assert demo.run("python", "complete", "--tasktoken", line.token).returncode == 0
    closed = closing(demo, handle)
    run = demo.run("python", "link", "--workflow-id", handle.id, "--activity-id", "1",
                   "--action", "approve", "--base-url", "http://127.0.0.1:1",
                   "--link-key-file", str(key_file))  # fmt: skip
    assert (run.returncode, run.stdout) == (3, "")
    assert run.stderr == (
        f'error: Activity "1" of Workflow "{handle.id}" is not pending any more: it was '
        f"completed at {closed.time} by {closed.identity}\n"
    )
