"""The run's figures as one PNG: one panel per measurement."""

from __future__ import annotations

from pathlib import Path

# The object-oriented API without pyplot: no GUI backend, no global state.
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bench.bulk_report import bulk_in_order, bulk_samples
from bench.figures import percentile
from bench.report import GO_P50_MS, PYTHON_P50_MS, STARTUP_P50_MS, Run

LIMITS_MS = {
    "go-completer": GO_P50_MS,
    "python-completer": PYTHON_P50_MS,
    "python-completer --help": STARTUP_P50_MS,
    "python-completer inspect": STARTUP_P50_MS,
}


def _one_completion(ax: Axes, run: Run) -> None:
    assert run.one is not None
    timings = [t for t in [*run.one.completions, *run.one.startup] if t.end_to_end_ms]
    names = [t.program for t in timings]
    p50s = [t.p50_ms or 0.0 for t in timings]
    p95s = [t.p95_ms or 0.0 for t in timings]
    ax.barh(names, p95s, color="#c6dbef", label="p95")
    bars = ax.barh(names, p50s, color="#2171b5", label="p50")
    ax.bar_label(bars, [f"{v:.0f}" for v in p50s], padding=3, fontsize="small")
    rows = [i for i, name in enumerate(names) if name in LIMITS_MS]
    ax.scatter(
        [LIMITS_MS[names[i]] for i in rows],
        rows,
        marker="|",
        s=400,
        color="#cb181d",
        label="target (p50)",
    )
    ax.invert_yaxis()
    ax.set_xscale("log")
    # Plain numbers (100, 1000) rather than the log scale's 10^n in TeX-like text.
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_xlabel("ms (log scale)")
    ax.set_title("One completion, whole process; --help, inspect")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize="small")


def _bulk(ax: Axes, run: Run, rate: bool) -> None:
    """One group of bars per size and concurrency, one bar per program: the median over
    the rounds."""
    groups = sorted({(r.size, r.concurrency) for r in run.bulk})
    several = len({r.concurrency for r in run.bulk}) > 1
    programs = list(dict.fromkeys(r.program for r in bulk_in_order(run.bulk)))
    width = 0.8 / len(programs)
    for i, program in enumerate(programs):
        values = []
        for size, concurrency in groups:
            samples = bulk_samples(run.bulk, size, concurrency, program)
            found = [r.per_second if rate else r.last_close_seconds for r in samples]
            values.append(percentile([v for v in found if v is not None], 0.5) or 0.0)
        bars = ax.bar([x + i * width for x in range(len(groups))], values, width, label=program)
        labels = [f"{v:,.0f}" if rate else f"{v:.1f}" for v in values]
        ax.bar_label(bars, labels, fontsize="x-small" if several else "small")
    ax.set_xticks([x + width * (len(programs) - 1) / 2 for x in range(len(groups))])
    ax.set_xticklabels(
        [f"N={size:,}" + (f"\nC={c}" if several else "") for size, c in groups],
        fontsize="small",
    )
    ax.set_ylim(top=ax.get_ylim()[1] * 1.3)  # room for the legend above the bars
    if rate:
        ax.set_ylabel("completions / s")
        ax.set_title("Bulk: completion rate (higher is better)")
    else:
        ax.set_ylabel("s")
        ax.set_title("Bulk: until the last Workflow closed (lower is better)")
    ax.legend(fontsize="small")


def _pending(ax: Axes, run: Run) -> None:
    levels = [level.pending for level in run.pending]
    rss = [[kib / 1024 for kib in level.rss_kib] for level in run.pending]
    ax.plot(levels, [r[-1] for r in rss], marker="o", color="#2171b5", label="RSS (last)")
    ax.fill_between(levels, [min(r) for r in rss], [max(r) for r in rss], alpha=0.3)
    ax.set_ylim(bottom=0, top=max(max(r) for r in rss) * 1.2)
    ax.set_xlabel("pending Activities")
    ax.set_ylabel("Worker RSS, MiB")
    ax.set_title("Pending scale: Worker memory and Activity slots")
    slots = ax.twinx()
    slots.plot(
        levels,
        [max(level.slots_used) for level in run.pending],
        marker="s",
        color="#cb181d",
        label="Activity slots used (max)",
    )
    slots.set_ylabel("slots used")
    slots.set_ylim(bottom=0, top=max(10, *[max(level.slots_used) for level in run.pending]))
    ax.legend(loc="upper left", fontsize="small")
    slots.legend(loc="lower right", fontsize="small")


def draw(run: Run, path: Path) -> None:
    figure = Figure(figsize=(14, 10), layout="constrained")
    (a, b), (c, d) = figure.subplots(2, 2)
    panels: list[tuple[Axes, bool]] = [
        (a, run.one is not None),
        (b, bool(run.bulk)),
        (c, bool(run.bulk)),
        (d, bool(run.pending)),
    ]
    if run.one is not None:
        _one_completion(a, run)
    if run.bulk:
        _bulk(b, run, rate=True)
        _bulk(c, run, rate=False)
    if run.pending:
        _pending(d, run)
    for ax, used in panels:
        if not used:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "not measured in this run", ha="center", transform=ax.transAxes)
    m = run.machine
    figure.suptitle(
        f"make bench {run.stamp}: {m['cores']} cores, Python {m['python']}, {m['temporal']}"
    )
    figure.savefig(path, dpi=90)
