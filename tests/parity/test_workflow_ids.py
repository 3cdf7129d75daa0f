"""Any Workflow ID (and Activity ID) Temporal accepts works everywhere (issue 17): every ID of
the corpus (tests/data/workflow_ids.json: spaces, quotes, backslashes, control characters, any
script, emoji, HTML, right-to-left text, the longest the server allows) goes through each verb
by IDs,
`--batch`, `list` (JSON and table, byte for byte the same in both completers), `serve`'s
routes and a signed link, in both languages, and the same bytes reach the server.

Before issue 17 the Go completer refused every such request inside the client: the Go SDK
copies the Workflow ID into a gRPC header, and gRPC refuses header values that are not
printable ASCII (go-completer/internal/temporalconn/headers.go)."""

from __future__ import annotations

import json
import os
import unicodedata
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Demo
from tests.harness import DevServer, unique_id, wait_until
from tests.parity.test_links import make_link, path_of
from tests.parity.test_list import HEADER, count_line, prefix_query, start, wait_visible
from tests.serve.harness import KINDS, ServeProcess, serving_all
from tests.serve.history import assert_completed_once, assert_failed

CORPUS = json.loads((Path(__file__).parents[1] / "data" / "workflow_ids.json").read_text("utf-8"))
MAX_BYTES: int = CORPUS["max_bytes"]
# The cluster's PostgreSQL holds Workflow IDs in VARCHAR(255) columns (tests/conftest.py picks
# the server: ASYNC_TEST_SERVER=cluster).
MAX_CHARS: int | None = (
    CORPUS["max_sql_chars"] if os.environ.get("ASYNC_TEST_SERVER") == "cluster" else None
)
AGE_COLUMNS = (5, 6)  # WAITING and HEARTBEAT: ages, which differ between two runs


def corpus_ids(prefix: str) -> dict[str, str]:
    """Each corpus ID after prefix (a visibility query finds a test's own), cut at a
    character boundary to the longest the server accepts."""
    ids = {}
    for entry in CORPUS["ids"]:
        text = f"{prefix} {entry['id']}"
        while len(text.encode()) > MAX_BYTES or (MAX_CHARS is not None and len(text) > MAX_CHARS):
            text = text[:-1]
        ids[entry["name"]] = text
    return ids


def json_lines(text: str | bytes) -> list[str]:
    """The lines of JSON-lines output: split at \\n only (str.splitlines also splits at
    U+0085 and U+2028, which a JSON string may hold raw)."""
    if isinstance(text, bytes):
        text = text.decode()
    assert text == "" or text.endswith("\n"), text
    return text.split("\n")[:-1]


def start_all(
    demo: Demo, ids: dict[str, str], activity_ids: dict[str, str] | None = None
) -> dict[str, Any]:
    """A Workflow for each ID (with activity_ids, that Activity ID for its Activity), once
    its Activity is pending. (The Worker's token line of an ID with a newline spans two
    lines: the describe says when the Activity is pending.)"""
    handles = {
        name: start(demo, workflow_id, activity_id=(activity_ids or {}).get(name))
        for name, workflow_id in ids.items()
    }
    for handle in handles.values():
        wait_until(
            lambda h=handle: bool(demo.describe(h).raw_description.pending_activities),
            30,
            f"the Activity of {handle.id!r} to be pending",
            interval=0.1,
        )
    return handles


def shown(text: str) -> str:
    """A cell as docs/completer-cli.md says the table shows it: control characters escaped."""
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    out = []
    for char in text:
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029):
            out.append(named.get(char, f"\\u{code:04x}"))
        else:
            out.append(char)
    return "".join(out)


def width(text: str) -> int:
    """Display width as docs/completer-cli.md defines it, from unicodedata directly."""
    total = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def split_by_columns(line: str, starts: list[int]) -> list[str]:
    """The cells of a table line whose columns start at these display columns. Fails when a
    cell does not start exactly there (the table is not aligned)."""
    cells, column, current = [], 0, ""
    boundaries = starts[1:]
    for char in line:
        if boundaries and column == boundaries[0]:
            assert current.endswith("  ") or current == "", (line, current)
            cells.append(current.rstrip(" "))
            current, boundaries = "", boundaries[1:]
        assert not boundaries or column < boundaries[0], f"misaligned: {line!r}"
        current += char
        column += width(char)
    cells.append(current)
    return cells


@pytest.fixture(scope="module")
def listed(demo_module: Demo) -> Iterator[tuple[str, dict[str, Any]]]:
    prefix = unique_id("ids")
    handles = start_all(demo_module, corpus_ids(prefix))
    query = prefix_query(prefix)
    wait_visible(demo_module, query, len(handles))
    yield query, handles
    for handle in handles.values():
        demo_module.loop.run(handle.terminate("test over"))


@pytest.fixture(scope="module")
def demo_module(dev_server: Any, worker: Any, loop: Any, client: Any) -> Demo:
    return Demo(dev_server, worker, loop, client)


def test_the_corpus_holds_every_kind_and_the_longest_id() -> None:
    ids = corpus_ids(unique_id("ids"))
    longest = ids["longest"]
    assert len(longest.encode()) > MAX_BYTES - 3 or len(longest) == MAX_CHARS
    assert "\t" in ids["tab"] and "\n" in ids["newline"] and "\a" in ids["bell"]


def test_list_json_keeps_the_exact_ids_in_both(
    demo_module: Demo, listed: tuple[str, dict[str, Any]]
) -> None:
    query, handles = listed
    runs = {kind: demo_module.run(kind, "list", "--json", "--query", query) for kind in KINDS}
    for run in runs.values():
        assert run.returncode == 0 and run.stderr == "", run
    assert sorted(json_lines(runs["python"].stdout)) == sorted(json_lines(runs["go"].stdout))
    rows = [json.loads(line) for line in json_lines(runs["go"].stdout)]
    assert sorted(row["workflow_id"] for row in rows) == sorted(h.id for h in handles.values())


def test_list_table_is_one_line_per_activity_aligned_and_the_same_in_both(
    demo_module: Demo, listed: tuple[str, dict[str, Any]]
) -> None:
    query, handles = listed
    tables = {}
    for kind in KINDS:
        run = demo_module.run(kind, "list", "--query", query)
        assert run.returncode == 0 and run.stderr == "", run
        lines = run.stdout.split("\n")
        assert lines[-1] == "" and lines[-2] == count_line(len(handles), len(handles), len(handles))
        header, *rows = lines[:-2]
        assert len(rows) == len(handles)  # one line per Activity
        starts = [header.index(name) for name in HEADER]  # the header is ASCII
        cells = [split_by_columns(row, starts) for row in rows]
        for row in cells:
            for column in AGE_COLUMNS:
                row[column] = "<age>"
        tables[kind] = cells
    assert tables["python"] == tables["go"]
    assert sorted(row[0] for row in tables["go"]) == sorted(shown(h.id) for h in handles.values())
    assert {row[1] for row in tables["go"]} == {"1"}


def test_every_verb_by_ids_reaches_the_right_activity(demo: Demo) -> None:
    handles = start_all(demo, corpus_ids(unique_id("verbs")))
    for n, (name, handle) in enumerate(handles.items()):
        ids = ("--workflow-id", handle.id, "--activity-id", "1")
        beats = {kind: demo.run(kind, "heartbeat", *ids, "--details", name) for kind in KINDS}
        for beat in beats.values():
            assert beat.returncode == 0 and beat.stderr == "", (name, beat)
        # One line, the same in both: the ID's control characters escaped.
        assert (
            beats["python"].stdout
            == beats["go"].stdout
            == (f'Recorded a heartbeat for Activity "1" of Workflow "{shown(handle.id)}"\n')
        )
        kind = KINDS[n % 2]
        if n % 4 < 2:
            done = demo.run(kind, "complete", *ids, "--run-id", handle.result_run_id,
                            "--result", f"done {name}")  # fmt: skip
        else:
            done = demo.run(kind, "fail", *ids, "--reason", f"no {name}")
        assert done.returncode == 0 and done.stderr == "", (name, done)
    for n, (name, handle) in enumerate(handles.items()):
        if n % 4 < 2:
            assert_completed_once(demo, handle, f"done {name}")
        else:
            assert_failed(demo, handle, KINDS[n % 2], f"no {name}")


@pytest.mark.parametrize(("lister", "finisher"), [("go", "python"), ("python", "go")])
def test_list_json_pipes_into_a_batch(demo: Demo, lister: str, finisher: str) -> None:
    prefix = unique_id("idbatch")
    handles = start_all(demo, corpus_ids(prefix))
    query = prefix_query(prefix)
    wait_visible(demo, query, len(handles))
    listing = demo.run(lister, "list", "--json", "--query", query)
    assert listing.returncode == 0, listing
    batch = demo.run(finisher, "complete", "--batch", "-", "--result", "Batched",
                     stdin=listing.stdout)  # fmt: skip
    assert batch.returncode == 0 and batch.stderr == "", batch
    outcomes = [json.loads(line) for line in json_lines(batch.stdout)]
    assert [o["outcome"] for o in outcomes] == ["ok"] * len(handles)
    for handle in handles.values():
        assert_completed_once(demo, handle, "Batched")


@pytest.fixture(scope="module")
def serves(dev_server: DevServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    logs = tmp_path_factory.mktemp("id-serves")
    with serving_all(KINDS, dev_server.address, logs, name="ids") as started:
        yield started


def test_serve_lists_and_acts_on_every_id(demo: Demo, serves: dict[str, ServeProcess]) -> None:
    prefix = unique_id("idserve")
    handles = start_all(demo, corpus_ids(prefix))
    query = prefix_query(prefix)
    wait_visible(demo, query, len(handles))
    path = "/v1/pending?query=" + urllib.parse.quote(query)
    answers = {kind: serves[kind].get(path) for kind in KINDS}
    for answer in answers.values():
        assert answer.status == 200, answer
    assert sorted(json_lines(answers["python"].body)) == sorted(json_lines(answers["go"].body))
    rows = [json.loads(line) for line in json_lines(answers["go"].body)]
    assert sorted(r["workflow_id"] for r in rows) == sorted(h.id for h in handles.values())
    for n, (name, handle) in enumerate(handles.items()):
        by_id = {"workflow_id": handle.id, "run_id": handle.result_run_id, "activity_id": "1"}
        served = serves[KINDS[n % 2]]
        beat = served.post("/v1/heartbeat", {**by_id, "details": name})
        assert beat.status == 200, (name, beat)
        done = served.post("/v1/complete", {**by_id, "result": f"served {name}"})
        assert done.status == 200, (name, done)
    for name, handle in handles.items():
        assert_completed_once(demo, handle, f"served {name}")


@pytest.fixture(scope="module")
def link_serves(
    dev_server: DevServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, ServeProcess], Path]]:
    logs = tmp_path_factory.mktemp("id-links")
    key = logs / "link.key"
    key.write_text("k" * 16 + "0123456789abcdef0123456789abcdef\n")
    key.chmod(0o600)
    with serving_all(KINDS, dev_server.address, logs, "--link-key-file", str(key),
                     name="id-links") as started:  # fmt: skip
        yield started, key


def test_a_signed_link_acts_on_every_id(
    demo: Demo, link_serves: tuple[dict[str, ServeProcess], Path]
) -> None:
    serves, key = link_serves
    handles = start_all(demo, corpus_ids(unique_id("idlink")))
    for n, (name, handle) in enumerate(handles.items()):
        maker, server = KINDS[n % 2], KINDS[(n + 1) % 2]
        url = make_link(demo, maker, handle.id, serves[server].url, key, "--result", name)
        page = serves[server].request("GET", path_of(url))
        assert page.status == 200, (name, page)
        done = serves[server].request("POST", path_of(url))
        assert done.status == 200, (name, done)
    for name, handle in handles.items():
        assert_completed_once(demo, handle, name)


def test_every_activity_id_works_in_list_and_the_verbs(demo: Demo) -> None:
    prefix = unique_id("actids")
    activity_ids = {name: text[len(prefix) + 1 :] for name, text in corpus_ids(prefix).items()}
    workflow_ids = {name: f"{prefix}-{n}" for n, name in enumerate(activity_ids)}
    handles = start_all(demo, workflow_ids, activity_ids)
    query = prefix_query(prefix)
    wait_visible(demo, query, len(handles))
    runs = {kind: demo.run(kind, "list", "--json", "--query", query) for kind in KINDS}
    for run in runs.values():
        assert run.returncode == 0 and run.stderr == "", run
    assert sorted(json_lines(runs["python"].stdout)) == sorted(json_lines(runs["go"].stdout))
    listed = {json.loads(line)["activity_id"] for line in json_lines(runs["go"].stdout)}
    assert listed == set(activity_ids.values())
    tables = {kind: demo.run(kind, "list", "--query", query) for kind in KINDS}
    for table in tables.values():
        assert table.returncode == 0 and table.stderr == "", table
        header, *rows, count = table.stdout.split("\n")[:-1]
        assert len(rows) == len(handles)  # one line per Activity
        assert count == count_line(len(handles), len(handles), len(handles))
        starts = [header.index(name) for name in HEADER]
        shown_ids = {split_by_columns(row, starts)[1] for row in rows}
        assert shown_ids == {shown(activity_id) for activity_id in activity_ids.values()}
    for n, (name, handle) in enumerate(handles.items()):
        ids = ("--workflow-id", handle.id, "--activity-id", activity_ids[name])
        beats = {kind: demo.run(kind, "heartbeat", *ids) for kind in KINDS}
        assert beats["python"] == beats["go"], name
        assert beats["go"].stdout == (
            f'Recorded a heartbeat for Activity "{shown(activity_ids[name])}" '
            f'of Workflow "{handle.id}"\n'
        )
        done = demo.run(KINDS[n % 2], "complete", *ids, "--result", f"done {name}")
        assert done.returncode == 0 and done.stderr == "", (name, done)
    for name, handle in handles.items():
        assert_completed_once(demo, handle, f"done {name}")


def test_every_identity_the_completers_accept_is_recorded_exactly(demo: Demo) -> None:
    """--identity takes 1 to 128 characters without control characters
    (docs/completer-cli.md): every corpus text of that kind is recorded as it was given."""
    import socket

    from tests.serve.history import closing

    names = {
        name: text
        for name, text in ((e["name"], e["id"]) for e in CORPUS["ids"])
        if len(text) <= 128 and shown(text) == text
    }
    assert {"HTML", "emoji", "right-to-left", "quotes", "CJK wide"} <= set(names)
    handles = start_all(demo, {name: unique_id("who") for name in names})
    for n, (name, handle) in enumerate(handles.items()):
        kind = KINDS[n % 2]
        ids = ("--workflow-id", handle.id, "--activity-id", "1")
        done = demo.run(kind, "complete", *ids, "--identity", names[name], "--result", name)
        assert done.returncode == 0 and done.stderr == "", (name, done)
        recorded = f"{names[name]} via {kind}-completer cli@{socket.gethostname()}"
        assert closing(demo, handle).identity == recorded, name


def test_an_id_longer_than_the_server_allows_is_answered_alike(demo: Demo) -> None:
    """No Workflow can have it (the server refuses to start one), so no Activity of it is
    pending: both completers send it as it is, and say what the server answered."""
    too_long = "x" * (MAX_BYTES + 1)
    runs = {
        kind: demo.run(kind, "complete", "--workflow-id", too_long, "--activity-id", "1")
        for kind in KINDS
    }
    assert runs["python"] == runs["go"]
    assert runs["go"].returncode == 3 and runs["go"].stdout == "", runs["go"]
    assert runs["go"].stderr.startswith('error: Activity "1" of Workflow "xxx'), runs["go"]
    assert "is not pending any more" in runs["go"].stderr
