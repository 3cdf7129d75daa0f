"""make bench: starts its own dev server (in memory) and Worker, prepares pending Activities
and measures, side by side, the Go completer, the Python completer, the `temporal` CLI and an
in-process SDK loop. Writes bench/results/<UTC time>.{md,json,png} and latest.md.

`--server dev,cluster` measures the same phases again against the production-shaped cluster
(make cluster: PostgreSQL, two server nodes; the Worker and programs at node 1) in the same
run, one after the other, and writes each server's report (<UTC time>-dev, -cluster).

Exit code 0 when everything was measured, whether or not the targets were met; 1 when a
measurement could not be taken (a program missing or failing), after writing the report.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import re
import shutil
import sys
import time
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from temporalio.client import Client

from bench import report
from bench.already import measure_already
from bench.listing import ListPhase, measure_list
from bench.measure import SDK, Bench, measure_bulk, measure_one_completion, measure_pending
from bench.procs import BenchWorker, TokenLog, machine_facts
from bench.report import Run
from bench.serving import CLIENTS, ServePhase, measure_serve
from tests.cluster.harness import Cluster
from tests.harness import ROOT, DevServer

T = TypeVar("T")
RESULTS = ROOT / "bench" / "results"
PHASES = ("one", "bulk", "list", "serve", "already", "pending")
SERVERS = ("dev", "cluster")
# What each report says of its server; for the cluster the server CPU column is node 1's.
SERVER_TEXT = {
    "dev": "Dev server in memory",
    "cluster": "The cluster (PostgreSQL, two server nodes; Worker and programs at node 1; "
    "server CPU is node 1's alone)",
}
COMPLETERS = {
    "go-completer": ROOT / "bin" / "go-completer",
    "python-completer": ROOT / ".venv" / "bin" / "python-completer",
}


def numbers(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of whole numbers"
        ) from None
    if any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"{text!r} has a negative number")
    return values


def extra_completer(text: str) -> tuple[str, Path]:
    label, _, path = text.partition("=")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", label) or not path:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not LABEL=PATH (a label of a-z, 0-9 and -, then the executable)"
        )
    return label, Path(path)


def servers(text: str) -> list[str]:
    chosen = [name for name in text.split(",") if name]
    if not chosen or any(name not in SERVERS for name in chosen):
        raise argparse.ArgumentTypeError(f"servers are a comma-separated subset of {SERVERS}")
    return chosen


def phases(text: str) -> list[str]:
    chosen = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PHASES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"phases are a comma-separated subset of {PHASES}")
    return chosen


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        type=numbers,
        default="100,1000,5000",
        metavar="N,N",
        help="bulk: pending Activities per program and size",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=20,
        help="one completion: runs per program (p50 and p95 over them)",
    )
    parser.add_argument(
        "--pending",
        type=numbers,
        default="0,1000,10000",
        metavar="N,N",
        help="pending scale: the levels at which the Worker is sampled",
    )
    parser.add_argument(
        "--sample-seconds",
        type=float,
        default=5.0,
        help="pending scale: how long the Worker is sampled at each level",
    )
    parser.add_argument(
        "--concurrency",
        type=numbers,
        default="64",
        metavar="C,C",
        help="bulk: requests in flight (--batch --concurrency, and the SDK loop); "
        "several values sweep them, each measured for every program and size",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="bulk: how often every program and concurrency is measured; every second "
        "round runs in the reverse order (A B B A)",
    )
    parser.add_argument(
        "--completer",
        type=extra_completer,
        action="append",
        default=[],
        metavar="LABEL=PATH",
        dest="extra",
        help="bulk: another executable measured like the completers (for example a wrapper "
        "script that runs bin/go-completer with GOMAXPROCS=1); may be repeated",
    )
    parser.add_argument(
        "--bulk-programs",
        type=lambda text: [p.strip() for p in text.split(",") if p.strip()],
        default=None,
        metavar="P,P",
        help="bulk: which programs to measure, of sdk, go-completer, python-completer and "
        "the --completer labels (default: all)",
    )
    parser.add_argument(
        "--phases",
        type=phases,
        default=",".join(PHASES),
        metavar="P,P",
        help=f"which measurements to take, of {','.join(PHASES)}",
    )
    parser.add_argument(
        "--list-pending",
        type=int,
        default=None,
        metavar="N",
        help="list: pending Activities listed (default: the largest --pending level)",
    )
    parser.add_argument(
        "--serve-sizes",
        type=numbers,
        default=None,
        metavar="N,N",
        help="serve: Activities per run, serve and --batch of each language in the order "
        "A B B A (default: the --sizes)",
    )
    parser.add_argument(
        "--server",
        type=servers,
        default="dev",
        help="dev, cluster or dev,cluster: each measured in turn (cluster: make cluster-tools)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where reports go")
    parser.add_argument(
        "--keep-logs",
        action="store_true",
        help="keep the server's and Worker's logs (kept anyway on failure)",
    )
    for name, path in COMPLETERS.items():
        parser.add_argument(
            f"--{name}", type=Path, default=path, metavar="PATH", help=f"the {name} executable"
        )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.rounds < 1:
        parser.error("--runs and --rounds must be at least 1")
    if not args.concurrency or not all(1 <= c <= 1000 for c in args.concurrency):
        parser.error("--concurrency takes values from 1 to 1000")
    labels = [label for label, _ in args.extra]
    if len(set(labels)) != len(labels) or set(labels) & {"sdk", *COMPLETERS}:
        parser.error("each --completer needs a label of its own, not sdk or a completer's name")
    if args.list_pending is None:
        args.list_pending = max(args.pending, default=0)
    if args.serve_sizes is None:
        args.serve_sizes = args.sizes
    known = ["sdk", *COMPLETERS, *labels]
    if args.bulk_programs is None:
        args.bulk_programs = known
    unknown = [p for p in args.bulk_programs if p not in known]
    if unknown or not args.bulk_programs:
        parser.error(f"--bulk-programs are a comma-separated subset of {','.join(known)}")
    return args


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
    # Pending scale last: its Activities stay pending until the server goes away.
    if "pending" in args.phases and args.pending:
        await phase(
            f"pending scale, levels {settings['pending']}",
            measure_pending(bench, args.pending, args.sample_seconds, run.pending),
        )
    return run


def measure_against(
    name: str,
    args: argparse.Namespace,
    stamp: str,
    settings: dict[str, Any],
    machine: dict[str, str],
    logs: Path,
) -> Run:
    """One server's measurements: the server and a Worker of their own, stopped after."""
    server: DevServer | Cluster
    if name == "cluster":
        server = Cluster.start(logs / "cluster")
        server_pid = server.nodes[1].pid
    else:
        server = DevServer.start(logs / "dev-server.log")
        server_pid = server.process.pid
    worker: BenchWorker | None = None
    try:
        worker = BenchWorker(server.address, logs / "worker.log").start()
        return asyncio.run(measure(args, stamp, settings, machine, worker, server_pid, logs))
    finally:
        if worker is not None:
            worker.stop()
        server.stop()


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
    report.write_json(run, base.with_suffix(".json"))
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
    texts, errors = [], 0
    for number, name in enumerate(args.server):
        if number:
            began, machine = time.perf_counter(), machine_facts()
        label = stamp if len(args.server) == 1 else f"{stamp}-{name}"
        server_logs = logs / name
        server_logs.mkdir(mode=0o700)
        print(f"server: {name}", flush=True)
        run = measure_against(
            name, args, stamp, dict(settings, server=SERVER_TEXT[name]), machine, server_logs
        )
        run.seconds = time.perf_counter() - began
        run.machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        texts.append(write_reports(run, results / label))
        errors += len(run.errors)
        print(f"\nWritten: {results / label}.*", flush=True)
    text = "\n".join(texts)
    (results / "latest.md").write_text(text)
    print()
    print(text, end="")
    print(f"\nWritten: {results / 'latest.md'}", flush=True)
    if errors:
        print(f"error: {errors} measurement(s) not taken; logs kept in {logs}", file=sys.stderr)
    elif not args.keep_logs:
        shutil.rmtree(logs)
    sys.stdout.flush()
    sys.stderr.flush()
    # sdk-python#300: the interpreter can crash while shutting down after a client was used.
    os._exit(1 if errors else 0)
