"""Seeing serve run: each request counted, timed and traced, as the first middleware, so
that every answer is seen, the guards' too (Go: internal/serve/seen.go). What is counted
and how is the telemetry room's; this module knows aiohttp."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from async_completer.serve.listen import Listen, bind
from async_completer.serve.log import ALREADY, OUTCOME, ROUTE
from async_completer.serve.server import Limits, Service, start
from async_completer.telemetry import REQUEST_SPAN, STATE, set_outcome
from async_completer.telemetry.names import NONE, method_label, route_label


def middlewares() -> list[Any]:
    """[seen] when metrics or traces are on; none when both are off."""
    return [seen] if STATE.metrics is not None or STATE.tracer is not None else []


@web.middleware
async def seen(request: web.Request, handler: Any) -> web.StreamResponse:
    metrics = STATE.metrics
    began = time.perf_counter()
    if metrics is not None:
        metrics.in_flight.inc()
    span_manager = None
    if STATE.tracer is not None:
        from async_completer.telemetry.traces import server_span

        span_manager = server_span(request.headers, method_label(request.method))
    span: Any = span_manager.__enter__() if span_manager is not None else None
    # The request's span is also the span of the job it answers (telemetry.job_span).
    answering = REQUEST_SPAN.set(span) if span is not None else None
    status, route, outcome, already = 500, None, NONE, False
    try:
        response: web.StreamResponse = await handler(request)
        status, route = response.status, response.get(ROUTE)
        outcome, already = response.get(OUTCOME, NONE), response.get(ALREADY, False)
        return response
    finally:
        if metrics is not None:
            metrics.in_flight.dec()
            seconds = time.perf_counter() - began
            metrics.request(route, request.method, status, outcome, already, seconds)
        if answering is not None:
            REQUEST_SPAN.reset(answering)
        if span_manager is not None:
            label = route_label(route)
            span.update_name(f"{method_label(request.method)} {label}")
            span.set_attribute("http.request.method", method_label(request.method))
            span.set_attribute("http.route", label)
            span.set_attribute("http.response.status_code", status)
            set_outcome(span, "already" if already else outcome)
            span_manager.__exit__(None, None, None)


async def serve_metrics(listen: Listen | None, limits: Limits) -> Service | None:
    """serve --metrics-listen: turns the metrics on and serves GET /metrics on that address
    (None: metrics off). Its own address, not the routes': a scraper needs no credential,
    and what it reads holds none."""
    metrics = STATE.metrics
    if listen is None or metrics is None:
        return None
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    async def scrape(request: web.Request) -> web.StreamResponse:
        body = generate_latest(metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/metrics", scrape)
    if STATE.sdk is not None:
        app.cleanup_ctx.append(_draining(STATE.sdk))
    return await start(app, bind(listen), None, limits, 0.0)


def _draining(sdk: Any) -> Any:
    """Drains the SDK's metric buffer every DRAIN_SECONDS while the app runs: the core drops
    what a full buffer cannot take."""
    from async_completer.telemetry.sdk_metrics import DRAIN_SECONDS

    async def drain(app: web.Application) -> AsyncIterator[None]:
        async def every() -> None:
            while True:
                await asyncio.sleep(DRAIN_SECONDS)
                sdk.drain()

        task = asyncio.create_task(every())
        yield
        task.cancel()

    return drain
