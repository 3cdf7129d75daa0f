"""Figures and tables: the plain helpers every phase's report shares (no phase imports the
report, so the report may import every phase)."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None for none."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def rate_cells(rates: Sequence[float], middle: float | None) -> list[str]:
    """A summary row's median rate (middle), range and spread (the range over the median)."""
    return [
        num(middle, 0),
        f"{min(rates):,.0f} - {max(rates):,.0f}" if rates else "n/a",
        f"{(max(rates) - min(rates)) / middle:.0%}" if rates and middle else "n/a",
    ]


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """A Markdown table; align has one letter per column: l (text) or r (figures)."""
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
