"""The Activity, run in the SDK's ActivityEnvironment: one token line, then complete-async."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest
from async_worker.activities import AsyncActivity
from temporalio.activity import _CompleteAsyncError
from temporalio.testing import ActivityEnvironment

from tests.harness import TOKEN_LINE


def test_activity_logs_its_token_as_hex_and_completes_async(
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info,
        task_token=b"\x0a\x01\xff",
        workflow_id="wf-1",
        workflow_run_id="run-1",
        activity_id="7",
        attempt=3,
    )
    with (
        caplog.at_level(logging.INFO, logger="async_worker.token"),
        pytest.raises(_CompleteAsyncError),
    ):
        asyncio.run(env.run(AsyncActivity().run, "Plain text input"))

    [record] = [r for r in caplog.records if r.name == "async_worker.token"]
    line = record.getMessage()
    assert line == (
        "msg=Activity workflow_id=wf-1 run_id=run-1 activity_id=7 attempt=3 taskToken=0a01ff"
    )
    assert TOKEN_LINE.search(line)
