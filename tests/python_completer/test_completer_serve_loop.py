"""serve's event loop: uvloop's unless PYTHON_COMPLETER_EVENT_LOOP=asyncio asks for asyncio's."""

from __future__ import annotations

import asyncio

import pytest
import uvloop
from async_completer.verbs.serve_run import EVENT_LOOP, loop_factory


def test_serve_runs_on_uvloop_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EVENT_LOOP, raising=False)
    loop = loop_factory()()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_asyncio_loop_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EVENT_LOOP, "asyncio")
    loop = loop_factory()()
    try:
        assert not isinstance(loop, uvloop.Loop)
        assert isinstance(loop, asyncio.BaseEventLoop)
    finally:
        loop.close()
