"""The end-to-end script behind `make run-all`, once with each completer. It starts its
own dev server on a free port, so it runs beside the session's server."""

from __future__ import annotations

import os
import subprocess

from tests.harness import ROOT


def test_run_all_pipes_the_token_to_the_completer(completer: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env.update(COMPLETER=completer, RESULT=f"sent by {completer}")
    run = subprocess.run(
        [str(ROOT / "scripts" / "run-all.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Workflow result: sent by {completer}\n" in run.stdout
    assert "Completed Activity " in run.stdout
