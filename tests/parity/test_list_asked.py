"""What pending Activities ask, by both completers' `list`: the input of each kind (text,
JSON, 100 KB of text, binary, undecodable, empty, none, HTML and script) and the summary,
read from the history, give the same JSON lines and the same table; `--no-input` leaves
them null. The Activities stay scheduled: no Activity Worker polls their task queue."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.harness import EventLoopThread, run_completer, unique_id, wait_until
from tests.parity.asking import HTML, KINDS, LONG, Asking
from tests.parity.test_list import KINDS as COMPLETER_KINDS
from tests.parity.test_list import cells, count_line

EXPECTED_INPUT: dict[str, Any] = {
    "text": ["Pay invoice 3 of 1,200 EUR to ACME"],
    "json": [{"invoice": 3, "amount": 1200.5, "to": "ACME", "lines": [1, 2]}],
    "spaced-json": [{"a": [1, 2.5], "b": "x  y"}],
    "long": [LONG],
    "binary": [{"encoding": "binary/plain", "size": 4}],
    "encrypted": [{"encoding": "binary/encrypted", "size": 33}],
    "not-utf8": [{"encoding": "json/plain", "size": 4}],
    "null": [None],
    "empty": [""],
    "none": [],
    "html": [HTML],
    "two": ["first", 2],
    "summarised": ["Pay invoice 7"],
}
EXPECTED_CELL = {
    "text": "Pay invoice 3 of 1,200 EUR to ACME",
    "json": '{"amount":1200.5,"invoice":3,"lines":[1…',
    "spaced-json": '{"a":[1,2.50],"b":"x y"}',  # one line: white space runs as one
    "long": LONG[:39] + "…",
    "binary": '{"encoding":"binary/plain","size":4}',
    "encrypted": '{"encoding":"binary/encrypted","size":3…',
    "not-utf8": '{"encoding":"json/plain","size":4}',
    "null": "null",
    "empty": "-",
    "none": "-",
    "html": HTML[:39] + "…",
    "two": "first, 2",
    "summarised": "Pay invoice 7 of 80 EUR to Büro <ACME>",
}


@pytest.fixture(scope="module")
def asking(dev_server: Any, loop: EventLoopThread, client: Any) -> Iterator[str]:
    """A running Asking Workflow with one scheduled Activity per kind; yields its ID."""
    from temporalio.worker import Worker

    task_queue = unique_id("asking")

    async def make() -> Worker:  # a Worker is made inside the loop it runs on
        return Worker(client, task_queue=task_queue, workflows=[Asking])

    worker = loop.run(make())
    running = asyncio.run_coroutine_threadsafe(worker.run(), loop.loop)
    handle = loop.run(
        client.start_workflow("Asking", args=[list(KINDS)], id=task_queue, task_queue=task_queue)
    )

    def all_scheduled() -> bool:
        described = loop.run(handle.describe()).raw_description
        return len(described.pending_activities) == len(KINDS)

    wait_until(all_scheduled, 30, "every Activity of the Asking Workflow to be scheduled")
    yield handle.id
    loop.run(handle.terminate("test over"))
    loop.run(worker.shutdown())
    running.result(10)


def listing(kind: str, address: str, *args: str) -> str:
    run = run_completer(kind, ["list", *args], address)
    assert run.returncode == 0 and run.stderr == "", run
    return run.stdout


def test_both_completers_list_what_each_activity_asks(dev_server: Any, asking: str) -> None:
    raw = {
        kind: listing(kind, dev_server.address, "--json", "--workflow-id", asking)
        for kind in COMPLETER_KINDS
    }
    assert sorted(raw["python"].splitlines()) == sorted(raw["go"].splitlines())
    rows = {row["activity_id"]: row for row in map(json.loads, raw["go"].splitlines())}
    assert {kind: row["input"] for kind, row in rows.items()} == EXPECTED_INPUT
    assert {kind: row["summary"] for kind, row in rows.items() if row["summary"]} == {
        "summarised": "Pay invoice 7 of 80 EUR to Büro <ACME>"
    }
    assert list(rows["text"])[-2:] == ["input", "summary"]
    # JSON keeps its own text, white space between tokens dropped; a text is written as
    # the list line writes strings (non-ASCII as is).
    spaced = next(line for line in raw["go"].splitlines() if '"spaced-json"' in line)
    assert spaced.endswith(',"input":[{"a":[1,2.50],"b":"x  y"}],"summary":null}')
    summarised = next(line for line in raw["go"].splitlines() if '"summarised"' in line)
    assert summarised.endswith(',"summary":"Pay invoice 7 of 80 EUR to Büro <ACME>"}')


def test_both_completers_show_what_is_asked_in_the_table(dev_server: Any, asking: str) -> None:
    tables = {}
    for kind in COMPLETER_KINDS:
        lines = listing(kind, dev_server.address, "--workflow-id", asking).splitlines()
        assert cells(lines[0])[-1] == "ASKS"
        assert lines[-1] == count_line(len(KINDS), 1, 1)
        # The ASKS column starts where its header does, in every row.
        start = lines[0].index("ASKS")
        tables[kind] = {line[start - 2 : start] + line[start:] for line in lines[1:-1]}
        assert len(lines) == len(KINDS) + 2
        by_id = {cells(line)[1]: line[start:] for line in lines[1:-1]}
        assert by_id == EXPECTED_CELL
    assert tables["python"] == tables["go"]


def test_no_input_reads_no_history(dev_server: Any, asking: str) -> None:
    for kind in COMPLETER_KINDS:
        rows = [
            json.loads(line)
            for line in listing(
                kind, dev_server.address, "--json", "--no-input", "--workflow-id", asking
            ).splitlines()
        ]
        assert len(rows) == len(KINDS)
        assert all(row["input"] is None and row["summary"] is None for row in rows)
        table = listing(kind, dev_server.address, "--no-input", "--workflow-id", asking)
        lines = table.splitlines()
        start = lines[0].index("ASKS")
        assert {line[start:] for line in lines[1:-1]} == {"-"}
