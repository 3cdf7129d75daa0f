"""The run's figures as Markdown (with each target and whether it was met) and as JSON."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bench import already, asks, listing, serving, telemetry
from bench.already import AlreadyTimings
from bench.asks import AsksPhase
from bench.base import SDK
from bench.bulk import BulkRun
from bench.bulk_report import bulk_markdown, median_rate
from bench.figures import ms, percentile, table
from bench.listing import ListPhase
from bench.one import OneCompletion
from bench.pending_scale import PendingLevel
from bench.prepare import START_CONCURRENCY, Preparation
from bench.serving import ServePhase
from bench.telemetry import TelemetryPhase

# The targets. Missing one never fails the run: the report says so.
GO_P50_MS = 100.0
PYTHON_P50_MS = 800.0
STARTUP_P50_MS = 200.0
BATCH_OF_CEILING = 0.90
PYTHON_OF_GO = 0.80
# "No steady growth": the Worker's RSS may move by GC and allocator noise, not more.
RSS_GROWTH = 0.02


@dataclass
class Run:
    """Everything one run measured, as written to the JSON file."""

    stamp: str
    settings: dict[str, Any]
    machine: dict[str, str]
    seconds: float
    one: OneCompletion | None
    bulk: list[BulkRun]
    pending: list[PendingLevel]
    errors: list[str]
    # The phases of issues 9, 10 and 12 (bench/listing.py, serving.py, already.py).
    listing: ListPhase | None = None
    serve: ServePhase | None = None
    asks: AsksPhase | None = None  # issue 19 (bench/asks.py)
    already: list[AlreadyTimings] = dataclasses.field(default_factory=list)
    telemetry: TelemetryPhase | None = None  # issue 21 (bench/telemetry.py)


@dataclass
class Target:
    name: str
    measured: str
    met: bool | None  # None: not measured in this run


def phases(run: Run) -> list[tuple[Any, Any]]:
    """The phases with a module of their own, each with its figures (None: not run)."""
    return [
        (run.listing, listing),
        (run.asks, asks),
        (run.serve, serving),
        (run.already, already),
        (run.telemetry, telemetry),
    ]


def growth(level: PendingLevel) -> float:
    return (level.rss_kib[-1] - level.rss_kib[0]) / level.rss_kib[0] if level.rss_kib else 0.0


def targets(run: Run) -> list[Target]:
    found: list[Target] = []
    if run.one is not None:
        by_name = {t.program: t for t in [*run.one.completions, *run.one.startup]}
        for program, what, limit in (
            ("go-completer", "one completion, end to end", GO_P50_MS),
            ("python-completer", "one completion, end to end", PYTHON_P50_MS),
            ("python-completer --help", "wall time", STARTUP_P50_MS),
            ("python-completer inspect", "wall time", STARTUP_P50_MS),
        ):
            timings = by_name.get(program)
            value = timings.p50_ms if timings else None
            found.append(
                Target(
                    f"{program}: {what}, p50 < {limit:.0f} ms",
                    f"{ms(value)} ms",
                    None if value is None else value < limit,
                )
            )
    concurrencies = sorted({r.concurrency for r in run.bulk})
    for size, concurrency in sorted({(r.size, r.concurrency) for r in run.bulk}):
        # The median over the rounds: one figure per program, however many were taken.
        rates = {
            program: median_rate(run.bulk, size, concurrency, program)
            for program in {r.program for r in run.bulk}
        }
        at = f"bulk N={size}" + (f", concurrency {concurrency}" if len(concurrencies) > 1 else "")
        for program, reference, share in (
            ("go-completer --batch", SDK, BATCH_OF_CEILING),
            ("python-completer --batch", SDK, BATCH_OF_CEILING),
            ("python-completer --batch", "go-completer --batch", PYTHON_OF_GO),
        ):
            value, base = rates.get(program), rates.get(reference)
            ratio = value / base if value and base else None
            found.append(
                Target(
                    f"{at}: {program} >= {share:.0%} of {reference} (completions/s)",
                    "n/a" if ratio is None else f"{ratio:.0%} ({value:,.0f}/s vs {base:,.0f}/s)",
                    None if ratio is None else ratio >= share,
                )
            )
    for phase, module in phases(run):
        if phase and module is not already:
            found += [Target(*t) for t in module.targets(phase)]
    if run.pending:
        top = max(run.pending, key=lambda level: level.pending)
        window = f"{top.seconds[-1]:.0f} s" if top.seconds else "the window"
        found.append(
            Target(
                f"{top.pending} pending Activities: no Activity task slot held",
                f"{max(top.slots_used, default=0)} used, "
                f"{min(top.slots_available, default=0)} available",
                bool(top.slots_used) and max(top.slots_used) == 0,
            )
        )
        found.append(
            Target(
                f"{top.pending} pending Activities: Worker RSS grows <= {RSS_GROWTH:.0%} "
                f"over {window}",
                f"{growth(top):+.1%} ({top.rss_kib[0] / 1024:.0f} -> "
                f"{top.rss_kib[-1] / 1024:.0f} MiB)"
                if top.rss_kib
                else "n/a",
                bool(top.rss_kib) and growth(top) <= RSS_GROWTH,
            )
        )
    return found


def busy(run: Run) -> list[str]:
    """A warning when other work competed for the cores: then the figures say more about
    the machine than about the programs, and targets cannot be judged."""
    cores = int(run.machine["cores"]) if run.machine["cores"].isdigit() else 1
    loads = [
        float(run.machine[key].split()[0])
        for key in ("load average at start", "load average at end")
        if run.machine.get(key)
    ]
    if max(loads, default=0.0) <= cores:
        return []
    return [
        f"**Warning: the machine was busy** (1-minute load average up to {max(loads):.1f} on "
        f"{cores} cores): other work competed with this run, so its figures are not fit for "
        "judging the targets. Run it again on a quiet machine.",
        "",
    ]


def preparations(run: Run) -> list[Preparation]:
    found = [run.one.preparation] if run.one and run.one.preparation else []
    found += [r.preparation for r in run.bulk]
    found += [level.preparation for level in run.pending if level.preparation]
    return found


def markdown(run: Run, chart: str | None) -> str:
    m = run.machine
    s = run.settings
    prepared = sum(p.count for p in preparations(run))
    preparing = sum(p.ready_seconds for p in preparations(run))
    lines = [
        f"# make bench, {run.stamp}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory']}, {m['os']}; "
        f"Python {m['python']} (site-packages bytecode {m['python bytecode']}); {m['go']}; "
        f"{m['temporal']}; load average {m['load average at start']} at start, "
        f"{m.get('load average at end', 'n/a')} at end.",
        "",
        f"Settings: phases {s['phases']}; bulk sizes {s['sizes']}; {s['runs']} runs; "
        f"pending levels {s['pending']}; concurrency {s['concurrency']}; "
        f"bulk rounds {s.get('rounds', 1)}"
        + "".join(f"; {label} = `{path}`" for label, path in s.get("extra_completers", {}).items())
        + ". "
        f"Dev server in memory; one Python Worker. The whole run took {run.seconds:.0f} s.",
        "",
        f"Preparation: {prepared:,} pending Activities in {preparing:.0f} s in all "
        f"({prepared / preparing if preparing else 0:,.0f}/s), each batch's Workflows started "
        f"concurrently ({START_CONCURRENCY} in flight) on one client, until their token lines "
        "were in the Worker's log.",
        "",
        *busy(run),
        "## Targets",
        "",
        *table(
            ["target", "measured", "met"],
            [
                [t.name, t.measured, {True: "yes", False: "**no**", None: "n/a"}[t.met]]
                for t in targets(run)
            ],
            "lll",
        ),
    ]
    if run.one is not None:
        rows = []
        for timings in [*run.one.completions, *run.one.startup]:
            values = timings.end_to_end_ms
            rows.append(
                [
                    timings.program,
                    str(len(values)),
                    ms(timings.p50_ms),
                    ms(timings.p95_ms),
                    ms(min(values, default=None)),
                    ms(max(values, default=None)),
                    ms(percentile(timings.process_ms, 0.5)),
                    str(len(timings.errors)),
                ]
            )
        lines += [
            "",
            "## One completion, whole process",
            "",
            "End to end: from starting the program until it has exited and the Workflow's "
            "result is available (for --help and inspect: until it has exited). "
            "Completers by token, `temporal` by IDs.",
            "",
            *table(
                [
                    *("program", "runs", "p50 ms", "p95 ms", "min ms", "max ms"),
                    *("process p50 ms", "errors"),
                ],
                rows,
                "lrrrrrrr",
            ),
        ]
    if run.bulk:
        lines += bulk_markdown(run.bulk, s["concurrency"])
    if run.pending:
        rows = []
        for level in run.pending:
            rss = [kib / 1024 for kib in level.rss_kib]
            prep = level.preparation
            rows.append(
                [
                    f"{level.pending:,}",
                    "" if prep is None else f"{prep.ready_seconds:.1f} ({prep.per_second:,.0f}/s)",
                    " ".join(f"{v:.0f}" for v in rss),
                    f"{growth(level):+.1%}",
                    f"{max(level.slots_used, default=0)}",
                    f"{min(level.slots_available, default=0)}",
                ]
            )
        lines += [
            "",
            "## Pending Activities held by the Worker",
            "",
            f"Each level: pending Activities topped up, then {len(run.pending[0].rss_kib)} samples "
            f"over {s['sample_seconds']} s of the Worker's RSS (/proc VmRSS) and of its Activity "
            "task slots (its Prometheus metrics; max used, min available). Memory rising with "
            "the level is the Worker's Workflow cache (1000 Workflows by default), not the "
            "Activities.",
            "",
            *table(
                [
                    *("pending", "preparation s", "RSS samples MiB", "growth", "slots used"),
                    "slots available",
                ],
                rows,
                "rrrrrr",
            ),
        ]
    lines += [line for phase, module in phases(run) if phase for line in module.markdown(phase)]
    if run.errors:
        lines += ["", "## Not measured", "", *(f"- {e}" for e in run.errors)]
    if chart:
        lines += ["", f"![figures]({chart})"]
    return "\n".join(lines) + "\n"
