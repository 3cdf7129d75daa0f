"""The README, run: every example that shows a command and its output is run against a dev
server of this module, and what the command prints must be what the README shows.

How to keep an example true (README writers, read this):
- Every fenced block but a ```mermaid diagram has a marker on the line above it:
  `<!-- readme-test: run [setup=NAME] [unordered] [own-server] [one-command] -->`, or
  `<!-- readme-test: skip: REASON -->` for a block that cannot run here (a server in the
  foreground, a Cloud address, a list of commands without output). RUNNABLE and SKIPPED
  below count them: a new block without a marker, or a new marker, fails until counted.
- In a `run` block, `$ COMMAND` lines run in bash, one after another, from a folder with the
  repository's files (files the commands create stay there) and TEMPORAL_ADDRESS set to this
  module's dev server (`own-server`: unset, as for `make run-all`). The lines under a command
  are its standard output and standard error as one stream; `...` stands for any lines.
  `unordered`: each command's lines may come in any order (concurrent output), and batch
  outcomes' `"line":N` may differ. `one-command`: the first line is the only command, all
  the rest its output (for run-all, which prints `$ ` lines of its own).
- Addresses, UUIDs, times, ages (3s, 1m2s), tokens and other long hex, PID@HOST and host
  names, run-all's folders and IDs are compared as patterns (transcript.PATTERNS), and runs of
  spaces as one space: paste a real run, as it printed. A new `list` column needs only the
  example pasted again.
- `setup=NAME` prepares what the text before the block says exists (setups.py): pending
  Workflows with the README's IDs, the files it tells a person to write. A block without a setup
  continues where the one above left off. A Workflow ID is used by one setup only; what earlier
  examples left running is ended before a setup runs.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator

import pytest

from tests.harness import ROOT, DevServer, EventLoopThread, WorkerProcess
from tests.readme import transcript
from tests.readme.setups import SETUPS, Stage

README = ROOT / "README.md"
RUNNABLE = 13
SKIPPED = 14
# Make's own variables would change what make prints ("Entering directory"); the Makefile's
# knobs would change what the targets do.
UNSET = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES", "COMPLETER", "INPUT", "RESULT"}
UNSET |= {"DB_FILE", "TOKEN", "TOKEN_FILE", "WORKFLOW_ID", "LISTEN", "BENCH_ARGS"}


def test_every_block_is_marked_and_counted() -> None:
    found = transcript.examples(README)
    unmarked = [e.name for e in found if not e.kind]
    assert unmarked == [], "mark each block: <!-- readme-test: run --> or skip: REASON"
    kinds = [e.kind for e in found]
    assert (kinds.count("run"), kinds.count("skip")) == (RUNNABLE, SKIPPED)
    for example in found:
        if example.kind == "run":
            assert example.commands(), f"{example.name}: a run block shows a `$ ` command"
            unknown = set(example.options) - {"setup", "unordered", "own-server", "one-command"}
            assert not unknown, f"{example.name}: unknown options {unknown}"
            assert example.options.get("setup") in (None, *SETUPS), example.name


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    from temporalio.client import Client

    # The repository's files, linked into a folder of their own: what the examples write
    # (credentials, approvals.jsonl, ...) lands there, never in the repository.
    folder = tmp_path_factory.mktemp("readme")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in {path.split("/")[0] for path in tracked} | {".venv", ".tools", "bin"}:
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name)
    # Up to date first: make's own lines (a rebuild) are not the README's.
    subprocess.run(["make", "install"], cwd=ROOT, capture_output=True, check=True)
    logs = tmp_path_factory.mktemp("readme-logs")
    server = DevServer.start(logs / "dev-server.log")
    worker = WorkerProcess(server.address, logs / "worker.log").start()
    loop = EventLoopThread()
    stage = None
    try:
        worker.wait_started()
        client = loop.run(Client.connect(server.address))
        stage = Stage(server, worker, loop, client, folder, logs)
        yield stage
    finally:
        if stage is not None:
            stage.stop()
        worker.stop()
        server.stop()
        loop.close()


def environment(stage: Stage, own_server: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_") and k not in UNSET}
    if not own_server:
        env["TEMPORAL_ADDRESS"] = stage.server.address
    return env


def run_example(stage: Stage, example: transcript.Example) -> list[str]:
    """Runs one example; returns what differs from the README, in words."""
    if "setup" in example.options:
        # What earlier examples left running ends here: this one's `list` sees its own.
        stage.finish()
        stage.substitutions.update(SETUPS[example.options["setup"]](stage))
    env = environment(stage, "own-server" in example.options)
    drifts = []
    for command in example.commands():
        line = command.line
        for placeholder, value in stage.substitutions.items():
            line = line.replace(placeholder, value)
        run = subprocess.run(
            ["bash", "-c", line],
            cwd=stage.folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=180,
        )
        actual = run.stdout.splitlines()
        if not transcript.matches(
            command.expected, actual, unordered="unordered" in example.options
        ):
            drifts.append(
                f"{example.name}: $ {command.line}\n--- the README shows:\n"
                + "\n".join(command.expected)
                + "\n--- the command printed:\n"
                + "\n".join(actual)
            )
    return drifts


def test_the_readme_examples_print_what_they_show(stage: Stage) -> None:
    # One test, in the README's order: an example may rely on what an earlier one did, as
    # a reader's terminal does. Every drift is reported, not only the first.
    drifts: list[str] = []
    for example in transcript.examples(README):
        if example.kind == "run":
            drifts += run_example(stage, example)
    assert not drifts, "\n\n".join(drifts)


def test_every_file_the_readme_creates_is_ignored_by_git(stage: Stage) -> None:
    """The files a person is told to write in the repository (secrets among them), and those
    the examples wrote while this module ran, are one `git add -A` away from a commit unless
    git ignores them."""
    text = README.read_text(encoding="utf-8")
    told = set(re.findall(r"(?:> |DB_FILE=|TOKEN_FILE=|-file |--batch )([a-z][\w.-]*)", text))
    written = {p.name for p in stage.folder.iterdir() if not p.is_symlink()}
    names = sorted(told | written)
    assert {"credentials", "link.key", "approvals.jsonl", "async.db", "token"} <= set(names), names
    check = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True
    )
    ignored = set(check.stdout.split())
    assert [name for name in names if name not in ignored] == []
