"""The Activity that finishes outside the Worker.

It writes its task token to the Worker's log and tells the SDK that some other process
will complete it (`raise_complete_async`). The Worker's task slot is freed at once: a
pending Activity costs the Worker nothing while it waits for a completer.
"""

from __future__ import annotations

import logging

from temporalio import activity

from async_worker.shared import ACTIVITY_TYPE

# Its own logger rather than activity.logger: that one appends a dict of context to every
# message, and the token line must stay plain key=value text that scripts can parse.
token_logger = logging.getLogger("async_worker.token")


@activity.defn(name=ACTIVITY_TYPE)
async def activity_fn(input: str) -> str:
    info = activity.info()
    # One line per attempt: a retry gets a new token, and the old one is refused.
    token_logger.info(
        "msg=Activity workflow_id=%s run_id=%s activity_id=%s attempt=%d taskToken=%s",
        info.workflow_id,
        info.workflow_run_id,
        info.activity_id,
        info.attempt,
        info.task_token.hex(),
    )
    activity.raise_complete_async()
