"""make bench's options: what to measure, at which sizes and concurrencies, with which
executables."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from tests.harness import ROOT

# What --help says: the program's own description (bench/main.py).
DESCRIPTION = (
    "make bench: starts its own dev server (in memory) and Worker, prepares pending Activities "
    "and measures, side by side, the Go completer, the Python completer, the `temporal` CLI and "
    "an in-process SDK loop. Writes bench/results/<UTC time>.{md,json,png} and latest.md."
)
RESULTS = ROOT / "bench" / "results"
PHASES = ("one", "bulk", "list", "asks", "serve", "already", "telemetry", "pending")
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


def phases(text: str) -> list[str]:
    chosen = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PHASES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"phases are a comma-separated subset of {PHASES}")
    return chosen


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=DESCRIPTION,
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
        "round runs in the reverse order (A B B A); telemetry: how often each program's "
        "off, on, on, off is run",
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
