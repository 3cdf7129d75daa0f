"""Signed one-time action links (issue 13), across the two completers: the same inputs and
expiry make byte-identical links in Python and Go, each serve acts on the other's links,
and a link that was tampered with, has expired, was used, or names an attempt that was
retried does nothing but say so. GET and HEAD never act, however often a mail scanner
opens the link."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import Demo
from tests.harness import DevServer, wait_until
from tests.serve import contract as c
from tests.serve.harness import KINDS, Answer, ServeProcess
from tests.serve.history import assert_completed_once, assert_failed, assert_untouched, closing

KEY = "k" * 16 + "0123456789abcdef0123456789abcdef"
OLD_KEY = "o" * 40


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("link-keys")
    files = {"current": KEY + "\n", "old": OLD_KEY + "\n", "rotated": f"{KEY}\n{OLD_KEY}\n"}
    paths = {}
    for name, text in files.items():
        path = folder / f"{name}.key"
        path.write_text(text)
        os.chmod(path, 0o600)
        paths[name] = path
    return paths


@pytest.fixture(scope="module")
def serves(
    dev_server: DevServer, keys: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServeProcess]]:
    """Each completer's serve, verifying links under the rotated key file."""
    logs = tmp_path_factory.mktemp("link-serves")
    started = {
        kind: ServeProcess.start(
            kind, dev_server.address, logs / f"{kind}.log", "--link-key-file", str(keys["rotated"])
        )
        for kind in KINDS
    }
    yield started
    for serve in started.values():
        serve.stop()


def make_link(
    demo: Demo,
    kind: str,
    workflow_id: str,
    base_url: str,
    key_file: Path,
    *extra: str,
    action: str = "approve",
) -> str:
    ran = demo.run(
        kind,
        "link",
        "--workflow-id",
        workflow_id,
        "--activity-id",
        "1",
        "--action",
        action,
        "--base-url",
        base_url,
        "--link-key-file",
        str(key_file),
        *extra,
    )
    assert ran.returncode == 0 and ran.stderr == "", ran
    [url] = ran.stdout.splitlines()
    return url


def path_of(url: str) -> str:
    return urlsplit(url).path


def fields(url: str) -> list[Any]:
    payload = path_of(url).rsplit("/", 1)[1].split(".")[0]
    decoded: list[Any] = json.loads(unb64(payload))
    return decoded


def expires_at(seconds: int) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_both_completers_make_the_same_link_in_the_documented_format(
    demo: Demo, keys: dict[str, Path]
) -> None:
    handle, line = demo.pending()
    at = expires_at(3600)
    extra = ("--result", 'Approved ✓ "q"', "--for", "alice", "--expires-at", at)
    links = {
        kind: make_link(
            demo, kind, handle.id, "https://approve.example/base/", keys["current"], *extra
        )
        for kind in KINDS
    }
    assert links["python"] == links["go"]
    url = links["go"]
    assert url.startswith("https://approve.example/base/a/")
    token_free = url.lower()
    assert line.token not in token_free
    payload, signature = path_of(url).rsplit("/", 1)[1].split(".")
    expected_expiry = int(
        datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    )
    assert json.loads(unb64(payload)) == [
        1,
        "default",
        handle.id,
        line.run_id,
        "1",
        1,
        "approve",
        'Approved ✓ "q"',
        "alice",
        expected_expiry,
    ]
    expected = hmac.new(KEY.encode(), payload.encode("ascii"), hashlib.sha256).digest()
    assert unb64(signature) == expected and "=" not in url
    demo.loop.run(handle.terminate("test over"))


@pytest.mark.parametrize(("maker", "server"), [("go", "python"), ("python", "go")])
def test_a_link_made_by_one_completer_is_confirmed_then_acted_on_by_the_others_serve(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path], maker: str, server: str
) -> None:
    handle, _ = demo.pending()
    serve = serves[server]
    url = make_link(
        demo, maker, handle.id, serve.url, keys["current"], "--result", "Yes", "--for", "bob"
    )
    shown = serve.request("GET", path_of(url))
    assert shown.status == 200 and shown.content_type == c.HTML
    assert b"Approve?" in shown.body and b'<form method="post">' in shown.body
    assert_untouched(demo, handle)
    done = serve.request("POST", path_of(url))
    assert done.status == 200 and b"Approved" in done.body, done
    assert (
        html.escape(c.completed(c.by_token(handle.id))).replace("&quot;", "&#34;").encode()
        in done.body
    )
    assert_completed_once(demo, handle, "Yes")
    assert closing(demo, handle).identity == c.identity("bob (link)", server)


def test_a_reject_link_fails_the_workflow(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path], completer: str
) -> None:
    handle, _ = demo.pending()
    url = make_link(
        demo,
        completer,
        handle.id,
        serves[completer].url,
        keys["current"],
        "--reason",
        "Over budget",
        action="reject",
    )
    done = serves[completer].request("POST", path_of(url))
    assert done.status == 200, done
    assert_failed(demo, handle, completer, "Over budget")


def test_get_and_head_never_act_however_often_a_scanner_opens_the_link(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path], completer: str
) -> None:
    handle, _ = demo.pending()
    url = make_link(demo, completer, handle.id, serves[completer].url, keys["current"])
    for _ in range(10):
        assert serves[completer].request("GET", path_of(url)).status == 200
        assert serves[completer].request("HEAD", path_of(url)).status == 200
    assert_untouched(demo, handle)
    demo.loop.run(handle.terminate("test over"))


def tampered(url: str, index: int, value: Any) -> str:
    base, link = url.rsplit("/", 1)
    payload, signature = link.split(".")
    data = json.loads(unb64(payload))
    data[index] = value
    forged = b64(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{base}/{forged}.{signature}"


def test_a_tampered_link_is_403_alike_and_does_nothing(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path]
) -> None:
    handle, _ = demo.pending()
    other, _ = demo.pending()
    url = make_link(demo, "go", handle.id, serves["go"].url, keys["current"], "--result", "ok")
    link = url.rsplit("/", 1)[1]
    _payload, signature = link.split(".")
    forgeries = {
        "namespace": tampered(url, 1, "other"),
        "workflow": tampered(url, 2, other.id),
        "run": tampered(url, 3, "00000000-0000-0000-0000-000000000000"),
        "activity": tampered(url, 4, "2"),
        "attempt": tampered(url, 5, 2),
        "action": tampered(url, 6, "reject"),
        "text": tampered(url, 7, "not ok"),
        "for": tampered(url, 8, "mallory"),
        "expiry": tampered(url, 9, 4102444800),
        "signature": url[: -len(signature)] + b64(b"\0" * 32),
        "no-signature": url.rsplit(".", 1)[0],
        "garbage": url.rsplit("/", 1)[0] + "/not-a-link",
    }
    answers: dict[str, dict[str, Answer]] = {}
    for name, forged in forgeries.items():
        for method in ("GET", "POST"):
            got = {kind: serves[kind].request(method, path_of(forged)) for kind in KINDS}
            assert got["python"] == got["go"], (name, method, got)
            assert got["go"].status == 403, (name, got)
            answers[f"{name}-{method}"] = got
    bodies = {a["go"].body for a in answers.values()}
    assert len(bodies) == 1, "every bad link gets the same page"
    assert b"This link is not valid." in bodies.pop()
    assert_untouched(demo, handle)
    assert_untouched(demo, other)
    for h in (handle, other):
        demo.loop.run(h.terminate("test over"))


def test_an_expired_link_is_410(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path], completer: str
) -> None:
    handle, _ = demo.pending()
    url = make_link(
        demo,
        completer,
        handle.id,
        serves[completer].url,
        keys["current"],
        "--expires-at",
        expires_at(2),
    )
    time.sleep(3)
    for method in ("GET", "POST"):
        answer = serves[completer].request(method, path_of(url))
        assert answer.status == 410 and b"This link expired at " in answer.body, answer
    assert_untouched(demo, handle)
    demo.loop.run(handle.terminate("test over"))


def test_the_previous_key_verifies_and_signs_nothing(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path], completer: str
) -> None:
    handle, _ = demo.pending()
    url, at = serves[completer].url, ("--expires-at", expires_at(3600))
    old = make_link(demo, completer, handle.id, url, keys["old"], *at)
    rotated = make_link(demo, completer, handle.id, url, keys["rotated"], *at)
    current = make_link(demo, completer, handle.id, url, keys["current"], *at)
    # The rotated file signs with its first key: the same link as the current key's.
    assert rotated == current and old != current
    done = serves[completer].request("POST", path_of(old))
    assert done.status == 200, done
    assert_completed_once(demo, handle, "")


def test_a_link_used_twice_says_who_acted(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path], completer: str
) -> None:
    handle, _ = demo.pending()
    url = make_link(
        demo,
        completer,
        handle.id,
        serves[completer].url,
        keys["current"],
        "--result",
        "once",
        "--for",
        "dana",
    )
    assert serves[completer].request("POST", path_of(url)).status == 200
    closed = closing(demo, handle)
    for kind in KINDS:
        again = serves[kind].request("POST", path_of(url))
        assert again.status == 409, again
        assert f"it was completed at {closed.time} by {closed.identity}".encode() in again.body
        shown = serves[kind].request("GET", path_of(url))
        assert shown.status == 200 and b"<form" not in shown.body
    assert_completed_once(demo, handle, "once")


def test_a_link_for_a_retried_attempt_is_void(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path], completer: str
) -> None:
    handle, line = demo.pending(max_attempts=3)
    url = make_link(demo, completer, handle.id, serves[completer].url, keys["current"])
    assert fields(url)[5] == 1
    retry = demo.run(
        "go", "fail", "--tasktoken", "-", "--reason", "again", "--retryable", stdin=line.token
    )
    assert retry.returncode == 0, retry
    demo.worker.wait_for_token(handle.id, attempt=2)
    answer = serves[completer].request("POST", path_of(url))
    assert answer.status == 409, answer
    assert b"attempt 1 was retried: attempt 2 is pending now" in answer.body
    wait_until(lambda: demo.describe(handle).raw_description.pending_activities, 10, "attempt 2")
    assert demo.describe(handle).raw_description.pending_activities[0].attempt == 2
    demo.loop.run(handle.terminate("test over"))


def test_link_refuses_bad_options_alike(demo: Demo, keys: dict[str, Path]) -> None:
    short = keys["current"].parent / "short.key"
    short.write_text("too short\n")
    os.chmod(short, 0o600)
    base = ["link", "--workflow-id", "w", "--activity-id", "1", "--base-url", "http://x"]
    cases = {
        "no-action": [*base, "--link-key-file", str(keys["current"])],
        "bad-action": [*base, "--action", "maybe", "--link-key-file", str(keys["current"])],
        "reject-no-reason": [*base, "--action", "reject", "--link-key-file", str(keys["current"])],
        "short-key": [*base, "--action", "approve", "--link-key-file", str(short)],
        "bad-expiry": [
            *base,
            "--action",
            "approve",
            "--expires",
            "soon",
            "--link-key-file",
            str(keys["current"]),
        ],
        "bad-url": [
            "link",
            "--workflow-id",
            "w",
            "--activity-id",
            "1",
            "--action",
            "approve",
            "--base-url",
            "ftp://x?y",
            "--link-key-file",
            str(keys["current"]),
        ],
    }
    for name, args in cases.items():
        runs = {kind: demo.run(kind, *args) for kind in KINDS}
        for ran in runs.values():
            assert ran.returncode == 2 and ran.stdout == "", (name, ran)
            assert ran.stderr.startswith("error: ") and ran.stderr.count("\n") == 1, (name, ran)
        assert runs["python"].stderr == runs["go"].stderr, name


def escaped(text: str) -> bytes:
    """As the link pages escape a value (Go's html.EscapeString)."""
    return html.escape(text).replace("&quot;", "&#34;").replace("&#x27;", "&#39;").encode()


def test_the_link_pages_show_what_the_activity_asks_as_text(
    demo: Demo, serves: dict[str, ServeProcess], keys: dict[str, Path]
) -> None:
    from async_worker.shared import TASK_QUEUE, WORKFLOW_TYPE, ActivitySettings

    asked = "<script>alert('x')</script> & \"pay\"\nline 2 " + "long text " * 2000
    summary = "Pay <b>invoice 3</b> & more"
    handle = demo.loop.run(
        demo.client.start_workflow(
            WORKFLOW_TYPE,
            args=[asked, ActivitySettings(summary=summary)],
            id=f"asks-{time.time_ns()}",
            task_queue=TASK_QUEUE,
            result_type=str,
        )
    )
    demo.worker.wait_for_token(handle.id)
    url = make_link(
        demo, "go", handle.id, serves["go"].url, keys["current"], "--result", "Approved"
    )
    shown = {kind: serve.request("GET", path_of(url)) for kind, serve in serves.items()}
    # The same page, byte for byte, from both serves: the summary and the whole input
    # above the button, as text.
    assert shown["python"] == shown["go"]
    page = shown["go"].body
    assert b'<dd id="summary">' + escaped(summary) + b"</dd>" in page
    assert b'<dd id="input" class="asked">' + escaped(asked) + b"</dd>" in page
    assert page.index(b'id="input"') < page.index(b'<form method="post">')
    assert b"<script>alert" not in page
    assert_untouched(demo, handle)
    # The outcome page shows them too.
    done = serves["python"].request("POST", path_of(url))
    assert done.status == 200 and escaped(asked) in done.body and escaped(summary) in done.body
    assert_completed_once(demo, handle, "Approved")
