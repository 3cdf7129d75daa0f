"""GET /v1/activity, the approval page's "Show all": one pending Activity's /v1/pending line,
its whole input included, the same bytes from both serves; 409 once it is not pending, 400
without its IDs (docs/completer-http.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Demo
from tests.harness import DevServer
from tests.serve import contract as c
from tests.serve.harness import KINDS, Answer, ServeProcess, serving_all
from tests.serve.test_routes import assert_answers, assert_identical, finish, get, query_string

LONG = "Pay each line of this invoice. " * 3400  # about 100 KB


@pytest.fixture(scope="module")
def servers(dev_server: DevServer, serve_logs: Path) -> Iterator[dict[str, ServeProcess]]:
    with serving_all(KINDS, dev_server.address, serve_logs, name="activity") as started:
        yield started


def test_activity_answers_the_pending_line_with_the_whole_input(
    demo: Demo, servers: dict[str, ServeProcess]
) -> None:
    handle, _ = demo.pending(input=LONG)
    ids = {"workflow_id": handle.id, "activity_id": "1"}
    for path in (
        "/v1/activity" + query_string(**ids),
        "/v1/activity" + query_string(**ids, run_id=handle.result_run_id),
    ):
        answers = get(servers, path)
        assert_identical(answers)
        listed = servers["go"].get("/v1/pending" + query_string(workflow_id=handle.id))
        assert answers["go"] == Answer(200, c.JSON, listed.body), path
        record = json.loads(answers["go"].body)
        assert list(record) == c.PENDING_KEYS
        assert record["input"] == [LONG]
    # Another run, another Activity ID: not pending there.
    for params in ({**ids, "run_id": "not-this-run"}, {**ids, "activity_id": "2"}):
        message = f'Activity "{params["activity_id"]}" of Workflow "{handle.id}" is not pending'
        assert_answers(get(servers, "/v1/activity" + query_string(**params)), c.refused(message))
    finish(demo, servers["go"], handle)
    gone = get(servers, "/v1/activity" + query_string(**ids))
    assert_answers(gone, c.refused(f'Activity "1" of Workflow "{handle.id}" is not pending'))


@pytest.mark.parametrize("params", [{}, {"workflow_id": "w"}, {"activity_id": "1"}])
def test_activity_without_its_ids_answers_400(
    servers: dict[str, ServeProcess], params: dict[str, str]
) -> None:
    path = "/v1/activity" + (query_string(**params) if params else "")
    answers = get(servers, path)
    assert_answers(answers, c.malformed("give the query parameters workflow_id and activity_id"))


def test_activity_takes_get_only(servers: dict[str, ServeProcess]) -> None:
    answers = {kind: serve.post("/v1/activity", {}) for kind, serve in servers.items()}
    assert_answers(answers, c.method_not_allowed("POST", "GET, HEAD"))
    assert_identical(answers)
