"""Fixtures for the Python completer's own tests: no server, no network.

A fake Temporal client stands in for Client.connect, so the whole program (parsing, the
target, the request, the error mapping, the printed line) runs in-process with CliRunner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from async_completer.cli import cli
from async_completer.tasktokenpb.task_token_pb2 import Task
from click.testing import CliRunner, Result

# Captured from the dev server: workflow_id t1, activity_id 1, attempt 1, activity_type
# Activity, no workflow_type.
REAL_TOKEN = (
    "0a2430316132316565322d613533612d376363362d386437382d333930613235663732383431120274311a"
    "2430316132316565322d626635372d373765322d383131362d37633061626139613435306620052801320131"
    "420841637469766974794a080801109580401801"
)
REAL_DESC = 'Activity "1" of Workflow "t1" (attempt 1)'


def make_token(**fields: Any) -> bytes:
    """A serialized Task with the fields the server always sets, and any others given."""
    task = Task(
        namespace_id=fields.pop("namespace_id", "ns-id"),
        workflow_id=fields.pop("workflow_id", "wf"),
        run_id=fields.pop("run_id", "run"),
        activity_id=fields.pop("activity_id", "1"),
        attempt=fields.pop("attempt", 1),
        **fields,
    )
    return task.SerializeToString()


@dataclass
class FakeTemporal:
    """What the completer did with the fake client, and how the fake answers.

    errors answers one Activity (by its token's bytes or its Workflow ID) with an error;
    request_error answers every other request. delay holds each request that long, and
    most_in_flight says how many requests were waiting at once, at most."""

    connect_kwargs: dict[str, Any] | None = None
    runtime: Any = None
    handle_kwargs: dict[str, Any] | None = None
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    connects: int = 0
    connect_error: BaseException | None = None
    connect_delay: float = 0.0
    request_error: BaseException | None = None
    errors: dict[bytes | str, BaseException] = field(default_factory=dict)
    delay: float = 0.0
    in_flight: int = 0
    most_in_flight: int = 0

    async def connect(self, **kwargs: Any) -> FakeTemporal:
        # The runtime is the completer's own (SDK logging off), not a connection setting.
        self.runtime = kwargs.pop("runtime", None)
        self.connect_kwargs = kwargs
        self.connects += 1
        if self.connect_delay:
            await asyncio.sleep(self.connect_delay)
        if self.connect_error is not None:
            raise self.connect_error
        return self

    def get_async_activity_handle(self, **kwargs: Any) -> FakeHandle:
        self.handle_kwargs = kwargs
        return FakeHandle(self, kwargs)


class FakeHandle:
    def __init__(self, temporal: FakeTemporal, kwargs: dict[str, Any]) -> None:
        self.temporal = temporal
        self.kwargs = kwargs

    async def _record(self, *call: Any) -> None:
        temporal = self.temporal
        temporal.calls.append(call)
        temporal.in_flight += 1
        temporal.most_in_flight = max(temporal.most_in_flight, temporal.in_flight)
        try:
            if temporal.delay:
                await asyncio.sleep(temporal.delay)
        finally:
            temporal.in_flight -= 1
        key = self.kwargs.get("task_token") or self.kwargs.get("workflow_id") or b""
        error = temporal.errors.get(key, temporal.request_error)
        if error is not None:
            raise error

    async def complete(self, result: Any, *, rpc_timeout: Any) -> None:
        await self._record("complete", result, rpc_timeout)

    async def fail(self, error: Exception, *, rpc_timeout: Any) -> None:
        await self._record("fail", error, rpc_timeout)

    async def heartbeat(self, *details: Any, rpc_timeout: Any) -> None:
        await self._record("heartbeat", details, rpc_timeout)

    async def report_cancellation(self, *details: Any, rpc_timeout: Any) -> None:
        await self._record("report_cancellation", details, rpc_timeout)


@pytest.fixture(autouse=True)
def no_temporal_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Temporal's environment configuration from the machine running the tests must not
    leak in: no TEMPORAL_* variables, no config file in the home folder."""
    import os

    for name in list(os.environ):
        if name.startswith("TEMPORAL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def temporal(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTemporal]:
    from temporalio.client import Client

    fake = FakeTemporal()
    monkeypatch.setattr(Client, "connect", fake.connect)
    yield fake


def invoke(args: list[str], input: str | None = None) -> Result:
    """Runs the program in-process, the way the console script does (bar os._exit)."""
    return CliRunner().invoke(cli, args, input=input, prog_name="python-completer")


def error_of(result: Result) -> tuple[int, str, str]:
    return result.exit_code, result.stderr, result.stdout
