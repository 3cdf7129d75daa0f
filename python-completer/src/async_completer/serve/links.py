"""GET, HEAD and POST /a/LINK: a signed action link, for a person (docs/completer-http.md,
"Signed links"). The signature is the credential; the answers are HTML pages, each the one
template page/link.html filled as the contract's table says.

GET and HEAD never act: they show what the link will do, and whether the Activity is still
pending at the link's attempt, with one button. POST (that button) describes the run, and
when the Activity is pending at the link's attempt completes or fails it by IDs with the run
ID, recorded as `FOR (link) via python-completer serve@HOST`. Once that attempt is closed or
retried the link is void: single use, with no table of used links. A used link is never
"already done": the history says who acted, and when.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web
from temporalio.client import Client

from async_completer import lines
from async_completer.connection import Server
from async_completer.identity import SERVE, link_actor, recorded
from async_completer.lines.errors import CompleterError, ServerRefused, ServerUnreachable
from async_completer.links import APPROVE, BadLink, Link, LinkKeys, expired, verify
from async_completer.model import Job, Target
from async_completer.page import link_template
from async_completer.pending.attempt import pending_attempt
from async_completer.send.errors import failure_for, not_pending_any_more
from async_completer.send.refusal import explain
from async_completer.send.verbs import VERBS
from async_completer.target import target_of_attempt

HTML_TYPE = "text/html; charset=utf-8"
# The headers of every HTML page: no other site may frame it and trick a click on its
# buttons.
FRAME_HEADERS = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_FIELDS = (
    "WORKFLOW_ID",
    "RUN_ID",
    "ACTIVITY_ID",
    "ATTEMPT",
    "ACTION",
    "TEXT_LABEL",
    "TEXT",
    "FOR",
    "EXPIRES",
)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def escape(text: str) -> str:
    """Go's html.EscapeString: & < > " ' as &amp; &lt; &gt; &#34; &#39;."""
    return text.translate(_ESCAPES)


def fields_of(link: Link | None) -> dict[str, str]:
    """The page's fields that describe the link; `-` for each of them without one."""
    if link is None:
        return dict.fromkeys(_FIELDS, "-")
    approve = link.action == APPROVE
    return {
        "WORKFLOW_ID": link.workflow_id,
        "RUN_ID": link.run_id,
        "ACTIVITY_ID": link.activity_id,
        "ATTEMPT": str(link.attempt),
        "ACTION": "Approve" if approve else "Reject",
        "TEXT_LABEL": "Result" if approve else "Reason",
        "TEXT": link.text,
        "FOR": link.for_name,
        "EXPIRES": link.expires_at,
    }


def fill(template: str, title: str, message: str, link: Link | None, form: str = "") -> bytes:
    """The page: every {{NAME}} replaced in one pass by its escaped value; FORM is the
    page's own markup, not escaped."""
    values = {
        "TITLE": escape(title),
        "MESSAGE": escape(message),
        **{name: escape(value) for name, value in fields_of(link).items()},
        "FORM": form,
    }
    filled = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    return filled.encode("utf-8", "replace")


def target_of(link: Link) -> Target:
    """The link's Activity, by IDs with the run ID; its attempt names it in messages."""
    return target_of_attempt(link.workflow_id, link.activity_id, link.run_id, link.attempt)


@dataclass(frozen=True)
class LinkPages:
    """The answers of /a/LINK on a connected client."""

    client: Client
    server: Server
    keys: LinkKeys
    timeout: float
    clock: Callable[[], float] = time.time
    template: str = field(default_factory=link_template)

    async def get(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, act=False)

    async def post(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, act=True)

    async def _answer(self, request: web.Request, act: bool) -> web.StreamResponse:
        template = self.template

        def page(
            status: int, title: str, message: str, link: Link | None, form: str = ""
        ) -> web.Response:
            body = fill(template, title, message, link, form)
            return web.Response(
                status=status, body=body, headers={"Content-Type": HTML_TYPE, **FRAME_HEADERS}
            )

        try:
            link = verify(request.match_info["link"], self.keys)
        except BadLink:
            return page(403, lines.TITLE_BAD_LINK, lines.BAD_LINK, None)
        if expired(link, self.clock()):
            return page(410, lines.TITLE_EXPIRED, lines.link_expired(link.expires_at), link)
        if link.namespace != self.server.namespace:
            message = lines.link_other_namespace(link.namespace, self.server.namespace)
            return page(409, lines.TITLE_CANNOT_ACT, message, link)
        target = target_of(link)
        try:
            await self._check_pending(link, target)
            if not act:
                return page(
                    200,
                    lines.confirm_title(link.action),
                    lines.confirm(target.description, link.action),
                    link,
                    lines.confirm_form(link.action),
                )
            message = await self._act(link, target)
        except CompleterError as err:
            if err.exit_code == ServerRefused.exit_code:
                return page(200 if not act else 409, lines.TITLE_CANNOT_ACT, err.message, link)
            if err.exit_code == ServerUnreachable.exit_code:
                return page(503, lines.TITLE_UNREACHABLE, err.message, link)
            return page(500, lines.TITLE_ERROR, err.message, link)
        return page(200, lines.done_title(link.action), message, link)

    async def _check_pending(self, link: Link, target: Target) -> None:
        """Raises the refusal, saying what closed it, unless the Activity is pending at the
        link's attempt."""
        try:
            found = await pending_attempt(
                self.client,
                link.workflow_id,
                link.run_id,
                link.activity_id,
                self.timeout,
            )
        except Exception as err:
            raise failure_for(err, self.server, target) from err
        if found is not None and found[1] == link.attempt:
            return
        if found is not None and found[1] > link.attempt:
            reason = lines.retried_and_pending(link.attempt, found[1])
            raise ServerRefused(lines.not_pending_because(target.description, reason))
        raise await explain(self.client, self.server, target, self.timeout)

    async def _act(self, link: Link, target: Target) -> str:
        """Completes (approve) or fails (reject, non-retryable) the Activity by IDs with the
        run ID; the CLI's success line. A refusal says what closed it: a link is single use,
        never "already done"."""
        verb = "complete" if link.action == APPROVE else "fail"
        job = Job(0, target, result=link.text, reason=link.text, retryable=False)
        identity = recorded(link_actor(link.for_name), SERVE)
        try:
            async with asyncio.timeout(self.timeout):
                await VERBS[verb].request(job)(
                    self.client, target, identity, timedelta(seconds=self.timeout)
                )
        except Exception as err:
            if not_pending_any_more(err):
                raise await explain(self.client, self.server, target, self.timeout) from err
            raise failure_for(err, self.server, target) from err
        return VERBS[verb].success(job)
