"""The run's figures as JSON, with each target and whether it was met, for other tools to read."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from bench.report import Run, targets


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        # The derived figures too, so a reader of the JSON needs no formulas.
        for name in ("per_second", "closed_per_second", "p50_ms", "p95_ms"):
            if hasattr(value, name):
                fields[name] = getattr(value, name)
        return fields
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def write_json(run: Run, path: Path) -> None:
    data = _plain(run)
    data["targets"] = [dataclasses.asdict(t) for t in targets(run)]
    path.write_text(json.dumps(data, indent=2) + "\n")
