"""The Activity that finishes outside the Worker.

It writes its task token to the Worker's log, announces itself when the Worker was given
an announce URL (announce.py), and tells the SDK that some other process will complete it
(`raise_complete_async`). The Worker's task slot is freed at once: a pending Activity
costs the Worker nothing while it waits for a completer.
"""

from __future__ import annotations

import logging

from temporalio import activity

from async_worker.announce import Announcer
from async_worker.shared import ACTIVITY_TYPE

# Its own logger rather than activity.logger: that one appends a dict of context to every
# message, and the token line must stay plain key=value text that scripts can parse.
token_logger = logging.getLogger("async_worker.token")


class AsyncActivity:
    """The Activity, as a method: the Worker hands in what it was configured with (the
    SDK's way to give an Activity its dependencies)."""

    def __init__(self, announcer: Announcer | None = None) -> None:
        self.announcer = announcer

    @activity.defn(name=ACTIVITY_TYPE)
    async def run(self, input: str) -> str:
        info = activity.info()
        # One line per attempt: a retry gets a new token, and the old one is refused. A
        # standalone Activity (started without a Workflow) has an empty workflow_id, and
        # its own run ID.
        token_logger.info(
            "msg=Activity workflow_id=%s run_id=%s activity_id=%s attempt=%d taskToken=%s",
            info.workflow_id or "",
            info.workflow_run_id or info.activity_run_id or "",
            info.activity_id,
            info.attempt,
            info.task_token.hex(),
        )
        # After the token line, as always: a failed announcement fails this attempt, and
        # the token just logged is void with it.
        if self.announcer is not None:
            await self.announcer.announce(info, input)
        activity.raise_complete_async()
