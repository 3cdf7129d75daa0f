"""The bulk phase's section of the report: every sample, and per size, concurrency and
program the median over the rounds with its spread."""

from __future__ import annotations

from collections.abc import Sequence

from bench.base import SDK
from bench.bulk import BulkRun
from bench.figures import num, percentile, rate_cells, table


def bulk_in_order(bulk: Sequence[BulkRun]) -> list[BulkRun]:
    """By size and concurrency, the ceiling first, then the completers (they ran in turning
    order), each program's rounds together."""
    return sorted(bulk, key=lambda r: (r.size, r.concurrency, r.program != SDK, r.program, r.round))


def bulk_samples(
    bulk: Sequence[BulkRun], size: int, concurrency: int, program: str
) -> list[BulkRun]:
    return [
        r
        for r in bulk
        if (r.size, r.concurrency, r.program) == (size, concurrency, program)
        and r.per_second is not None
    ]


def median_rate(bulk: Sequence[BulkRun], size: int, concurrency: int, program: str) -> float | None:
    return percentile(
        [r.per_second for r in bulk_samples(bulk, size, concurrency, program) if r.per_second],
        0.5,
    )


def cpu(r: BulkRun) -> str:
    """CPU seconds of the program / the dev server / the Worker during the wall time."""
    values = (r.program_cpu_seconds, r.server_cpu_seconds, r.worker_cpu_seconds)
    return "n/a" if None in values else " / ".join(f"{v:.2f}" for v in values if v is not None)


def bulk_summary(bulk: Sequence[BulkRun]) -> list[list[str]]:
    """One row per size, concurrency and program: the median over the rounds, and the spread."""
    rows = []
    keys = dict.fromkeys((r.size, r.concurrency, r.program) for r in bulk_in_order(bulk))
    for size, concurrency, program in keys:
        samples = bulk_samples(bulk, size, concurrency, program)
        rates = [r.per_second for r in samples if r.per_second]
        middle = percentile(rates, 0.5)
        ceiling = median_rate(bulk, size, concurrency, SDK)
        loads = [r.load_average for r in samples if r.load_average is not None]

        def median_of(values: list[float | None]) -> str:
            found = [v for v in values if v is not None]
            return "n/a" if not found else f"{percentile(found, 0.5):.2f}"

        rows.append(
            [
                f"{size:,}",
                str(concurrency),
                program,
                str(len(rates)),
                *rate_cells(rates, middle),
                f"{middle / ceiling:.0%}" if middle and ceiling else "n/a",
                " / ".join(
                    median_of([getattr(r, f"{who}_cpu_seconds") for r in samples])
                    for who in ("program", "server", "worker")
                ),
                f"{min(loads):.1f} - {max(loads):.1f}" if loads else "n/a",
            ]
        )
    return rows


def bulk_markdown(bulk: Sequence[BulkRun], concurrency: str) -> list[str]:
    """The bulk section: one row per sample, preceded by the medians when there are several."""
    lines: list[str] = []
    rows = []
    for r in bulk_in_order(bulk):
        ceiling = median_rate(bulk, r.size, r.concurrency, SDK)
        share = r.per_second / ceiling if r.per_second and ceiling else None
        rows.append(
            [
                f"{r.size:,}",
                str(r.concurrency),
                r.program,
                str(r.round),
                num(r.wall_seconds, 2),
                num(r.per_second, 0),
                "n/a" if share is None else f"{share:.0%}",
                num(r.last_close_seconds, 2),
                num(r.closed_per_second, 0),
                cpu(r),
                num(r.load_average, 1),
                f"{r.preparation.ready_seconds:.1f} ({r.preparation.per_second:,.0f}/s)",
                r.error or "",
            ]
        )
    lines += [
        "",
        "## Bulk",
        "",
        f"N pending Activities completed by token, at most C (concurrency: {concurrency}) "
        "in flight. Completions/s = N / the program's wall time (process start to exit, "
        "connecting included; the SDK loop's client is already connected). Of ceiling: "
        "against the SDK loop's median at the same N and C. Last close: from the same "
        "start until the last Workflow closed (its close time on the server). CPU s: "
        "seconds of CPU during the wall time, of the program (for the SDK loop, the bench's "
        "own process) / the dev server / the Worker; the 2 cores give 2 x wall. Load: the "
        "1-minute load average just before the clock started. Preparation: starting the N "
        "Workflows concurrently until every token line was in the log.",
        "",
    ]
    several = len({(r.size, r.concurrency, r.program) for r in bulk}) < len(bulk)
    if several or len({r.concurrency for r in bulk}) > 1:
        lines += [
            "By concurrency: the median over the rounds, the range of the samples "
            "(min - max), the spread ((max - min) / median), the median against the SDK "
            "loop's median, the median CPU seconds (program / server / Worker) and the "
            "range of the load averages.",
            "",
            *table(
                [
                    *("N", "C", "program", "samples", "median /s", "range /s", "spread"),
                    *("of ceiling", "CPU s", "load"),
                ],
                bulk_summary(bulk),
                "rrlrrrrrrr",
            ),
            "",
            "Every sample:",
            "",
        ]
    lines += [
        *table(
            [
                *("N", "C", "program", "round", "wall s", "completions/s", "of ceiling"),
                *("last close s", "closes/s", "CPU s", "load", "preparation s", "error"),
            ],
            rows,
            "rrlrrrrrrrrrl",
        ),
    ]
    return lines
