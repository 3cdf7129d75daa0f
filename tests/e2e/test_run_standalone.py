"""`make run-all COMPLETER=standalone` (scripts/run-standalone.sh): two standalone Activities
on the Worker, no Workflow; the Python completer finishes one by its token, the Go completer
the other by its Activity ID alone, and the `temporal` CLI reads both results. It starts its
own dev server on a free port, so it runs beside the session's server."""

from __future__ import annotations

from tests.harness import run_all_script


def test_run_all_finishes_standalone_activities_by_token_and_by_id() -> None:
    out = run_all_script(120, COMPLETER="standalone", RESULT="Shipped").stdout
    assert out.count(" msg=Activity workflow_id= run_id=") == 2, out
    assert 'Completed standalone Activity "sa-token-' in out and '" (attempt 1)\n' in out
    assert 'Completed standalone Activity "sa-id-' in out
    assert '  Result  "Shipped by token"\n' in out
    assert '  Result  "Shipped by ID"\n' in out
    # The token is a credential: only its ends are printed.
    assert "taskToken=0a" in out and "…" in out
