"""serve's link backend: a signed link verified, the Activity checked to be pending at the
link's attempt, and on POST completed (approve) or failed (reject, non-retryable) by IDs
with the run ID, recorded as `FOR (link) via python-completer serve@HOST` (Go:
internal/cli/serve_links.go). Once that attempt is closed or retried the link is void:
single use, with no table of used links. A used link is never "already done": the history
says who acted, and when.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.client import Client

from async_completer import lines
from async_completer.connection import Server
from async_completer.history.asked import read_asked
from async_completer.identity import SERVE, link_actor, recorded
from async_completer.lines.errors import CompleterError, ServerRefused, ServerUnreachable
from async_completer.links import APPROVE, BadLink, Link, LinkKeys, expired, verify
from async_completer.model import Asked, Job, Target
from async_completer.pending.attempt import pending_attempt
from async_completer.send.errors import failure_for, not_pending_any_more
from async_completer.send.refusal import explain
from async_completer.send.verbs import VERBS
from async_completer.serve import backend
from async_completer.serve.backend import LinkAnswer
from async_completer.target import target_of_attempt
from async_completer.telemetry import job_span, set_outcome, temporal_call


@dataclass(frozen=True)
class TemporalLinks:
    """The answers of /a/LINK on a connected client."""

    client: Client
    server: Server
    keys: LinkKeys
    timeout: float
    clock: Callable[[], float] = time.time

    async def link(self, text: str, act: bool) -> LinkAnswer:
        try:
            link = verify(text, self.keys)
        except BadLink:
            return LinkAnswer(backend.LINK_INVALID, lines.TITLE_BAD_LINK, lines.BAD_LINK, None)
        if expired(link, self.clock()):
            message = lines.link_expired(link.expires_at)
            return LinkAnswer(backend.LINK_EXPIRED, lines.TITLE_EXPIRED, message, link)
        if link.namespace != self.server.namespace:
            message = lines.link_other_namespace(link.namespace, self.server.namespace)
            return LinkAnswer(backend.LINK_REFUSED, lines.TITLE_CANNOT_ACT, message, link)
        target = target_of_attempt(link.workflow_id, link.activity_id, link.run_id, link.attempt)
        try:
            await self._check_pending(link, target)
            if not act:
                return LinkAnswer(
                    backend.LINK_SHOWN,
                    lines.confirm_title(link.action),
                    lines.confirm(target.description, link.action),
                    link,
                    lines.confirm_form(link.action),
                    await self._asked(link),
                )
            message = await self._act(link, target)
        except CompleterError as err:
            if err.exit_code == ServerRefused.exit_code:
                kind = backend.LINK_REFUSED if act else backend.LINK_SHOWN
                return LinkAnswer(kind, lines.TITLE_CANNOT_ACT, err.message, link)
            if err.exit_code == ServerUnreachable.exit_code:
                title = lines.TITLE_UNREACHABLE
                return LinkAnswer(backend.LINK_UNREACHABLE, title, err.message, link)
            return LinkAnswer(backend.LINK_FAILED, lines.TITLE_ERROR, err.message, link)
        title = lines.done_title(link.action)
        return LinkAnswer(backend.LINK_SHOWN, title, message, link, asked=await self._asked(link))

    async def _asked(self, link: Link) -> Asked | None:
        """What the link's Activity asks, from its scheduled event in the run's history (a
        closed Activity's too); None when the history cannot be read: the page still
        answers."""
        execution = WorkflowExecution(workflow_id=link.workflow_id, run_id=link.run_id)
        deadline = asyncio.get_running_loop().time() + self.timeout
        try:
            async with asyncio.timeout(self.timeout):
                found = await read_asked(self.client, execution, {link.activity_id}, deadline)
        except Exception:
            return None
        return found.get(link.activity_id)

    async def _check_pending(self, link: Link, target: Target) -> None:
        """Raises the refusal, saying what closed it, unless the Activity is pending at the
        link's attempt."""
        try:
            found = await pending_attempt(
                self.client, link.workflow_id, link.run_id, link.activity_id, self.timeout
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
        name = "complete" if link.action == APPROVE else "fail"
        verb = VERBS[name]
        job = Job(0, target, result=link.text, reason=link.text, retryable=False)
        identity = recorded(link_actor(link.for_name), SERVE)
        with job_span(name, target) as span:
            try:
                with temporal_call(name):
                    async with asyncio.timeout(self.timeout):
                        await verb.request(job)(
                            self.client, target, identity, timedelta(seconds=self.timeout)
                        )
            except Exception as err:
                if not_pending_any_more(err):
                    raise await explain(self.client, self.server, target, self.timeout) from err
                raise failure_for(err, self.server, target) from err
            set_outcome(span, "ok")
        return verb.success(job)
