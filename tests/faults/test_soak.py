"""A soak: 500 Workflows on a private server and Worker, their Activities completed by
both completers at once in batch mode (`complete --batch -`), even-numbered ones by the
Python completer, odd-numbered ones by the Go completer, each with a result of its own.
Every Workflow must end with exactly the result its completer sent, and none may be left
running."""

from __future__ import annotations

import json
from pathlib import Path

from temporalio.client import Client

from tests.faults import helpers as h
from tests.harness import TOKEN_LINE, DevServer, EventLoopThread, WorkerProcess, wait_until

WORKFLOWS = 500


def token_lines(log: Path) -> dict[str, tuple[int, str]]:
    """Workflow ID -> (attempt, token), from the Worker's log."""
    found: dict[str, tuple[int, str]] = {}
    for line in log.read_text().splitlines():
        if TOKEN_LINE.search(line):
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            found[fields["workflow_id"]] = (int(fields["attempt"]), fields["taskToken"])
    return found


def batch_input(jobs: list[tuple[str, str]]) -> tuple[str, dict[int, str]]:
    """The JSON lines of (token, result) jobs, with a comment and a blank line that the
    completer skips; returns the text and which input line holds which job's index."""
    lines = ["# soak: one job per line", ""]
    line_of: dict[int, str] = {}
    for token, result in jobs:
        lines.append(json.dumps({"tasktoken": token, "result": result}, ensure_ascii=False))
        line_of[len(lines)] = result
    return "\n".join(lines) + "\n", line_of


def test_500_workflows_completed_alternately_by_both_completers(
    loop: EventLoopThread, tmp_path: Path
) -> None:
    server = DevServer.start(tmp_path / "server.log")
    worker = WorkerProcess(server.address, tmp_path / "worker.log").start()
    try:
        worker.wait_started()
        client = loop.run(Client.connect(server.address))
        handles = h.start_workflows(loop, client, "async", WORKFLOWS, prefix="soak")
        wait_until(
            lambda: worker.log.read_text().count("taskToken=") >= WORKFLOWS,
            90,
            f"{WORKFLOWS} token lines in {worker.log}",
            interval=0.5,
        )
        tokens = token_lines(worker.log)
        assert sorted(tokens) == sorted(handle.id for handle in handles)
        assert {attempt for attempt, _ in tokens.values()} == {1}

        # Each Workflow's result names it and its completer; non-ASCII goes through as is.
        expected = [f"soak {i} \u2713 by {h.KINDS[i % 2]}" for i in range(WORKFLOWS)]
        inputs, lines_of = [], []
        for kind_index, _kind in enumerate(h.KINDS):
            jobs = [
                (tokens[handle.id][1], expected[i])
                for i, handle in enumerate(handles)
                if i % 2 == kind_index
            ]
            text, line_of = batch_input(jobs)
            inputs.append(text)
            lines_of.append(line_of)
        workflow_of = {result: handle.id for result, handle in zip(expected, handles, strict=True)}

        timed = h.run_all(
            [(kind, ["complete", "--batch", "-"]) for kind in h.KINDS],
            server.address,
            stdins=inputs,
        )
        for kind, each, line_of in zip(h.KINDS, timed, lines_of, strict=True):
            assert (each.run.returncode, each.run.stderr) == (0, ""), (kind, each.run.stderr)
            outputs = each.run.stdout.splitlines()
            assert len(outputs) == len(line_of), kind
            seen = set()
            for output in outputs:
                record = json.loads(output)
                assert list(record) == ["line", "outcome", "code", "message"], output
                assert output == json.dumps(record, separators=(",", ":"), ensure_ascii=False)
                workflow_id = workflow_of[line_of[record["line"]]]
                assert record == {
                    "line": record["line"],
                    "outcome": "ok",
                    "code": 0,
                    "message": h.completed(workflow_id),
                }, output
                seen.add(record["line"])
            assert seen == set(line_of), kind
            h.assert_no_hex_run([each.run.stdout, each.run.stderr])

        assert h.results(loop, handles, timeout=120) == expected

        def counted(query: str) -> int:
            count: int = loop.run(client.count_workflows(query)).count
            return count

        wait_until(
            lambda: counted("ExecutionStatus='Running'") == 0, 30, "no Workflow left running"
        )
        assert counted("ExecutionStatus='Completed'") == WORKFLOWS
    finally:
        worker.stop()
        server.stop()
