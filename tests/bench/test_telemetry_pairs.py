"""The telemetry phase's figure (bench/telemetry.py): each run with telemetry on against the
run without it beside it, so that a server slowing over the phase is not counted as
telemetry's cost."""

from __future__ import annotations

from bench.serving import ServeRun
from bench.telemetry import TelemetryPhase, paired_ratios, targets

OFF, ON = "python-completer serve telemetry off", "python-completer serve telemetry on"


def _phase(*rounds: tuple[float, float, float, float]) -> TelemetryPhase:
    phase = TelemetryPhase(1000)
    for rates in rounds:
        for order, (label, rate) in enumerate(zip((OFF, ON, ON, OFF), rates, strict=True), 1):
            phase.runs.append(ServeRun(1000, label, order, per_second=rate))
    return phase


def test_side_by_side_runs_are_compared_not_the_medians() -> None:
    # The server slows by half over the phase; telemetry costs 5% at every point.
    phase = _phase((600.0, 570.0, 475.0, 500.0), (400.0, 380.0, 285.0, 300.0))
    assert [round(r, 2) for r in paired_ratios(phase, OFF, ON)] == [0.95, 0.95, 0.95, 0.95]
    (serve,) = [t for t in targets(phase) if "python-completer serve" in t[0]]
    assert serve[1:] == ("95% (95% - 95%, 4 pairs)", True)


def test_a_failed_run_leaves_its_pair_out() -> None:
    phase = _phase((600.0, 480.0, 500.0, 500.0))
    phase.runs[3].error = "5 requests failed"
    assert paired_ratios(phase, OFF, ON) == [0.8]
    (serve,) = [t for t in targets(phase) if "python-completer serve" in t[0]]
    assert serve[2] is False
