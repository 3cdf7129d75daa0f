"""scripts/check_structure.py on small made-up trees: each rule of docs/architecture.md it
enforces (no import cycle, no upward import, no file over 300 lines) fails a tree that breaks
it, names the files, and passes one that keeps it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.harness import ROOT

SCRIPT = ROOT / "scripts" / "check_structure.py"
PACKAGE = "python-completer/src/async_completer"
GO_MODULE = "example.com/go-completer"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def clean_tree(root: Path) -> None:
    """A tree that keeps every rule: imports run downward in both languages."""
    write(
        root,
        {
            f"{PACKAGE}/__init__.py": "",
            f"{PACKAGE}/cli.py": "from async_completer.verbs import complete\n",
            f"{PACKAGE}/verbs/__init__.py": "",
            f"{PACKAGE}/verbs/complete.py": "from async_completer.send import send\n",
            f"{PACKAGE}/send/__init__.py": "from .send import send\n",
            f"{PACKAGE}/send/send.py": (
                "from async_completer import lines\nfrom ..model import Job\n"
                "def send() -> None:\n    from async_completer.history import read\n"
            ),
            f"{PACKAGE}/history/__init__.py": "",
            f"{PACKAGE}/history/read.py": "from async_completer.lines import history\n",
            f"{PACKAGE}/lines/__init__.py": "from async_completer.model import Job\n",
            f"{PACKAGE}/lines/history.py": "import async_completer.model\n",
            f"{PACKAGE}/model.py": "import json\n",
            "python-worker/src/async_worker/__init__.py": "",
            "python-worker/src/async_worker/worker.py": "from async_worker import shared\n",
            "python-worker/src/async_worker/shared.py": "import temporalio\n",
            "bench/__init__.py": "",
            "bench/report.py": "from bench import listing\nfrom bench.figures import table\n",
            "bench/listing.py": "from bench.procs import Pending\n",
            "bench/procs.py": "import asyncio\n",
            "bench/figures.py": "\n" * 300,
            "scripts/tool.sh": "echo\n" * 300,
            "go-completer/go.mod": f"module {GO_MODULE}\n\ngo 1.26\n",
            "go-completer/main.go": f'package main\n\nimport "{GO_MODULE}/internal/cli"\n',
            "go-completer/internal/cli/cli.go": (
                f'package cli\n\nimport (\n\t"fmt"\n\n\t"{GO_MODULE}/internal/send"\n'
                f'\tl "{GO_MODULE}/internal/lines"\n)\n'
            ),
            "go-completer/internal/send/send.go": (
                f'package send\n\nimport "{GO_MODULE}/internal/lines"\n'
            ),
            "go-completer/internal/lines/lines.go": (
                f'package lines\n\nimport (\n\t"{GO_MODULE}/internal/model"\n)\n'
            ),
            "go-completer/internal/model/model.go": "package model\n",
            "go-completer/internal/page/page.go": "package page\n",
            # Tests and generated code may be long.
            "go-completer/internal/cli/cli_test.go": (
                f'package cli\n\nimport "{GO_MODULE}/internal/cli"\n' + "\n" * 400
            ),
            "go-completer/internal/tasktokenpb/task_token.pb.go": "package tasktokenpb\n" * 400,
            f"{PACKAGE}/tasktokenpb/__init__.py": "",
            f"{PACKAGE}/tasktokenpb/task_token_pb2.py": "x = 1\n" * 400,
        },
    )


def check(root: Path) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == ""
    return done.returncode, done.stderr.splitlines()


def test_a_tree_that_keeps_every_rule_passes(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    assert check(tmp_path) == (0, [])


def test_an_import_cycle_in_bench_names_both_files(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    # The cycle closes through an import inside a function: it counts too.
    write(tmp_path, {"bench/figures.py": "def f() -> None:\n    from bench.report import x\n"})
    code, lines = check(tmp_path)
    assert code == 1
    assert lines == ["error: import cycle: bench/figures.py -> bench/report.py -> bench/figures.py"]


def test_a_relative_import_cycle_in_the_completer_is_found(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    write(tmp_path, {f"{PACKAGE}/lines/history.py": "from ..lines import history2\n"})
    write(tmp_path, {f"{PACKAGE}/lines/history2.py": "from . import history\n"})
    code, lines = check(tmp_path)
    assert code == 1
    assert lines == [
        f"error: import cycle: {PACKAGE}/lines/history.py -> {PACKAGE}/lines/history2.py "
        f"-> {PACKAGE}/lines/history.py"
    ]


def test_an_import_cycle_in_the_worker_is_found(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    write(tmp_path, {"python-worker/src/async_worker/shared.py": "import async_worker.worker\n"})
    code, lines = check(tmp_path)
    assert code == 1
    assert len(lines) == 1 and "async_worker/shared.py" in lines[0]
    assert "async_worker/worker.py" in lines[0]


def test_a_python_import_from_a_higher_layer_names_both_files(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    write(tmp_path, {f"{PACKAGE}/lines/history.py": "from async_completer.verbs import x\n"})
    code, lines = check(tmp_path)
    assert code == 1
    assert lines == [
        f"error: {PACKAGE}/lines/history.py imports {PACKAGE}/verbs/__init__.py: "
        "layer 5 words imports layer 1 entry (verbs)"
    ]


def test_a_go_import_from_a_higher_layer_names_the_file_and_the_package(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    write(
        tmp_path,
        {
            "go-completer/internal/model/model.go": (
                f'package model\n\nimport (\n\t"strings"\n\t"{GO_MODULE}/internal/page" '
                "// the HTML\n)\n"
            )
        },
    )
    code, lines = check(tmp_path)
    assert code == 1
    assert lines == [
        "error: go-completer/internal/model/model.go imports go-completer/internal/page: "
        "layer 6 ground imports layer 5 words (page)"
    ]


def test_a_room_missing_from_the_layer_table_is_reported(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    write(tmp_path, {f"{PACKAGE}/jobs.py": "import json\n"})
    code, lines = check(tmp_path)
    assert code == 1
    assert lines == [f"error: {PACKAGE}/jobs.py: 'jobs' is in no layer of docs/architecture.md"]


def test_a_source_file_over_300_lines_is_named(tmp_path: Path) -> None:
    clean_tree(tmp_path)
    write(
        tmp_path,
        {
            "bench/figures.py": "\n" * 301,
            "go-completer/internal/send/long.go": "package send\n" * 320,
            "scripts/tool.sh": "echo\n" * 302,
        },
    )
    code, lines = check(tmp_path)
    assert code == 1
    assert sorted(lines) == [
        "error: bench/figures.py: 301 lines, over 300",
        "error: go-completer/internal/send/long.go: 320 lines, over 300",
        "error: scripts/tool.sh: 302 lines, over 300",
    ]


def test_a_root_that_is_not_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    code, lines = check(tmp_path / "missing")
    assert code == 2
    assert lines == [f"error: {tmp_path / 'missing'} is not a directory"]
