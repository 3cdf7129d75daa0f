"""Announcements: the Activity tells people that it waits, with links that decide it.

With an announce URL, every attempt of the Activity POSTs one JSON message there (a chat
incoming webhook, a mail relay): its IDs, its input, and two signed links, approve and
reject, which the completer's `serve` acts on (docs/completer-http.md, "The Worker's
announcements"). The links are made by the completer's own link module, so the Worker and
`python-completer link` cannot sign differently. No task token, no key, in a message.

A failed announcement fails the attempt with a retryable error: Temporal retries the
Activity, whose new attempt has a new token and announces new links (the old ones name the
old attempt, and `serve` refuses them).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from async_worker.telemetry import count_announcement

ANNOUNCEMENT_FAILED = "AnnouncementFailed"
APPROVED = "Approved"
REJECTED = "Rejected"
DEFAULT_LINK_FOR = "link"
DEFAULT_LINK_EXPIRES = "72h"
# A webhook that does not answer in this time is treated as down: the attempt fails and
# Temporal retries it, rather than an Activity slot waiting on a stuck receiver.
ANNOUNCE_TIMEOUT_SECONDS = 10.0

announce_logger = logging.getLogger("async_worker.announce")


class AnnounceSettingsError(Exception):
    """The announce settings cannot work; the message is the Worker's `error: ` line."""


@dataclass(frozen=True)
class LinkSettings:
    """What the links need: where `serve` is reached, the key, who they are for, how long
    they work."""

    base_url: str
    key: bytes
    for_name: str = DEFAULT_LINK_FOR
    expires_seconds: int = 72 * 3600


# Reads the summary the Workflow gave this Activity (None: it gave none, or it could not be
# read). The Worker hands in one over its client (history_summary); tests hand in a fake.
SummaryReader = Callable[[activity.Info], Awaitable[str | None]]


@dataclass
class Announcer:
    """POSTs one announcement per attempt to url. clock is seconds since the epoch."""

    url: str
    links: LinkSettings
    timeout: float = ANNOUNCE_TIMEOUT_SECONDS
    clock: Callable[[], float] = field(default=time.time)
    summary_reader: SummaryReader | None = None

    def announcement(
        self, info: activity.Info, input: str, summary: str | None = None
    ) -> dict[str, Any]:
        """The message for this attempt, in the order docs/completer-http.md shows it."""
        from async_completer import links

        expires = int(self.clock()) + self.links.expires_seconds
        # The SDK types them optional for Activities started outside a Workflow; this one
        # is always a Workflow's.
        workflow_id, run_id = info.workflow_id or "", info.workflow_run_id or ""

        def link(action: str, text: str) -> str:
            return links.make_url(
                self.links.base_url,
                links.Link(
                    namespace=info.namespace,
                    workflow_id=workflow_id,
                    run_id=run_id,
                    activity_id=info.activity_id,
                    attempt=info.attempt,
                    action=action,
                    text=text,
                    for_name=self.links.for_name,
                    expires=expires,
                ),
                self.links.key,
            )

        approve_url = link("approve", APPROVED)
        reject_url = link("reject", REJECTED)
        desc = f'Activity "{info.activity_id}" of Workflow "{workflow_id}" (attempt {info.attempt})'
        # The summary is the headline; the input follows it when it says more.
        asks = input if summary is None or summary == input else f"{summary}\nInput: {input}"
        return {
            "text": (
                f"{desc} waits for a decision: {asks}\nApprove: {approve_url}\nReject: {reject_url}"
            ),
            "workflow_id": workflow_id,
            "run_id": run_id,
            "activity_id": info.activity_id,
            "attempt": info.attempt,
            "input": input,
            "summary": summary,
            "approve_url": approve_url,
            "reject_url": reject_url,
            "expires_at": datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    async def announce(self, info: activity.Info, input: str) -> None:
        """Sends this attempt's announcement; raises the retryable AnnouncementFailed."""
        summary = None if self.summary_reader is None else await self.summary_reader(info)
        body = json.dumps(
            self.announcement(info, input, summary), ensure_ascii=False, separators=(",", ":")
        ).encode()
        reason = await self.post(body)
        fields = (
            f"workflow_id={info.workflow_id} run_id={info.workflow_run_id} "
            f"activity_id={info.activity_id} attempt={info.attempt}"
        )
        count_announcement(reason is None)
        if reason is None:
            announce_logger.info("msg=Announced %s", fields)
            return
        # The origin only: a chat webhook's path is its secret, and this message is written
        # into the Workflow's history and the Worker's log.
        message = f"could not announce the Activity to {origin_of(self.url)}: {reason}"
        announce_logger.warning("msg=AnnouncementFailed %s error=%s", fields, message)
        # BENIGN: the line above says it all; the SDK would add a traceback at WARNING level.
        raise ApplicationError(
            message,
            type=ANNOUNCEMENT_FAILED,
            non_retryable=False,
            category=ApplicationErrorCategory.BENIGN,
        )

    async def post(self, body: bytes) -> str | None:
        """POSTs body; None when the receiver answered 2xx, else why not, in words."""
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(
                    self.url,
                    data=body,
                    headers={"Content-Type": "application/json"},
                    # A redirect is an answer that is not 2xx: the message goes where it was
                    # configured to go, or nowhere.
                    allow_redirects=False,
                ) as answer,
            ):
                if 200 <= answer.status < 300:
                    return None
                return f"it answered {answer.status} {answer.reason or ''}".rstrip()
        except TimeoutError:
            return f"no answer within {self.timeout:g} s"
        except aiohttp.ClientConnectorError as err:
            # asyncio's "Connect call failed (...)" carries the errno: say it in words.
            cause = err.os_error
            words = os.strerror(cause.errno) if cause.errno and cause.errno > 0 else None
            return f"cannot connect ({words or cause.strerror or cause})"
        except (aiohttp.ClientError, OSError) as err:
            return f"{err.__class__.__name__}: {err}"


_URL = re.compile(r"https?://[^/?#\s]+(/[^?#\s]*)?(\?[^#\s]*)?")


def check_announce_url(url: str) -> str:
    """The URL as given, when it is an http:// or https:// URL with a host."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not _URL.fullmatch(url) or not host:
        raise AnnounceSettingsError(
            f'--announce-url "{url}" is not an http:// or https:// URL: '
            "give the address of the webhook that takes the announcements"
        )
    return url


def origin_of(url: str) -> str:
    """scheme://host:port of url, with `/…` when it has more: a chat webhook's path and
    query are its secret (Slack, Teams), not for a log that many can read."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    origin = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    more = parts.path not in ("", "/") or parts.query or parts.username
    return origin + "/…" if more else origin


def history_summary(client: Any, timeout: float = ANNOUNCE_TIMEOUT_SECONDS) -> SummaryReader:
    """A SummaryReader over the Worker's client: the summary of the Activity's scheduled
    event, read from its Workflow's history by the completer's own reader (the one `list`
    uses), within timeout. None when the history cannot be read: the announcement goes
    out without it rather than not at all."""

    async def read(info: activity.Info) -> str | None:
        import asyncio

        from async_completer.history.asked import read_asked
        from temporalio.api.common.v1 import WorkflowExecution

        execution = WorkflowExecution(
            workflow_id=info.workflow_id or "", run_id=info.workflow_run_id or ""
        )
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            async with asyncio.timeout(timeout):
                asked = await read_asked(client, execution, {info.activity_id}, deadline)
        except Exception as err:  # any failure leaves the summary out
            announce_logger.info("msg=SummaryUnread activity_id=%s error=%s", info.activity_id, err)
            return None
        found = asked.get(info.activity_id)
        return None if found is None else found.summary

    return read


def make_announcer(
    url: str, *, base_url: str | None, key_file: str | None, for_name: str, expires: str
) -> tuple[Announcer, str | None]:
    """The announcer of the Worker's settings, and the key file's warning line if any.
    Checked before the Worker starts: a setting that cannot work stops it with one
    `error: ` line, rather than failing every attempt."""
    from async_completer import links
    from async_completer.lines.errors import UsageFailure

    check_announce_url(url)
    if not base_url or not key_file:
        raise AnnounceSettingsError(
            "--announce-url needs --link-base-url URL (where serve is reached) and "
            "--link-key-file FILE (serve's link key), or LINK_BASE_URL and LINK_KEY_FILE"
        )
    try:
        base_url = links.check_base_url(base_url)
        for_name = links.check_for(for_name)
        expires_seconds = links.parse_expires(expires)
        keys, warning = links.read_keys(key_file)
    except UsageFailure as err:
        # The link verb's words, which name its flags (--base-url, --for, --expires): here
        # they are the Worker's --link-base-url, --link-for, --link-expires.
        message = err.message
        raise AnnounceSettingsError(
            "--link-" + message.removeprefix("--") if message.startswith("--") else message
        ) from err
    # The key file's first line signs; its second (the previous key) only verifies, in serve.
    return Announcer(url, LinkSettings(base_url, keys.key, for_name, expires_seconds)), warning
