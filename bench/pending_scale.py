"""Pending scale: the Worker holding many pending Activities, its memory and task slots."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.base import Bench, settle
from bench.prepare import Preparation, prepare


@dataclass
class PendingLevel:
    pending: int
    preparation: Preparation | None
    seconds: list[float] = field(default_factory=list)  # when each sample was taken
    rss_kib: list[int] = field(default_factory=list)
    slots_used: list[int] = field(default_factory=list)  # Activity task slots
    slots_available: list[int] = field(default_factory=list)


async def measure_pending(
    bench: Bench,
    levels: Sequence[int],
    sample_seconds: float,
    results: list[PendingLevel],
    samples: int = 6,
) -> None:
    """Tops the pending Activities up level by level (they are never completed: the server
    goes away with the run) and samples the Worker at each; appends to results as it goes."""
    held = 0
    for level in sorted(set(levels)):
        preparation = None
        if level > held:
            _, preparation = await prepare(
                bench.client, bench.tokens, bench.prefix(f"pending{level}"), level - held
            )
            held = level
        await settle()
        result = PendingLevel(level, preparation)
        began = time.perf_counter()
        for i in range(samples):
            result.seconds.append(time.perf_counter() - began)
            result.rss_kib.append(bench.worker.rss_kib())
            used, available = await asyncio.to_thread(bench.worker.activity_slots)
            result.slots_used.append(used)
            result.slots_available.append(available)
            if i < samples - 1:
                await asyncio.sleep(sample_seconds / (samples - 1))
        print(
            f"  pending {level}: RSS {result.rss_kib[-1] / 1024:.0f} MiB, "
            f"Activity slots used {max(result.slots_used)}",
            flush=True,
        )
        results.append(result)
