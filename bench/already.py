"""already (issue 12): the time of an "already done" answer beside a first completion, for
each language's serve (one HTTP request) and CLI (one whole process): complete an Activity,
then repeat the same request."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import aiohttp

from bench.base import RESULT, Bench, MeasureError, complete_leftovers, run_process
from bench.base import failure as process_failure
from bench.figures import ms, percentile, table
from bench.prepare import prepare
from bench.procs import Pending
from bench.serve_process import LANGUAGES, Serve, post, session


@dataclass
class AlreadyTimings:
    channel: str  # "go-completer serve", "python-completer complete (CLI)"
    first_ms: list[float] = field(default_factory=list)
    repeat_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    first_p50_ms: float | None = None
    first_p95_ms: float | None = None
    repeat_p50_ms: float | None = None
    repeat_p95_ms: float | None = None

    def summarise(self) -> None:
        self.first_p50_ms = percentile(self.first_ms, 0.5)
        self.first_p95_ms = percentile(self.first_ms, 0.95)
        self.repeat_p50_ms = percentile(self.repeat_ms, 0.5)
        self.repeat_p95_ms = percentile(self.repeat_ms, 0.95)


async def by_http(http: aiohttp.ClientSession, url: str, p: Pending) -> tuple[float, float]:
    job = {"tasktoken": p.token, "result": RESULT}
    status, answer, first = await post(http, url, job)
    if status != 200 or answer.get("already"):
        raise MeasureError(f"first request answered {status} {answer}")
    status, answer, repeat = await post(http, url, job)
    if status != 200 or answer.get("already") is not True:
        raise MeasureError(f"repeat answered {status} {answer}, not 200 already")
    return first, repeat


async def by_cli(bench: Bench, program: str, p: Pending) -> tuple[float, float]:
    argv = [str(bench.completers[program]), "complete", "--tasktoken", p.token]
    argv += ["--result", RESULT, "--address", bench.address]
    times = []
    for _ in range(2):
        began = time.perf_counter()
        code, out, err, ended = await run_process(argv, bench.address)
        if code != 0:
            raise process_failure(argv, code, err)
        times.append((ended - began) * 1000)
    said = out.decode(errors="replace")
    if "already" not in said.lower():
        raise MeasureError(f"the repeat printed {said.strip()!r}, not an already-done line")
    return times[0], times[1]


async def measure_already(bench: Bench, runs: int, results: list[AlreadyTimings]) -> None:
    channels = [f"{lang} {how}" for lang in LANGUAGES for how in ("serve", "complete (CLI)")]
    timings = {c: AlreadyTimings(c) for c in channels}
    results.extend(timings.values())
    pending, _ = await prepare(
        bench.client, bench.tokens, bench.prefix("already"), runs * len(channels) + len(LANGUAGES)
    )
    left = list(pending)
    failed: list[Pending] = []
    servers = {lang: Serve(bench, lang) for lang in LANGUAGES}
    async with session(4) as http:
        try:
            for served in servers.values():
                await served.__aenter__()
                # Connects serve to Temporal before the clock: one completion not measured.
                await post(http, served.url, {"tasktoken": left.pop().token, "result": RESULT})
            # Channels take turns run by run, so that a slow moment hits all alike.
            for run in range(runs):
                for channel in channels if run % 2 == 0 else channels[::-1]:
                    lang, _, how = channel.partition(" ")
                    target = left.pop()
                    try:
                        if how == "serve":
                            first, repeat = await by_http(http, servers[lang].url, target)
                        else:
                            first, repeat = await by_cli(bench, lang, target)
                    except (MeasureError, aiohttp.ClientError) as err:
                        timings[channel].errors.append(str(err))
                        failed.append(target)
                        continue
                    timings[channel].first_ms.append(first)
                    timings[channel].repeat_ms.append(repeat)
                print(f"  already: run {run + 1}/{runs} done", flush=True)
        finally:
            for served in servers.values():
                await served.stop()
    await complete_leftovers(bench.client, [*failed, *left])
    for t in timings.values():
        t.summarise()
        if t.errors:
            bench.errors.append(f"already, {t.channel}: {t.errors[0]}")


def markdown(results: list[AlreadyTimings]) -> list[str]:
    rows = [
        [
            t.channel,
            str(len(t.first_ms)),
            ms(t.first_p50_ms),
            ms(t.first_p95_ms),
            ms(t.repeat_p50_ms),
            ms(t.repeat_p95_ms),
            "n/a"
            if not (t.first_p50_ms and t.repeat_p50_ms)
            else f"{t.repeat_p50_ms / t.first_p50_ms:.2f}x",
            str(len(t.errors)),
        ]
        for t in results
    ]
    return [
        "",
        '## "Already done" beside a first completion',
        "",
        "Each run: one pending Activity completed by token, then the same request repeated "
        '(answered `already`: HTTP 200 `"already": true`, or CLI exit 0 and an already-done '
        "line, after the server's refusal and a read of the Activity's closing event). serve: "
        "one request on a running, connected serve (keep-alive); CLI: the whole process. "
        "Channels take turns run by run.",
        "",
        *table(
            [
                *("channel", "runs", "first p50 ms", "first p95 ms", "repeat p50 ms"),
                *("repeat p95 ms", "repeat / first", "errors"),
            ],
            rows,
            "lrrrrrrr",
        ),
    ]
