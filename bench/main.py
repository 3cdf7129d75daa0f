"""make bench: starts its own dev server (in memory) and Worker, prepares pending Activities
and measures, side by side, the Go completer, the Python completer, the `temporal` CLI and an
in-process SDK loop. Writes bench/results/<UTC time>.{md,json,png} and latest.md.

Exit code 0 when everything was measured, whether or not the targets were met; 1 when a
measurement could not be taken (a program missing or failing), after writing the report.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import shutil
import sys
import time
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from temporalio.client import Client

from bench import report, report_json
from bench.already import measure_already
from bench.asks import AsksPhase, measure_asks
from bench.base import SDK, Bench
from bench.bulk import measure_bulk
from bench.listing import ListPhase, measure_list
from bench.one import measure_one_completion
from bench.options import parse_args
from bench.pending_scale import measure_pending
from bench.procs import BenchWorker, TokenLog, machine_facts
from bench.report import Run
from bench.serving import CLIENTS, ServePhase, measure_serve
from bench.telemetry import TelemetryPhase, measure_telemetry
from tests.harness import DevServer

T = TypeVar("T")


async def measure(
    args: argparse.Namespace,
    stamp: str,
    settings: dict[str, Any],
    machine: dict[str, str],
    worker: BenchWorker,
    server_pid: int,
    logs: Path,
) -> Run:
    client = await Client.connect(worker.address)
    bench = Bench(
        client=client,
        address=worker.address,
        worker=worker,
        tokens=TokenLog(worker.log),
        logs=logs,
        stamp=stamp,
        completers={"go-completer": args.go_completer, "python-completer": args.python_completer},
        server_pid=server_pid,
        extra=dict(args.extra),
    )
    run = Run(stamp, settings, machine, 0.0, None, [], [], bench.errors)

    async def phase(name: str, measurement: Coroutine[Any, Any, T]) -> T | None:
        # A phase that breaks (the Worker logs no tokens, the server stops answering) is
        # reported and the next one is tried: the figures taken so far are still written.
        print(name, flush=True)
        try:
            return await measurement
        except Exception as err:
            bench.errors.append(f"{name}: {type(err).__name__}: {err}")
            return None

    if "one" in args.phases:
        run.one = await phase(
            f"one completion, {args.runs} runs per program",
            measure_one_completion(bench, args.runs),
        )
    if "bulk" in args.phases and args.sizes:
        programs = [SDK if p == "sdk" else p for p in args.bulk_programs]
        await phase(
            f"bulk, N = {settings['sizes']}, concurrency {settings['concurrency']}, "
            f"{args.rounds} round(s)",
            measure_bulk(bench, args.sizes, args.concurrency, args.rounds, programs, run.bulk),
        )
    if "list" in args.phases and args.list_pending:
        run.listing = ListPhase(args.list_pending, args.concurrency[0])
        await phase(
            f"list, {args.list_pending} pending, concurrency {args.concurrency[0]}",
            measure_list(bench, args.list_pending, args.concurrency[0], run.listing),
        )
    if "asks" in args.phases and args.list_pending:
        run.asks = AsksPhase(args.list_pending, args.concurrency[0])
        await phase(
            f"list with input and --no-input, {args.list_pending} pending",
            measure_asks(bench, args.list_pending, args.concurrency[0], run.asks),
        )
    if "serve" in args.phases and args.serve_sizes:
        run.serve = ServePhase(CLIENTS)
        await phase(
            f"serve, N = {settings['serve_sizes']}, {CLIENTS} HTTP clients",
            measure_serve(bench, args.serve_sizes, run.serve),
        )
    if "already" in args.phases:
        await phase(
            f"already done, {args.runs} runs per channel",
            measure_already(bench, args.runs, run.already),
        )
    if "telemetry" in args.phases and args.serve_sizes:
        run.telemetry = TelemetryPhase(args.serve_sizes[0])
        await phase(
            f"telemetry's overhead, N = {args.serve_sizes[0]}, {args.rounds} round(s)",
            measure_telemetry(bench, args.serve_sizes[0], args.rounds, run.telemetry),
        )
    # Pending scale last: its Activities stay pending until the server goes away.
    if "pending" in args.phases and args.pending:
        await phase(
            f"pending scale, levels {settings['pending']}",
            measure_pending(bench, args.pending, args.sample_seconds, run.pending),
        )
    return run


def write_reports(run: Run, base: Path) -> str:
    """Writes base.png, .md and .json; returns the Markdown. A chart that cannot be drawn
    is reported, and never costs the figures of a long run."""
    png: str | None = base.with_suffix(".png").name
    try:
        from bench import chart

        chart.draw(run, base.with_suffix(".png"))
    except Exception as err:
        run.errors.append(f"chart not drawn: {type(err).__name__}: {err}")
        png = None
    text = report.markdown(run, png)
    base.with_suffix(".md").write_text(text)
    report_json.write_json(run, base.with_suffix(".json"))
    return text


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if importlib.util.find_spec("matplotlib") is None:
        # Found now rather than after the measuring: the chart is drawn last.
        print(
            "error: matplotlib is missing: run make install (it is a dev dependency)",
            file=sys.stderr,
        )
        sys.exit(2)
    began = time.perf_counter()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results: Path = args.results
    results.mkdir(parents=True, exist_ok=True)
    logs = results / f"{stamp}.tmp"  # bench/results/*.tmp is ignored by git
    # The Worker's log there holds every task token, and tokens are credentials.
    logs.mkdir(mode=0o700)
    machine = machine_facts()
    settings: dict[str, Any] = {
        "phases": ",".join(args.phases),
        "sizes": ",".join(map(str, args.sizes)),
        "runs": args.runs,
        "pending": ",".join(map(str, args.pending)),
        "sample_seconds": args.sample_seconds,
        "concurrency": ",".join(map(str, args.concurrency)),
        "rounds": args.rounds,
        "list_pending": args.list_pending,
        "serve_sizes": ",".join(map(str, args.serve_sizes)),
        "bulk_programs": ",".join(args.bulk_programs),
        "go_completer": str(args.go_completer),
        "python_completer": str(args.python_completer),
        "extra_completers": {label: str(path) for label, path in args.extra},
    }
    print(f"bench {stamp}: logs in {logs}", flush=True)
    server = DevServer.start(logs / "dev-server.log")
    worker: BenchWorker | None = None
    try:
        worker = BenchWorker(server.address, logs / "worker.log").start()
        run = asyncio.run(measure(args, stamp, settings, machine, worker, server.process.pid, logs))
    finally:
        if worker is not None:
            worker.stop()
        server.stop()
    run.seconds = time.perf_counter() - began
    run.machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())

    text = write_reports(run, results / stamp)
    (results / "latest.md").write_text(text)
    print()
    print(text, end="")
    print(f"\nWritten: {results / stamp}.* and {results / 'latest.md'}", flush=True)
    if run.errors:
        print(
            f"error: {len(run.errors)} measurement(s) not taken; logs kept in {logs}",
            file=sys.stderr,
        )
    elif not args.keep_logs:
        shutil.rmtree(logs)
    sys.stdout.flush()
    sys.stderr.flush()
    # sdk-python#300: the interpreter can crash while shutting down after a client was used.
    os._exit(1 if run.errors else 0)
