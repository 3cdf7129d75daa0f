"""The Activity's announcements, run in the SDK's ActivityEnvironment against a local
receiver: one POST per attempt, after the token line, in the shape of
docs/completer-http.md, with links that verify; a failed announcement fails the attempt
with a retryable AnnouncementFailed and says why in the Worker's log."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import socket
from typing import Any

import pytest
from async_completer import links
from async_worker.activities import AsyncActivity
from async_worker.announce import Announcer, LinkSettings, origin_of
from temporalio import activity
from temporalio.activity import _CompleteAsyncError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from tests.python_worker.receiver import receiver

KEY = b"k3y-0f-at-least-32-bytes-for-the-tests-0123456789"
NOW = 1_796_374_800.75  # 2026-12-04T09:00:00.75Z
TOKEN = b"\x0a\x01\xff\x7e"


def environment(attempt: int = 1) -> ActivityEnvironment:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info,
        task_token=TOKEN,
        namespace="default",
        workflow_id="order-17",
        workflow_run_id="01a2-run",
        activity_id="1",
        attempt=attempt,
    )
    return env


def announcer(url: str, timeout: float = 10) -> Announcer:
    settings = LinkSettings("http://127.0.0.1:8080/approvals", KEY, "alice", 72 * 3600)
    return Announcer(url, settings, timeout=timeout, clock=lambda: NOW)


def run(env: ActivityEnvironment, announcer: Announcer) -> BaseException:
    with pytest.raises((_CompleteAsyncError, ApplicationError)) as raised:
        asyncio.run(env.run(AsyncActivity(announcer).run, "Ship 3 crates?"))
    return raised.value


def verified(url: str) -> links.Link:
    base = "http://127.0.0.1:8080/approvals/a/"
    assert url.startswith(base), url
    return links.verify(url.removeprefix(base), links.LinkKeys(KEY))


def worker_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    names = ("async_worker.token", "async_worker.announce")
    return [f"{r.levelname} {r.getMessage()}" for r in caplog.records if r.name in names]


def test_an_attempt_announces_once_after_its_token_line(caplog: pytest.LogCaptureFixture) -> None:
    with receiver() as hook, caplog.at_level(logging.INFO):
        raised = run(environment(attempt=2), announcer(hook.url))
    assert isinstance(raised, _CompleteAsyncError)

    [post] = hook.received
    assert post.path == "/hooks/announce"
    assert post.headers["Content-Type"] == "application/json"
    message: dict[str, Any] = post.json()
    approve, reject = message["approve_url"], message["reject_url"]
    desc = 'Activity "1" of Workflow "order-17" (attempt 2)'
    assert list(message.items()) == [
        (
            "text",
            f"{desc} waits for a decision: Ship 3 crates?\nApprove: {approve}\nReject: {reject}",
        ),
        ("workflow_id", "order-17"),
        ("run_id", "01a2-run"),
        ("activity_id", "1"),
        ("attempt", 2),
        ("input", "Ship 3 crates?"),
        ("summary", None),  # this announcer reads no summary
        ("approve_url", approve),
        ("reject_url", reject),
        ("expires_at", "2026-12-07T09:00:00Z"),
    ]
    # Compact, as the doc shows it.
    assert post.body == json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()

    # Each link names this attempt, its action and text, who it is for and the expiry.
    expires = int(NOW) + 72 * 3600
    common = ("default", "order-17", "01a2-run", "1", 2)
    assert verified(approve) == links.Link(*common, "approve", "Approved", "alice", expires)
    assert verified(reject) == links.Link(*common, "reject", "Rejected", "alice", expires)

    # Neither the token (in any spelling) nor the key is in the announcement.
    for secret in (TOKEN.hex().encode(), TOKEN.hex().upper().encode(), KEY):
        assert secret not in post.body

    # The token line first, then the announcement's.
    assert worker_log(caplog) == [
        "INFO msg=Activity workflow_id=order-17 run_id=01a2-run activity_id=1 attempt=2 "
        f"taskToken={TOKEN.hex()}",
        "INFO msg=Announced workflow_id=order-17 run_id=01a2-run activity_id=1 attempt=2",
    ]


def test_the_announcement_carries_the_activitys_summary() -> None:
    asked: list[activity.Info] = []

    async def summary_of(info: activity.Info) -> str | None:
        asked.append(info)
        return "Ship 3 crates to ACME <today>"

    with receiver() as hook:
        reader = dataclasses.replace(announcer(hook.url), summary_reader=summary_of)
        raised = run(environment(), reader)
    assert isinstance(raised, _CompleteAsyncError)
    [post] = hook.received
    message: dict[str, Any] = post.json()
    assert (message["summary"], message["input"]) == (
        "Ship 3 crates to ACME <today>",
        "Ship 3 crates?",
    )
    # The summary is the headline, the input follows it.
    assert message["text"].startswith(
        'Activity "1" of Workflow "order-17" (attempt 1) waits for a decision: '
        "Ship 3 crates to ACME <today>\nInput: Ship 3 crates?\nApprove: "
    )
    assert [(i.workflow_id, i.activity_id, i.attempt) for i in asked] == [("order-17", "1", 1)]


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/hook"


@pytest.mark.parametrize("fault", ["500", "404", "redirect", "unreachable", "timeout"])
def test_a_failed_announcement_fails_the_attempt_retryably(
    fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    statuses = {"500": 500, "404": 404, "redirect": 302}.get(fault, 200)
    reasons = {
        "500": "it answered 500 Internal Server Error",
        "404": "it answered 404 Not Found",
        "redirect": "it answered 302 Found",
        "unreachable": "cannot connect (.+)",
        "timeout": "no answer within 0.5 s",
    }
    with (
        receiver((statuses,), delay=2 if fault == "timeout" else 0) as hook,
        caplog.at_level(logging.INFO),
    ):
        url = closed_port() if fault == "unreachable" else hook.url
        raised = run(environment(), announcer(url, timeout=0.5))

    assert isinstance(raised, ApplicationError), raised
    assert raised.type == "AnnouncementFailed"
    assert not raised.non_retryable
    pattern = f"could not announce the Activity to {re.escape(origin_of(url))}: {reasons[fault]}"
    assert re.fullmatch(pattern, raised.message), raised.message
    token_line, failure = worker_log(caplog)
    assert token_line.endswith(f"taskToken={TOKEN.hex()}")
    assert failure == (
        "WARNING msg=AnnouncementFailed workflow_id=order-17 run_id=01a2-run activity_id=1 "
        f"attempt=1 error={raised.message}"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T0/B0/secret", "https://hooks.slack.com/…"),
        ("http://user:pw@127.0.0.1:8081/", "http://127.0.0.1:8081/…"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
        ("http://[::1]:8081/", "http://[::1]:8081"),
        ("https://relay.example/?key=secret", "https://relay.example/…"),
    ],
)
def test_the_worker_names_where_it_announces_without_the_secret_part(url: str, shown: str) -> None:
    assert origin_of(url) == shown


def test_a_failed_announcement_names_the_receiver_by_its_origin_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A chat webhook's path is its secret: the failure, which goes into the Workflow's
    history and the Worker's log, names only scheme://host:port."""
    url = closed_port() + "/services/T0001/B0002/SECRETsecretSECRET"
    with caplog.at_level(logging.INFO):
        raised = run(environment(), announcer(url, timeout=0.5))
    assert isinstance(raised, ApplicationError), raised
    assert "SECRET" not in raised.message and "SECRET" not in caplog.text
    assert raised.message.startswith(f"could not announce the Activity to {origin_of(url)}: ")
    assert origin_of(url).endswith("/…")
