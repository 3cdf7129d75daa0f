"""A completer's `serve` as a process under measurement, and the HTTP client's one request:
shared by the serve and already-done phases."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import aiohttp

from bench.base import Bench, MeasureError
from bench.bulk import process_cpu_seconds
from tests.harness import clean_env

LANGUAGES = ("go-completer", "python-completer")


class Serve:
    """One `COMPLETER serve --listen 127.0.0.1:0` process, from its "Serving on URL" line
    until SIGTERM. Its per-request lines on standard error go to a log file."""

    def __init__(
        self,
        bench: Bench,
        program: str,
        extra: Sequence[str] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.bench = bench
        self.program = program
        self.extra = extra  # more options (the telemetry phase's)
        self.env = env or {}  # more environment
        self.url = ""
        self._process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Serve:
        argv = [str(self.bench.completers[self.program]), "serve", "--listen", "127.0.0.1:0"]
        argv += ["--address", self.bench.address, *self.extra]
        log = self.bench.logs / f"serve-{self.program}-{self.bench.measurements:03d}.log"
        with log.open("ab") as err:
            try:
                self._process = await asyncio.create_subprocess_exec(
                    *argv,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=err,
                    env=clean_env(self.bench.address, **self.env),
                )
            except OSError as error:
                raise MeasureError(f"cannot run {argv[0]}: {error.strerror}") from error
        assert self._process.stdout is not None
        try:
            line = await asyncio.wait_for(self._process.stdout.readline(), 30)
        except TimeoutError:
            line = b""
        text = line.decode(errors="replace").strip()
        if not text.startswith("Serving on "):
            await self.stop()
            raise MeasureError(f"{self.program} serve did not start: {text or 'no line'}")
        self.url = text.removeprefix("Serving on ")
        return self

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), 20)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def cpu_seconds(self) -> float:
        """The CPU the process has used so far, all its threads."""
        return process_cpu_seconds(self.pid)


async def post(
    session: aiohttp.ClientSession, url: str, job: dict[str, str]
) -> tuple[int, dict[str, Any], float]:
    """One POST /v1/complete: (status, the JSON answer, milliseconds)."""
    began = time.perf_counter()
    async with session.post(f"{url}/v1/complete", json=job) as response:
        body = await response.read()
        status = response.status
    elapsed = (time.perf_counter() - began) * 1000
    try:
        answer = json.loads(body)
    except ValueError:
        answer = {}
    return status, answer if isinstance(answer, dict) else {}, elapsed


def session(clients: int) -> aiohttp.ClientSession:
    # Keep-alive connections, at most one per client.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients))
