"""The demo on the cluster: `scripts/run-all.sh` with each completer (and over serve's
HTTP, and with an announced link), pointed at one node or the other; the Workflow started
through one frontend and completed through the other; and histories that really come in
several pages, as the completers read them after a refusal."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest

from tests.cluster.harness import Cluster
from tests.conftest import Demo
from tests.faults import helpers as h
from tests.harness import ROOT, run_completer

# Its own namespace: run-all's Worker polls task queue `async`, which the session's
# Worker polls too in namespace default.
DEMO_NAMESPACE = "demo"


@pytest.fixture(scope="module")
def demo_namespace(cluster: Cluster) -> str:
    cluster.add_namespace(DEMO_NAMESPACE)
    return DEMO_NAMESPACE


@pytest.mark.parametrize(("mode", "node"), [("python", 1), ("go", 2), ("http", 2), ("link", 1)])
def test_run_all_on_either_node(
    cluster: Cluster, demo_namespace: str, mode: str, node: int
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env.update(
        TEMPORAL_ADDRESS=cluster.frontend(node),
        TEMPORAL_NAMESPACE=demo_namespace,
        COMPLETER=mode,
    )
    run = subprocess.run(
        [str(ROOT / "scripts" / "run-all.sh")], env=env, capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Using the server at {cluster.frontend(node)}" in run.stdout
    assert "Workflow result: " in run.stdout


def test_started_through_one_frontend_completed_through_the_other(
    cluster: Cluster, demo: Demo, completer: str
) -> None:
    handle, line = demo.pending()
    done = run_completer(
        completer,
        ["complete", "--tasktoken", line.token, "--result", f"via node 2 by {completer}"],
        cluster.frontend(2),
    )
    assert done.returncode == 0, done
    assert demo.result(handle) == f"via node 2 by {completer}"


def test_a_history_comes_in_several_pages_of_the_size_asked(demo: Demo) -> None:
    """The completers' ASYNC_COMPLETER_HISTORY_PAGE_SIZE means something only if the
    server honours a page size: a small one splits a history the default size reads in
    one page (the server cuts between batches of events, so a page can hold more than
    asked), and the pages join into the whole history."""
    from temporalio.api.common.v1 import WorkflowExecution
    from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryRequest

    handle, line = demo.pending()
    assert demo.run("python", "complete", "--tasktoken", line.token).returncode == 0
    demo.result(handle)
    whole = demo.history_events(handle)

    async def pages(size: int) -> list[list[Any]]:
        found, token = [], b""
        while True:
            page = await demo.client.workflow_service.get_workflow_execution_history(
                GetWorkflowExecutionHistoryRequest(
                    namespace="default",
                    execution=WorkflowExecution(workflow_id=handle.id),
                    next_page_token=token,
                    maximum_page_size=size,
                )
            )
            found.append(list(page.history.events))
            token = page.next_page_token
            if not token:
                return found

    assert len([page for page in demo.loop.run(pages(0)) if page]) == 1
    read = demo.loop.run(pages(2))
    assert len([page for page in read if page]) >= 3
    assert [e.event_id for page in read for e in page] == [e.event_id for e in whole]


def test_sql_visibility_refuses_order_by_and_list_says_so_in_one_line(
    cluster: Cluster, completer: str
) -> None:
    query = 'ExecutionStatus = "Running" ORDER BY StartTime DESC'
    run = run_completer(completer, ["list", "--query", query], cluster.address)
    h.assert_clean_failure(run, 3)
    assert run.stderr.startswith("error: the server refused the query: "), run
